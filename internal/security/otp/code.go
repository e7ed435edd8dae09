package otp

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Limits and defaults of numeric one-time codes.
const (
	MinDigits     = 6
	MaxDigits     = 10
	DefaultDigits = 6
	// DefaultTTL is the seed's 5 minutes. NIST SP 800-63B allows at most 10
	// minutes for a code sent by text or voice; MaxTTL is longer only so the
	// 24-hour activation code of S7 can be issued the same way.
	DefaultTTL = 5 * time.Minute
	MaxTTL     = 24 * time.Hour
	// DefaultMaxAttempts is the seed's 3 wrong codes per flow.
	DefaultMaxAttempts = 3
	MaxAttempts        = 10
	// DefaultMaxSends caps the codes one flow may send (first send and
	// resends): every text and call costs money and can be abused to pump
	// messages to premium destinations.
	DefaultMaxSends = 5
	MaxSends        = 20
	// maxIDLength bounds flow ids and purposes.
	maxIDLength = 128
)

// Channel is how a numeric code travels. SMS and Voice are spelled like
// package phone's channels, so phone.Channel converts directly.
type Channel string

// The channels of a numeric code.
const (
	SMS   Channel = "sms"
	Voice Channel = "voice"
	Email Channel = "email"
)

// ErrTooManySends refuses another code in a flow that has sent its maximum.
var ErrTooManySends = errors.New("too many codes were sent for this step; start again later")

// Codes issues and verifies numeric one-time codes, and generates and
// checks recovery codes, under one server key.
type Codes struct {
	key []byte
}

// NewCodes returns Codes keyed with key: at least MinKeyLength random
// bytes, kept outside the database (a secret from the configuration or a key
// manager). Changing the key invalidates every outstanding code and every
// recovery code.
func NewCodes(key []byte) (*Codes, error) {
	if len(key) < MinKeyLength {
		return nil, fmt.Errorf("otp: the code key has %d bytes; it needs at least %d random bytes", len(key), MinKeyLength)
	}
	return &Codes{key: append([]byte(nil), key...)}, nil
}

// Issue asks for a numeric code in a flow.
type Issue struct {
	AccountID int64
	// FlowID is the login, enrolment or transfer flow the code belongs to:
	// a code is accepted only in the flow (and for the purpose) it was
	// issued for. Issuing again in the same flow is a resend.
	FlowID  string
	Purpose string // "login", "enrol", "transfer", …
	Channel Channel
	// PhoneID is the destination phone for SMS and Voice (one of the
	// account's phones, or 0 for a number not yet among them, such as the
	// phone on file an activation code goes to); 0 for Email. Whether the phone can receive the
	// channel is phone.Policy.CheckChannel's question, asked by the caller.
	PhoneID int64
	// TTL is how long the code is valid; 0 means DefaultTTL.
	TTL time.Duration
	// MaxAttempts is how many codes may be entered in the flow, across
	// resends; 0 means DefaultMaxAttempts. Fixed by the flow's first code.
	MaxAttempts int
	// MaxSends caps the codes the flow may issue; 0 means DefaultMaxSends.
	MaxSends int
	// Digits is the code's length, 6–10; 0 means DefaultDigits.
	Digits int
}

func (r *Issue) validate() error {
	if r.TTL == 0 {
		r.TTL = DefaultTTL
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = DefaultMaxAttempts
	}
	if r.MaxSends == 0 {
		r.MaxSends = DefaultMaxSends
	}
	if r.Digits == 0 {
		r.Digits = DefaultDigits
	}
	var errs []error
	if r.AccountID <= 0 {
		errs = append(errs, errors.New("account id is missing"))
	}
	if err := checkID("flow id", r.FlowID); err != nil {
		errs = append(errs, err)
	}
	if err := checkID("purpose", r.Purpose); err != nil {
		errs = append(errs, err)
	}
	switch r.Channel {
	case SMS, Voice:
		// PhoneID 0: a number that is not (yet) one of the account's phones,
		// such as the phone on file an activation code goes to (S7).
		if r.PhoneID < 0 {
			errs = append(errs, fmt.Errorf("phone id %d is not valid", r.PhoneID))
		}
	case Email:
		if r.PhoneID != 0 {
			errs = append(errs, errors.New("channel email takes no phone"))
		}
	default:
		errs = append(errs, fmt.Errorf("channel %q is not sms, voice or email", r.Channel))
	}
	if r.TTL < 0 || r.TTL > MaxTTL {
		errs = append(errs, fmt.Errorf("ttl %s is outside (0, %s]", r.TTL, MaxTTL))
	}
	if r.MaxAttempts < 1 || r.MaxAttempts > MaxAttempts {
		errs = append(errs, fmt.Errorf("max attempts %d is outside 1–%d", r.MaxAttempts, MaxAttempts))
	}
	if r.MaxSends < 1 || r.MaxSends > MaxSends {
		errs = append(errs, fmt.Errorf("max sends %d is outside 1–%d", r.MaxSends, MaxSends))
	}
	if r.Digits < MinDigits || r.Digits > MaxDigits {
		errs = append(errs, fmt.Errorf("digits %d is outside %d–%d", r.Digits, MinDigits, MaxDigits))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("otp: invalid code request: %w", err)
	}
	return nil
}

func checkID(what, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if len(s) > maxIDLength {
		return fmt.Errorf("%s is longer than %d bytes", what, maxIDLength)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return fmt.Errorf("%s contains spaces or control characters", what)
	}
	return nil
}

// Issue creates a code for the request's flow and returns it in plaintext,
// once, for the caller to send, with the code's id. A resend (a second Issue
// in the flow) replaces the flow's earlier code, which stops working, but
// keeps the flow's count of wrong codes. Issue refuses with
// ErrTooManyAttempts when the flow has used up its attempts, ErrTooManySends
// when it has sent its maximum, ErrUsed when a code of the flow was already
// accepted, and store.ErrNotFound when the phone is not the account's.
//
// Issue runs several statements; pass a transaction so that a failure leaves
// no half-issued code (the limits hold either way).
func (c *Codes) Issue(ctx context.Context, q store.Querier, req Issue, now time.Time) (code string, id int64, err error) {
	if err := req.validate(); err != nil {
		return "", 0, err
	}
	now = now.UTC()
	what := fmt.Sprintf("otp: issue a %s code to account %d in flow %q", req.Purpose, req.AccountID, req.FlowID)
	var phoneID sql.NullInt64
	if req.PhoneID != 0 {
		phoneID = sql.NullInt64{Int64: req.PhoneID, Valid: true}
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM security_phone WHERE id = $1 AND account_id = $2`, req.PhoneID, req.AccountID).Scan(&one)
		if err != nil {
			return "", 0, fmt.Errorf("%s: phone %d: %w", what, req.PhoneID, store.Err(err))
		}
	}

	// Count the send in the flow row, refusing atomically when the flow
	// belongs to another purpose, is spent, or has used up its sends or
	// attempts. max_attempts is fixed by the flow's first code.
	var sends int
	err = q.QueryRowContext(ctx, `
		INSERT INTO security_otp_flow (account_id, flow_id, purpose, attempts, max_attempts, sends, created_at, updated_at)
		VALUES ($1, $2, $3, 0, $4, 1, $5, $5)
		ON CONFLICT (account_id, flow_id) DO UPDATE
		SET sends = security_otp_flow.sends + 1, updated_at = excluded.updated_at
		WHERE security_otp_flow.purpose = excluded.purpose
		  AND security_otp_flow.completed_at IS NULL
		  AND security_otp_flow.attempts < security_otp_flow.max_attempts
		  AND security_otp_flow.sends < $6
		RETURNING sends`,
		req.AccountID, req.FlowID, req.Purpose, req.MaxAttempts, now, req.MaxSends).Scan(&sends)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, fmt.Errorf("%s: %w", what, c.whyNoSend(ctx, q, req))
	}
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", what, store.Err(err))
	}

	if _, err := q.ExecContext(ctx, `
		UPDATE security_otp_code SET replaced_at = $3
		WHERE account_id = $1 AND flow_id = $2 AND replaced_at IS NULL`,
		req.AccountID, req.FlowID, now); err != nil {
		return "", 0, fmt.Errorf("%s: replace the earlier code: %w", what, err)
	}

	code = randomDigits(req.Digits)
	err = q.QueryRowContext(ctx, `
		INSERT INTO security_otp_code (account_id, flow_id, channel, phone_id, code_hash, issued_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING id`,
		req.AccountID, req.FlowID, string(req.Channel), phoneID,
		c.codeHash(req.AccountID, req.FlowID, req.Purpose, code), now, now.Add(req.TTL)).Scan(&id)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", what, store.Err(err))
	}
	return code, id, nil
}

// whyNoSend explains a refused send.
func (c *Codes) whyNoSend(ctx context.Context, q store.Querier, req Issue) error {
	f, err := flowState(ctx, q, req.AccountID, req.FlowID)
	switch {
	case err != nil:
		return err
	case f.Purpose != req.Purpose:
		return fmt.Errorf("the flow is for %q: %w", f.Purpose, store.ErrConflict)
	case !f.CompletedAt.IsZero():
		return ErrUsed
	case f.Attempts >= f.MaxAttempts:
		return ErrTooManyAttempts
	default:
		return ErrTooManySends
	}
}

func (c *Codes) codeHash(accountID int64, flowID, purpose, code string) []byte {
	return keyedHash(c.key, "ledgersync/otp/code/v1", itoa(accountID), flowID, purpose, code)
}

// Verify checks code against the current code of the account's flow for
// purpose. It returns nil once, for the right, unexpired, current code; then
// the flow is spent. Otherwise it returns ErrMalformed (not digits; nothing
// counted), ErrNoCode (no code in this flow for this purpose), ErrUsed,
// ErrExpired, ErrTooManyAttempts, or a *WrongCodeError with the attempts
// left (errors.Is ErrWrongCode).
//
// Every comparison is counted first, in one atomic statement that refuses to
// count past the flow's limit, so parallel guesses cannot exceed it. The
// count must commit even when Verify fails: call it on db.Writer(), not in a
// transaction that an error rolls back.
func (c *Codes) Verify(ctx context.Context, q store.Querier, accountID int64, flowID, purpose, code string, now time.Time) error {
	now = now.UTC()
	what := fmt.Sprintf("otp: verify a %s code of account %d in flow %q", purpose, accountID, flowID)
	code = normalizeTyped(code)
	if !allDigits(code) {
		return fmt.Errorf("%s: %w", what, ErrMalformed)
	}

	var codeID int64
	var hash []byte
	var expires time.Time
	var attempts, maxAttempts int
	var completed sql.NullTime
	err := q.QueryRowContext(ctx, `
		SELECT c.id, c.code_hash, c.expires_at, f.attempts, f.max_attempts, f.completed_at
		FROM security_otp_flow f
		JOIN security_otp_code c ON c.account_id = f.account_id AND c.flow_id = f.flow_id
		WHERE f.account_id = $1 AND f.flow_id = $2 AND f.purpose = $3 AND c.replaced_at IS NULL
		ORDER BY c.id DESC
		LIMIT 1`,
		accountID, flowID, purpose).Scan(&codeID, &hash, &expires, &attempts, &maxAttempts, &completed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, ErrNoCode)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	case completed.Valid:
		return fmt.Errorf("%s: %w", what, ErrUsed)
	case attempts >= maxAttempts:
		return fmt.Errorf("%s: %w", what, ErrTooManyAttempts)
	case !now.Before(expires):
		return fmt.Errorf("%s: %w", what, ErrExpired)
	}

	// Count the attempt before comparing.
	err = q.QueryRowContext(ctx, `
		UPDATE security_otp_flow SET attempts = attempts + 1, updated_at = $3
		WHERE account_id = $1 AND flow_id = $2 AND completed_at IS NULL AND attempts < max_attempts
		RETURNING attempts, max_attempts`,
		accountID, flowID, now).Scan(&attempts, &maxAttempts)
	if errors.Is(err, sql.ErrNoRows) {
		// A parallel attempt took the last try or completed the flow.
		if f, ferr := flowState(ctx, q, accountID, flowID); ferr == nil && !f.CompletedAt.IsZero() {
			return fmt.Errorf("%s: %w", what, ErrUsed)
		}
		return fmt.Errorf("%s: %w", what, ErrTooManyAttempts)
	}
	if err != nil {
		return fmt.Errorf("%s: count the attempt: %w", what, err)
	}

	if !hmac.Equal(c.codeHash(accountID, flowID, purpose, code), hash) {
		return fmt.Errorf("%s: %w", what, &WrongCodeError{AttemptsLeft: max(0, maxAttempts-attempts)})
	}

	// Spend the flow, once: of two parallel right answers only one gets nil.
	// The code must still be the flow's current one (no resend meanwhile).
	res, err := q.ExecContext(ctx, `
		UPDATE security_otp_flow SET completed_at = $3, updated_at = $3
		WHERE account_id = $1 AND flow_id = $2 AND completed_at IS NULL
		  AND EXISTS (SELECT 1 FROM security_otp_code WHERE id = $4 AND replaced_at IS NULL)`,
		accountID, flowID, now, codeID)
	if err != nil {
		return fmt.Errorf("%s: complete the flow: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("%s: complete the flow: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrUsed)
	}
	if _, err := q.ExecContext(ctx, `UPDATE security_otp_code SET used_at = $1 WHERE id = $2`, now, codeID); err != nil {
		return fmt.Errorf("%s: mark the code used: %w", what, err)
	}
	return nil
}

// Flow is the state of a code flow, for showing "code sent to …, 2 attempts
// left" and deciding whether to offer a resend. It holds no code.
type Flow struct {
	AccountID   int64
	FlowID      string
	Purpose     string
	Attempts    int // codes entered so far, across resends
	MaxAttempts int
	Sends       int
	CompletedAt time.Time // zero until a code was accepted
	// The current code's delivery and deadline.
	CodeID    int64
	Channel   Channel
	PhoneID   int64 // 0 for email, or when the phone was removed since
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AttemptsLeft is how many more codes may be entered in the flow.
func (f *Flow) AttemptsLeft() int { return max(0, f.MaxAttempts-f.Attempts) }

// FlowState returns the account's flow, or store.ErrNotFound.
func FlowState(ctx context.Context, q store.Querier, accountID int64, flowID string) (*Flow, error) {
	f, err := flowState(ctx, q, accountID, flowID)
	if err != nil {
		return nil, fmt.Errorf("otp: flow %q of account %d: %w", flowID, accountID, err)
	}
	return f, nil
}

func flowState(ctx context.Context, q store.Querier, accountID int64, flowID string) (*Flow, error) {
	f := &Flow{AccountID: accountID, FlowID: flowID}
	var completed, expires sql.NullTime
	var codeID, phoneID sql.NullInt64
	var channel sql.NullString
	err := q.QueryRowContext(ctx, `
		SELECT f.purpose, f.attempts, f.max_attempts, f.sends, f.completed_at, f.created_at, f.updated_at,
		       c.id, c.channel, c.phone_id, c.expires_at
		FROM security_otp_flow f
		LEFT JOIN security_otp_code c ON c.account_id = f.account_id AND c.flow_id = f.flow_id AND c.replaced_at IS NULL
		WHERE f.account_id = $1 AND f.flow_id = $2
		ORDER BY c.id DESC
		LIMIT 1`, accountID, flowID).Scan(&f.Purpose, &f.Attempts, &f.MaxAttempts, &f.Sends, &completed, &f.CreatedAt, &f.UpdatedAt,
		&codeID, &channel, &phoneID, &expires)
	if err != nil {
		return nil, store.Err(err)
	}
	if completed.Valid {
		f.CompletedAt = completed.Time.UTC()
	}
	f.CodeID, f.Channel, f.PhoneID = codeID.Int64, Channel(channel.String), phoneID.Int64
	if expires.Valid {
		f.ExpiresAt = expires.Time.UTC()
	}
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return f, nil
}

// PurgeFlows deletes the flows (and their codes) last touched before cutoff,
// returning how many. A flow's failure count must outlive any resend, so
// choose a cutoff well past the longest flow (a day is plenty).
func PurgeFlows(ctx context.Context, q store.Querier, cutoff time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM security_otp_flow WHERE updated_at < $1`, cutoff.UTC())
	if err != nil {
		return 0, fmt.Errorf("otp: purge flows before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("otp: purge flows before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	return n, nil
}
