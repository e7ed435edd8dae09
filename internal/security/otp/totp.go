package otp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	pqotp "github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/ledgersync/ledgersync/internal/store"

	"github.com/ledgersync/ledgersync/internal/security/secretbox"
)

// Sealer encrypts a small secret bound to associated data, and opens it
// again only with the same associated data. The envelope encryption of the
// security core implements it.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(ciphertext, aad []byte) ([]byte, error)
}

// TOTP parameters: those every authenticator app supports (RFC 6238 with
// SHA-1, 6 digits, 30-second steps). A code is accepted one step early or
// late, for clocks that drift.
const (
	TOTPPeriod     = 30 * time.Second
	TOTPDigits     = 6
	TOTPSkew       = 1
	totpSecretSize = 20 // bytes: 160 bits, RFC 4226's recommendation
)

// Errors of authenticator apps.
var (
	ErrNotEnrolled     = errors.New("no authenticator app is set up")
	ErrAlreadyEnrolled = errors.New("an authenticator app is already set up; remove it before adding another")
	ErrReplayed        = errors.New("this authenticator code was already used; wait for the next one")
)

// TOTP enrols and checks authenticator apps. Their secrets are stored
// sealed by the Sealer, bound to the account they belong to.
type TOTP struct {
	sealer Sealer
	issuer string
}

// NewTOTP returns a TOTP whose apps show issuer ("Example Credit Union").
func NewTOTP(sealer Sealer, issuer string) (*TOTP, error) {
	if sealer == nil {
		return nil, errors.New("otp: TOTP needs a sealer for its secrets")
	}
	if issuer == "" {
		return nil, errors.New("otp: TOTP needs an issuer name for authenticator apps")
	}
	return &TOTP{sealer: sealer, issuer: issuer}, nil
}

// Enrolment is a new authenticator secret, shown once so the member can
// add it to an app: URL as a QR code, Secret for typing by hand. Its String,
// GoString and LogValue hide both, so printing or logging it leaks nothing.
type Enrolment struct {
	URL    string // otpauth://totp/Issuer:name?secret=…&issuer=…
	Secret string // base32
}

// String hides the secret from %v and %s.
func (Enrolment) String() string { return "otp.Enrolment{redacted}" }

// GoString hides the secret from %#v.
func (Enrolment) GoString() string { return "otp.Enrolment{redacted}" }

// LogValue hides the secret from log/slog.
func (Enrolment) LogValue() slog.Value { return slog.StringValue("redacted") }

func totpAAD(accountID int64) []byte { return []byte("ledgersync/totp/v1/account/" + itoa(accountID)) }

// Enrol creates a secret for the account and stores it sealed, pending
// confirmation; accountName is what the app shows under the issuer (a
// username, never a password). Enrolling again before confirming replaces
// the pending secret; an account with a confirmed app gets
// ErrAlreadyEnrolled (Remove it first, after re-authentication).
func (t *TOTP) Enrol(ctx context.Context, q store.Querier, accountID int64, accountName string, now time.Time) (*Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      t.issuer,
		AccountName: accountName,
		Period:      uint(TOTPPeriod / time.Second),
		SecretSize:  totpSecretSize,
		Digits:      pqotp.DigitsSix,
		Algorithm:   pqotp.AlgorithmSHA1,
	})
	if err != nil {
		return nil, fmt.Errorf("otp: enrol an authenticator for account %d: %w", accountID, err)
	}
	sealed, err := t.sealer.Seal([]byte(key.Secret()), totpAAD(accountID))
	if err != nil {
		return nil, fmt.Errorf("otp: enrol an authenticator for account %d: seal the secret: %w", accountID, err)
	}
	var got int64
	err = q.QueryRowContext(ctx, `
		INSERT INTO security_totp (account_id, secret_sealed, created_at)
		VALUES ($1, $2, $3)
		ON CONFLICT (account_id) DO UPDATE
		SET secret_sealed = excluded.secret_sealed, created_at = excluded.created_at, last_used_step = NULL
		WHERE security_totp.confirmed_at IS NULL
		RETURNING account_id`,
		accountID, sealed, now.UTC()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("otp: enrol an authenticator for account %d: %w", accountID, ErrAlreadyEnrolled)
	}
	if err != nil {
		return nil, fmt.Errorf("otp: enrol an authenticator for account %d: %w", accountID, store.Err(err))
	}
	return &Enrolment{URL: key.URL(), Secret: key.Secret()}, nil
}

type totpRow struct {
	sealed    []byte
	confirmed bool
	lastStep  sql.NullInt64
}

func (t *TOTP) load(ctx context.Context, q store.Querier, accountID int64) (*totpRow, error) {
	var r totpRow
	var confirmed sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT secret_sealed, confirmed_at, last_used_step FROM security_totp WHERE account_id = $1`,
		accountID).Scan(&r.sealed, &confirmed, &r.lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, err
	}
	r.confirmed = confirmed.Valid
	return &r, nil
}

// match finds the time step, within the skew around now, whose code is
// code and which comes after lastStep. It returns ErrWrongCode when no step
// matches and ErrReplayed when only steps already used do.
func (t *TOTP) match(r *totpRow, accountID int64, code string, now time.Time) (int64, error) {
	secret, err := t.sealer.Open(r.sealed, totpAAD(accountID))
	if err != nil {
		return 0, fmt.Errorf("open the sealed secret: %w", err)
	}
	opts := totp.ValidateOpts{Period: uint(TOTPPeriod / time.Second), Digits: pqotp.DigitsSix, Algorithm: pqotp.AlgorithmSHA1}
	replayed := false
	// The current step first, then the neighbours the skew allows. Each is
	// checked alone (skew 0) so that we know which step matched.
	for _, k := range []int{0, -1, 1} {
		at := now.Add(time.Duration(k) * TOTPPeriod)
		ok, err := totp.ValidateCustom(code, string(secret), at, opts)
		if err != nil {
			return 0, fmt.Errorf("check the code: %w", err)
		}
		if !ok {
			continue
		}
		step := at.Unix() / int64(TOTPPeriod/time.Second)
		if r.lastStep.Valid && step <= r.lastStep.Int64 {
			replayed = true
			continue
		}
		return step, nil
	}
	if replayed {
		return 0, ErrReplayed
	}
	return 0, ErrWrongCode
}

func totpCode(code string) (string, error) {
	code = normalizeTyped(code)
	if len(code) != TOTPDigits || !allDigits(code) {
		return "", ErrMalformed
	}
	return code, nil
}

// Confirm completes an enrolment with the first code the app shows. It
// returns ErrNotEnrolled without a pending enrolment, ErrAlreadyEnrolled
// when the app is confirmed already, ErrMalformed or ErrWrongCode.
func (t *TOTP) Confirm(ctx context.Context, q store.Querier, accountID int64, code string, now time.Time) error {
	what := fmt.Sprintf("otp: confirm the authenticator of account %d", accountID)
	code, err := totpCode(code)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	r, err := t.load(ctx, q, accountID)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if r.confirmed {
		return fmt.Errorf("%s: %w", what, ErrAlreadyEnrolled)
	}
	step, err := t.match(r, accountID, code, now.UTC())
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	// The secret must be the one just checked: a second Enrol meanwhile
	// replaced it.
	res, err := q.ExecContext(ctx, `
		UPDATE security_totp SET confirmed_at = $1, last_used_step = $2
		WHERE account_id = $3 AND confirmed_at IS NULL AND secret_sealed = $4`,
		now.UTC(), step, accountID, r.sealed)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%s: the enrolment changed meanwhile: %w", what, ErrNotEnrolled)
	}
	return nil
}

// Validate checks a code from the account's confirmed app at now, allowing
// one step of drift either way. A code is accepted once: a code for the
// step last accepted, or an earlier one, is ErrReplayed, even from a
// parallel request. Other refusals: ErrNotEnrolled, ErrMalformed,
// ErrWrongCode.
func (t *TOTP) Validate(ctx context.Context, q store.Querier, accountID int64, code string, now time.Time) error {
	what := fmt.Sprintf("otp: check the authenticator code of account %d", accountID)
	code, err := totpCode(code)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	r, err := t.load(ctx, q, accountID)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if !r.confirmed {
		return fmt.Errorf("%s: %w", what, ErrNotEnrolled)
	}
	step, err := t.match(r, accountID, code, now.UTC())
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	// Move the last used step forward, atomically: of two requests with the
	// same code, only one moves it.
	res, err := q.ExecContext(ctx, `
		UPDATE security_totp SET last_used_step = $1
		WHERE account_id = $2 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $1)`,
		step, accountID)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrReplayed)
	}
	return nil
}

// Remove deletes the account's authenticator, confirmed or pending, or
// returns store.ErrNotFound. Callers re-authenticate the member first.
func (t *TOTP) Remove(ctx context.Context, q store.Querier, accountID int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM security_totp WHERE account_id = $1`, accountID)
	if err != nil {
		return fmt.Errorf("otp: remove the authenticator of account %d: %w", accountID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("otp: remove the authenticator of account %d: %w", accountID, err)
	} else if n == 0 {
		return fmt.Errorf("otp: remove the authenticator of account %d: %w", accountID, store.ErrNotFound)
	}
	return nil
}

// TOTPStatus is whether an account has an authenticator app.
type TOTPStatus struct {
	Pending     bool      // enrolled, not yet confirmed
	Confirmed   bool      // usable
	CreatedAt   time.Time // zero without an enrolment
	ConfirmedAt time.Time
}

// StatusOf returns the account's authenticator status; an account without
// one has the zero status.
func (t *TOTP) StatusOf(ctx context.Context, q store.Querier, accountID int64) (TOTPStatus, error) {
	var s TOTPStatus
	var confirmed sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT created_at, confirmed_at FROM security_totp WHERE account_id = $1`, accountID).
		Scan(&s.CreatedAt, &confirmed)
	if errors.Is(err, sql.ErrNoRows) {
		return TOTPStatus{}, nil
	}
	if err != nil {
		return TOTPStatus{}, fmt.Errorf("otp: authenticator status of account %d: %w", accountID, err)
	}
	s.CreatedAt = s.CreatedAt.UTC()
	s.Confirmed, s.Pending = confirmed.Valid, !confirmed.Valid
	if confirmed.Valid {
		s.ConfirmedAt = confirmed.Time.UTC()
	}
	return s, nil
}

// EncryptedColumns are the columns this package stores sealed values in,
// for key rotation (`ledgersync keys rotate` re-encrypts them).
func EncryptedColumns() []secretbox.Column {
	return []secretbox.Column{{Table: "security_totp", IDColumn: "account_id", Column: "secret_sealed", AAD: totpAAD}}
}
