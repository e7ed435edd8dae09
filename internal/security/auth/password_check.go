package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/store"
)

// The outcomes of a password check a surface shows to a person. They say
// what to do, and never which part of a username and password was wrong.
var (
	ErrInvalidCredentials = errors.New("the username or password is not right")
	ErrPasswordBlocked    = errors.New("your password is disabled after too many failed attempts; call us to have it reset")
	ErrPasswordExpired    = errors.New("your password has expired; call us to have it reset")
	ErrAccountDisabled    = errors.New("this sign-in is disabled; call us")
)

// PasswordResult is a password that was right.
type PasswordResult struct {
	Account *account.Account
	// MustChangePassword is set for a temporary password: the member must
	// choose a new one before anything else (S5).
	MustChangePassword bool
}

// CheckPassword is the first step of a login: the username and password.
// The attempt is counted before the password is verified (S4); a wrong
// password, an unknown username and a disabled account all take the time of
// one argon2id verification.
func (e *Engine) CheckPassword(ctx context.Context, username, pw string, m Meta) (*PasswordResult, error) {
	now := e.clock.Now()
	acct, err := account.ByUsername(ctx, e.db.Reader(), e.realm, username)
	if errors.Is(err, store.ErrNotFound) {
		if hash, err := e.dummy(ctx); err == nil {
			_, _, _ = e.hasher.Verify(ctx, hash, pw)
		}
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("auth: check password: %w", err)
	}

	attempt, err := lockout.Begin(ctx, e.db.Writer(), acct.ID, lockout.Password, e.policy.LockoutAfter, now)
	if errors.Is(err, lockout.ErrBlocked) {
		e.audit(ctx, e.db.Writer(), acct.ID, "password.refused_blocked", m, nil)
		return nil, ErrPasswordBlocked
	}
	if err != nil {
		return nil, fmt.Errorf("auth: check password: %w", err)
	}

	ok := false
	var rehash bool
	if acct.PasswordHash != "" {
		ok, rehash, err = e.hasher.Verify(ctx, acct.PasswordHash, pw)
		if err != nil && !errors.Is(err, context.Canceled) {
			// A malformed stored hash is our fault, not the member's: log it
			// (the error holds neither password nor hash) and refuse.
			e.logger.ErrorContext(ctx, "password hash unreadable", "account_id", acct.ID, "err", err)
		}
		if err != nil {
			ok = false
		}
	}
	if !ok {
		err := e.db.InTx(ctx, func(tx *sql.Tx) error {
			blocked, err := attempt.Failed(ctx, tx, now)
			if err != nil {
				return err
			}
			detail := map[string]string{"attempt": strconv.Itoa(attempt.Number), "limit": strconv.Itoa(attempt.Limit)}
			if err := e.audit(ctx, tx, acct.ID, "password.failed", m, detail); err != nil {
				return err
			}
			if blocked {
				return e.audit(ctx, tx, acct.ID, "method.blocked", m, map[string]string{"method": string(lockout.Password)})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("auth: record a failed password: %w", err)
		}
		return nil, ErrInvalidCredentials
	}

	if err := attempt.Succeeded(ctx, e.db.Writer(), now); err != nil {
		return nil, fmt.Errorf("auth: check password: %w", err)
	}
	switch {
	case !acct.DisabledAt.IsZero():
		e.audit(ctx, e.db.Writer(), acct.ID, "login.refused_disabled", m, nil)
		return nil, ErrAccountDisabled
	case e.passwordExpired(acct, now):
		e.audit(ctx, e.db.Writer(), acct.ID, "password.expired", m, nil)
		return nil, ErrPasswordExpired
	}
	if rehash {
		e.rehash(ctx, acct, pw)
	}
	if err := e.audit(ctx, e.db.Writer(), acct.ID, "password.ok", m, nil); err != nil {
		return nil, err
	}
	return &PasswordResult{Account: acct, MustChangePassword: acct.PasswordTemporary}, nil
}

// passwordExpired applies S5 (a temporary password's deadline) and S6
// (expiry on non-use).
func (e *Engine) passwordExpired(a *account.Account, now time.Time) bool {
	if !a.PasswordExpiresAt.IsZero() && !now.Before(a.PasswordExpiresAt) {
		return true
	}
	if d := e.policy.PasswordExpiryDays; d > 0 && d != 999 {
		return !now.Before(lastUse(a).AddDate(0, 0, d))
	}
	return false
}

// lastUse is when the password was last used or set.
func lastUse(a *account.Account) time.Time {
	if a.LastLoginAt.After(a.PasswordSetAt) {
		return a.LastLoginAt
	}
	return a.PasswordSetAt
}

// rehash stores the password under the hasher's current parameters. A
// failure only postpones it to the next login.
func (e *Engine) rehash(ctx context.Context, a *account.Account, pw string) {
	hash, err := e.hasher.Hash(ctx, pw)
	if err == nil {
		err = account.RehashPassword(ctx, e.db.Writer(), a.ID, a.PasswordHash, hash)
	}
	if err != nil {
		e.logger.WarnContext(ctx, "password rehash postponed", "account_id", a.ID, "err", err)
	}
}

// audit records an action the account's holder took.
func (e *Engine) audit(ctx context.Context, q store.Querier, accountID int64, action string, m Meta, detail map[string]string) error {
	return e.auditAs(ctx, q, subjectOf(accountID), accountID, action, m, detail)
}

func subjectOf(accountID int64) string { return "account:" + strconv.FormatInt(accountID, 10) }

// auditAs records an action actor took on the account.
func (e *Engine) auditAs(ctx context.Context, q store.Querier, actor string, accountID int64, action string, m Meta, detail map[string]string) error {
	subject := subjectOf(accountID)
	ev := &audit.Event{
		OccurredAt: e.clock.Now(), Scope: e.scope, Actor: actor, Action: action,
		Subject: subject, IP: m.IP, Detail: detail,
	}
	if err := audit.Append(ctx, q, ev); err != nil {
		e.logger.ErrorContext(ctx, "audit event lost", "action", action, "account_id", accountID, "err", err)
		return err
	}
	return nil
}
