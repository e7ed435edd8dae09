package auth

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
)

// CodeReused is the problem of a new password equal to the current one.
const CodeReused = "reused"

// Rules are the password rules for an account: the longer minimum applies
// while the password is the only factor (NIST SP 800-63B rev 4).
func (e *Engine) Rules(a *account.Account) password.Rules {
	min := e.policy.PasswordMinLengthSoleFactor
	if !a.TwoFactorEnrolledAt.IsZero() {
		min = e.policy.PasswordMinLength
	}
	return password.Rules{
		MinLength:         min,
		MaxLength:         e.policy.PasswordMaxLength,
		RequireComplexity: e.policy.PasswordComplexity,
		CheckBlocklist:    e.policy.PasswordBlocklist,
		MinStrength:       e.policy.PasswordMinStrength,
	}
}

// CheckNewPassword returns the problems ChangePassword would report for
// newPassword — the policy's rules, and repeating the current (or
// temporary) password (S5) — without changing anything.
func (e *Engine) CheckNewPassword(ctx context.Context, a *account.Account, newPassword string, personal password.Personal) []password.Problem {
	personal.Username = a.Username
	if problems := e.Rules(a).Check(newPassword, personal); len(problems) > 0 {
		return problems
	}
	if a.PasswordHash != "" {
		if same, _, _ := e.hasher.Verify(ctx, a.PasswordHash, newPassword); same {
			return []password.Problem{{Code: CodeReused, Message: "Choose a password different from your current or temporary one."}}
		}
	}
	return nil
}

// ChangePassword sets a password the member chose and ends every other
// session of the account (m.SessionID is kept). It returns the problems to
// show when the password breaks a rule or repeats the current (or temporary)
// password (S5), and changes nothing then.
func (e *Engine) ChangePassword(ctx context.Context, accountID int64, newPassword string, personal password.Personal, m Meta) ([]password.Problem, error) {
	a, err := account.Get(ctx, e.db.Reader(), accountID)
	if err != nil {
		return nil, fmt.Errorf("auth: change password: %w", err)
	}
	if problems := e.CheckNewPassword(ctx, a, newPassword, personal); len(problems) > 0 {
		return problems, nil
	}
	hash, err := e.hasher.Hash(ctx, newPassword)
	if err != nil {
		return nil, fmt.Errorf("auth: change password: %w", err)
	}
	now := e.clock.Now()
	err = e.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := account.SetPassword(ctx, tx, a.ID, hash, false, time.Time{}, now); err != nil {
			return err
		}
		// Whoever else was signed in with the old password is signed out.
		if _, err := session.DestroyAllForAccount(ctx, tx, a.ID, m.SessionID); err != nil {
			return err
		}
		return e.audit(ctx, tx, a.ID, "password.changed", m, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("auth: change password: %w", err)
	}
	return nil, nil
}

// IssueTemporaryPassword is a staff reset (S5): a password made by the
// policy's formula (random by default), valid for the policy's temporary
// lifetime (or the new-membership lifetime), to be changed at first use. It
// also unblocks the password method (S4: blocked "until staff reset"). The
// password is returned once, for delivery out of band. Every session of the
// account ends.
func (e *Engine) IssueTemporaryPassword(ctx context.Context, accountID int64, staff string, facts temppass.Facts, newMembership bool, m Meta) (string, time.Time, error) {
	pw, err := temppass.Generate(e.policy.TempPasswordFormula, facts)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: temporary password: %w", err)
	}
	hash, err := e.hasher.Hash(ctx, pw)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: temporary password: %w", err)
	}
	now := e.clock.Now()
	ttl := e.policy.TempPasswordTTL
	if newMembership {
		ttl = e.policy.NewMemberPasswordTTL
	}
	expires := now.Add(ttl)
	err = e.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := account.SetPassword(ctx, tx, accountID, hash, true, expires, now); err != nil {
			return err
		}
		if err := lockout.Unblock(ctx, tx, accountID, lockout.Password, now); err != nil {
			return err
		}
		// Whoever is signed in with the old password is signed out.
		if _, err := session.DestroyAllForAccount(ctx, tx, accountID, 0); err != nil {
			return err
		}
		return e.auditAs(ctx, tx, staff, accountID, "password.temporary_issued", m,
			map[string]string{"formula": string(e.policy.TempPasswordFormula), "expires_at": expires.Format(time.RFC3339)})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: temporary password: %w", err)
	}
	return pw, expires, nil
}

// Unblock reopens a blocked method for the account: a staff action (S4).
func (e *Engine) Unblock(ctx context.Context, accountID int64, method lockout.Method, staff string, m Meta) error {
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockout.Unblock(ctx, tx, accountID, method, e.clock.Now()); err != nil {
			return err
		}
		return e.auditAs(ctx, tx, staff, accountID, "method.unblocked", m, map[string]string{"method": string(method)})
	})
}
