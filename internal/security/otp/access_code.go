package otp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Access codes (S16): staff or an advisor issue one to a member who lost
// their phone; it stands in for the second factor once.
const (
	// AccessCodeLength is the characters of an access code: 10 from the
	// 29-character Alphabet, about 48.6 bits, shown as "ABCDE-FGHJK".
	AccessCodeLength = 10
	// MaxAccessCodeTTL is the longest an access code may live (the seed:
	// temporary access is valid 24 hours).
	MaxAccessCodeTTL = 24 * time.Hour
	// DefaultAccessCodeTTL is used when the request gives none.
	DefaultAccessCodeTTL = MaxAccessCodeTTL
	maxReasonLength      = 200
)

// ErrRevoked refuses an access code staff withdrew (or replaced with a newer one).
var ErrRevoked = errors.New("the access code was withdrawn; ask for a new one")

// AccessCodeRequest asks for an access code for a member.
type AccessCodeRequest struct {
	AccountID int64         // the member's security account
	IssuedBy  int64         // the staff member's or advisor's security account
	TTL       time.Duration // at most MaxAccessCodeTTL; 0 means DefaultAccessCodeTTL
	Reason    string        // for the staff list: "lost phone, called in, ID checked"
}

// AccessCode is an issued access code as staff see it: never the code.
type AccessCode struct {
	ID        int64
	AccountID int64
	IssuedBy  int64
	Reason    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until redeemed
	RevokedAt time.Time // zero unless withdrawn
	RevokedBy int64     // 0 unless withdrawn
}

// Access code states, as Status reports them.
const (
	AccessCodeActive  = "active"
	AccessCodeUsed    = "used"
	AccessCodeRevoked = "revoked"
	AccessCodeExpired = "expired"
)

// Status is the code's state at now.
func (a *AccessCode) Status(now time.Time) string {
	switch {
	case !a.UsedAt.IsZero():
		return AccessCodeUsed
	case !a.RevokedAt.IsZero():
		return AccessCodeRevoked
	case !now.Before(a.ExpiresAt):
		return AccessCodeExpired
	default:
		return AccessCodeActive
	}
}

func accessCodeHash(code string) []byte {
	return plainHash("ledgersync/otp/access-code/v1", code)
}

// IssueAccessCode creates an access code for the member and returns it in
// plaintext, once, for staff to read out or send, with its record. Any
// access code of the member still active is revoked by the new one, so at
// most one works at a time. The staff member cannot issue one to their own
// account. It runs several statements; pass a transaction. The caller audits
// the staff action.
func IssueAccessCode(ctx context.Context, q store.Querier, req AccessCodeRequest, now time.Time) (string, *AccessCode, error) {
	now = now.UTC()
	if req.TTL == 0 {
		req.TTL = DefaultAccessCodeTTL
	}
	req.Reason = strings.TrimSpace(req.Reason)
	var errs []error
	if req.AccountID <= 0 || req.IssuedBy <= 0 {
		errs = append(errs, errors.New("the member's and the issuer's accounts are required"))
	}
	if req.AccountID == req.IssuedBy {
		errs = append(errs, errors.New("staff cannot issue an access code to their own account"))
	}
	if req.TTL < 0 || req.TTL > MaxAccessCodeTTL {
		errs = append(errs, fmt.Errorf("an access code lives at most %s, not %s", MaxAccessCodeTTL, req.TTL))
	}
	if utf8.RuneCountInString(req.Reason) > maxReasonLength || strings.IndexFunc(req.Reason, unicode.IsControl) >= 0 || !utf8.ValidString(req.Reason) {
		errs = append(errs, fmt.Errorf("the reason must be at most %d characters of plain text", maxReasonLength))
	}
	if err := errors.Join(errs...); err != nil {
		return "", nil, fmt.Errorf("otp: issue an access code: %w", err)
	}
	what := fmt.Sprintf("otp: issue an access code to account %d", req.AccountID)

	if _, err := q.ExecContext(ctx, `
		UPDATE security_access_code SET revoked_at = $2, revoked_by = $3
		WHERE account_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2`,
		req.AccountID, now, req.IssuedBy); err != nil {
		return "", nil, fmt.Errorf("%s: revoke the earlier code: %w", what, err)
	}

	a := &AccessCode{AccountID: req.AccountID, IssuedBy: req.IssuedBy, Reason: req.Reason, IssuedAt: now, ExpiresAt: now.Add(req.TTL)}
	// A collision of two 48-bit codes is all but impossible; one retry
	// covers it.
	for try := 0; ; try++ {
		code := randomString(AccessCodeLength)
		err := q.QueryRowContext(ctx, `
			INSERT INTO security_access_code (account_id, code_hash, issued_by, reason, issued_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING id`,
			a.AccountID, accessCodeHash(code), a.IssuedBy, a.Reason, a.IssuedAt, a.ExpiresAt).Scan(&a.ID)
		if err == nil {
			return group(code, AccessCodeLength/2), a, nil
		}
		if err = store.Err(err); !errors.Is(err, store.ErrConflict) || try > 0 {
			return "", nil, fmt.Errorf("%s: %w", what, err)
		}
	}
}

const accessCodeColumns = `id, account_id, issued_by, reason, issued_at, expires_at, used_at, revoked_at, revoked_by`

func scanAccessCode(s interface{ Scan(...any) error }) (*AccessCode, error) {
	var a AccessCode
	var used, revoked sql.NullTime
	var revokedBy sql.NullInt64
	if err := s.Scan(&a.ID, &a.AccountID, &a.IssuedBy, &a.Reason, &a.IssuedAt, &a.ExpiresAt, &used, &revoked, &revokedBy); err != nil {
		return nil, err
	}
	a.IssuedAt, a.ExpiresAt = a.IssuedAt.UTC(), a.ExpiresAt.UTC()
	if used.Valid {
		a.UsedAt = used.Time.UTC()
	}
	if revoked.Valid {
		a.RevokedAt = revoked.Time.UTC()
	}
	a.RevokedBy = revokedBy.Int64
	return &a, nil
}

// RedeemAccessCode accepts the member's access code once, returning its
// record. Refusals: ErrMalformed, ErrWrongCode (no such code for this
// member), ErrUsed, ErrRevoked, ErrExpired. Attempts are limited by the
// access-code method's lockout, not here: at ~48 bits a handful of guesses
// is no threat.
func RedeemAccessCode(ctx context.Context, q store.Querier, accountID int64, code string, now time.Time) (*AccessCode, error) {
	now = now.UTC()
	what := fmt.Sprintf("otp: redeem an access code of account %d", accountID)
	code = normalizeTyped(code)
	if !inAlphabet(code, AccessCodeLength) {
		return nil, fmt.Errorf("%s: %w", what, ErrMalformed)
	}
	// Looking the code up by its hash is safe from timing attacks: learning
	// how much of a SHA-256 matched says nothing about the code.
	a, err := scanAccessCode(q.QueryRowContext(ctx, `
		SELECT `+accessCodeColumns+` FROM security_access_code WHERE account_id = $1 AND code_hash = $2`,
		accountID, accessCodeHash(code)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("%s: %w", what, ErrWrongCode)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	switch a.Status(now) {
	case AccessCodeUsed:
		return nil, fmt.Errorf("%s: %w", what, ErrUsed)
	case AccessCodeRevoked:
		return nil, fmt.Errorf("%s: %w", what, ErrRevoked)
	case AccessCodeExpired:
		return nil, fmt.Errorf("%s: %w", what, ErrExpired)
	}
	res, err := q.ExecContext(ctx, `
		UPDATE security_access_code SET used_at = $1
		WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL`, now, a.ID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return nil, fmt.Errorf("%s: %w", what, ErrUsed)
	}
	a.UsedAt = now
	return a, nil
}

// ListAccessCodes returns the member's access codes, newest first, without
// the codes.
func ListAccessCodes(ctx context.Context, q store.Querier, accountID int64) ([]*AccessCode, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT `+accessCodeColumns+` FROM security_access_code WHERE account_id = $1 ORDER BY id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("otp: access codes of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []*AccessCode
	for rows.Next() {
		a, err := scanAccessCode(rows)
		if err != nil {
			return nil, fmt.Errorf("otp: access codes of account %d: %w", accountID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("otp: access codes of account %d: %w", accountID, err)
	}
	return out, nil
}

// RevokeAccessCode withdraws the member's unused access code id on behalf
// of staff account by. A code already used, revoked or belonging to someone
// else is store.ErrNotFound.
func RevokeAccessCode(ctx context.Context, q store.Querier, accountID, id, by int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `
		UPDATE security_access_code SET revoked_at = $1, revoked_by = $2
		WHERE id = $3 AND account_id = $4 AND used_at IS NULL AND revoked_at IS NULL`,
		now.UTC(), by, id, accountID)
	if err != nil {
		return fmt.Errorf("otp: revoke access code %d of account %d: %w", id, accountID, store.Err(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("otp: revoke access code %d of account %d: %w", id, accountID, err)
	} else if n == 0 {
		return fmt.Errorf("otp: revoke access code %d of account %d: no unused code: %w", id, accountID, store.ErrNotFound)
	}
	return nil
}
