// Package account owns the login identities of the security core: one row
// per member of the institution, staff user of a firm or client of the
// portal, with a username unique within its realm, the password hash and the
// password's lifecycle (temporary, expiring), the security level and the
// two-factor enrolment state. The domain packages keep the people (names,
// accounts, firms) and point at an account id.
package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Level is a member's security level (S18).
type Level string

// The two security levels.
const (
	// Standard asks for a second factor only when the risk engine sees risk.
	Standard Level = "standard"
	// High asks for a second factor at every login.
	High Level = "high"
)

// Account is one login identity.
type Account struct {
	ID                  int64
	Realm               string
	Username            string // normalised
	PasswordHash        string // PHC string; "" when no password is set
	PasswordSetAt       time.Time
	PasswordTemporary   bool      // must be changed at the next login
	PasswordExpiresAt   time.Time // zero = no deadline
	SecurityLevel       Level
	TwoFactorEnrolledAt time.Time
	TwoFactorSkippedAt  time.Time
	LastLoginAt         time.Time
	DisabledAt          time.Time
	CreatedAt           time.Time
}

// Create adds an account with no password. The username is stored
// normalised (password.NormalizeUsername); a username taken in the realm is
// store.ErrConflict.
func Create(ctx context.Context, q store.Querier, realm, username string, now time.Time) (*Account, error) {
	a := &Account{Realm: realm, Username: password.NormalizeUsername(username), SecurityLevel: Standard, CreatedAt: now}
	if a.Realm == "" || a.Username == "" {
		return nil, errors.New("account: realm and username are required")
	}
	err := q.QueryRowContext(ctx, `
		INSERT INTO security_account (realm, username, security_level, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`,
		a.Realm, a.Username, string(a.SecurityLevel), now).Scan(&a.ID)
	if err != nil {
		return nil, fmt.Errorf("account: create %q in %s: %w", a.Username, realm, store.Err(err))
	}
	return a, nil
}

const columns = `id, realm, username, password_hash, password_set_at, password_temporary, password_expires_at,
	security_level, two_factor_enrolled_at, two_factor_skipped_at, last_login_at, disabled_at, created_at`

// Get returns the account with id, or store.ErrNotFound.
func Get(ctx context.Context, q store.Querier, id int64) (*Account, error) {
	a, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_account WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", id, store.Err(err))
	}
	return a, nil
}

// ByUsername returns the account with username (in any case and spacing) in
// realm, or store.ErrNotFound.
func ByUsername(ctx context.Context, q store.Querier, realm, username string) (*Account, error) {
	a, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_account WHERE realm = $1 AND username = $2`,
		realm, password.NormalizeUsername(username)))
	if err != nil {
		return nil, fmt.Errorf("account: username in %s: %w", realm, store.Err(err))
	}
	return a, nil
}

// SetPassword stores a new password hash. temporary marks a password issued
// by staff or for a new membership, to be changed at the next login;
// expiresAt (zero for none) is when it stops working.
func SetPassword(ctx context.Context, q store.Querier, id int64, hash string, temporary bool, expiresAt, now time.Time) error {
	res, err := q.ExecContext(ctx, `
		UPDATE security_account
		SET password_hash = $1, password_set_at = $2, password_temporary = $3, password_expires_at = $4
		WHERE id = $5`,
		hash, now, temporary, nullTime(expiresAt), id)
	return oneRow(res, err, "set the password of account %d", id)
}

// RehashPassword replaces the hash of an unchanged password (after the hash
// parameters rose) without touching its dates.
func RehashPassword(ctx context.Context, q store.Querier, id int64, oldHash, newHash string) error {
	// Compare-and-set: a password changed meanwhile is not overwritten.
	_, err := q.ExecContext(ctx, `UPDATE security_account SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, newHash, id, oldHash)
	if err != nil {
		return fmt.Errorf("account: rehash the password of account %d: %w", id, err)
	}
	return nil
}

// RecordLogin notes a completed login.
func RecordLogin(ctx context.Context, q store.Querier, id int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE security_account SET last_login_at = $1 WHERE id = $2`, now, id)
	return oneRow(res, err, "record the login of account %d", id)
}

// SetSecurityLevel changes the account's security level.
func SetSecurityLevel(ctx context.Context, q store.Querier, id int64, level Level) error {
	if level != Standard && level != High {
		return fmt.Errorf("account: security level %q is not standard or high", level)
	}
	res, err := q.ExecContext(ctx, `UPDATE security_account SET security_level = $1 WHERE id = $2`, string(level), id)
	return oneRow(res, err, "set the security level of account %d", id)
}

// SetTwoFactor records two-factor enrolment (enrolled) or "skip for now".
func SetTwoFactor(ctx context.Context, q store.Querier, id int64, enrolled bool, now time.Time) error {
	col := "two_factor_skipped_at"
	if enrolled {
		col = "two_factor_enrolled_at"
	}
	res, err := q.ExecContext(ctx, `UPDATE security_account SET `+col+` = $1 WHERE id = $2`, now, id)
	return oneRow(res, err, "record two-factor enrolment of account %d", id)
}

// SetDisabled disables (or, with a zero time, re-enables) the account.
func SetDisabled(ctx context.Context, q store.Querier, id int64, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE security_account SET disabled_at = $1 WHERE id = $2`, nullTime(at), id)
	return oneRow(res, err, "disable account %d", id)
}

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (*Account, error) {
	var a Account
	var level string
	var setAt, expires, enrolled, skipped, last, disabled sql.NullTime
	err := s.Scan(&a.ID, &a.Realm, &a.Username, &a.PasswordHash, &setAt, &a.PasswordTemporary, &expires,
		&level, &enrolled, &skipped, &last, &disabled, &a.CreatedAt)
	if err != nil {
		return nil, err
	}
	a.SecurityLevel = Level(level)
	a.PasswordSetAt = setAt.Time
	a.PasswordExpiresAt = expires.Time
	a.TwoFactorEnrolledAt = enrolled.Time
	a.TwoFactorSkippedAt = skipped.Time
	a.LastLoginAt = last.Time
	a.DisabledAt = disabled.Time
	return &a, nil
}

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

func oneRow(res sql.Result, err error, format string, args ...any) error {
	if err != nil {
		return fmt.Errorf("account: "+format+": %w", append(args, err)...)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("account: "+format+": %w", append(args, store.ErrNotFound)...)
	}
	return nil
}
