package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
)

// ErrMethodBlocked is shown when an authenticator, access code or recovery
// code method is blocked after too many failures.
var ErrMethodBlocked = errors.New("this sign-in method is blocked after too many failed attempts; choose another way or call us")

// counted runs check as one attempt at method: counted before, settled
// after, failures and blocks audited. A check that compared nothing
// (malformed input) gives the attempt back.
func (e *Engine) counted(ctx context.Context, a *account.Account, method lockout.Method, m Meta, check func(now time.Time) error) error {
	now := e.clock.Now()
	attempt, err := lockout.Begin(ctx, e.db.Writer(), a.ID, method, e.policy.LockoutAfter, now)
	if errors.Is(err, lockout.ErrBlocked) {
		return ErrMethodBlocked
	}
	if err != nil {
		return fmt.Errorf("auth: %s: %w", method, err)
	}
	cerr := check(now)
	switch {
	case cerr == nil:
		if err := attempt.Succeeded(ctx, e.db.Writer(), now); err != nil {
			return fmt.Errorf("auth: %s: %w", method, err)
		}
		return e.audit(ctx, e.db.Writer(), a.ID, string(method)+".ok", m, nil)
	case errors.Is(cerr, otp.ErrMalformed):
		return errors.Join(cerr, attempt.Release(ctx, e.db.Writer(), now))
	}
	blocked, err := attempt.Failed(ctx, e.db.Writer(), now)
	if err != nil {
		return fmt.Errorf("auth: %s: %w", method, err)
	}
	if err := e.audit(ctx, e.db.Writer(), a.ID, string(method)+".failed", m, nil); err != nil {
		return err
	}
	if blocked {
		if err := e.audit(ctx, e.db.Writer(), a.ID, "method.blocked", m, map[string]string{"method": string(method)}); err != nil {
			return err
		}
		return ErrMethodBlocked
	}
	return cerr
}

// VerifyTOTP checks a code from the member's authenticator app.
func (e *Engine) VerifyTOTP(ctx context.Context, a *account.Account, code string, m Meta) error {
	if e.totp == nil {
		return errors.New("authenticator apps are not available here")
	}
	return e.counted(ctx, a, lockout.TOTP, m, func(now time.Time) error {
		return e.totp.Validate(ctx, e.db.Writer(), a.ID, code, now)
	})
}

// UseRecoveryCode accepts one of the member's single-use recovery codes.
func (e *Engine) UseRecoveryCode(ctx context.Context, a *account.Account, code string, m Meta) error {
	if e.codes == nil {
		return ErrCodesUnavailable
	}
	return e.counted(ctx, a, lockout.RecoveryCode, m, func(now time.Time) error {
		_, err := e.codes.UseRecoveryCode(ctx, e.db.Writer(), a.ID, code, now)
		return err
	})
}

// RedeemAccessCode accepts the one-time access code staff issued (S16).
func (e *Engine) RedeemAccessCode(ctx context.Context, a *account.Account, code string, m Meta) error {
	return e.counted(ctx, a, lockout.AccessCode, m, func(now time.Time) error {
		_, err := otp.RedeemAccessCode(ctx, e.db.Writer(), a.ID, code, now)
		return err
	})
}

// IssueAccessCode is the staff or advisor action of S16 for a member who
// lost their phone: a random single-use code valid for the policy's access
// code lifetime (at most 24 h), returned once for staff to read out.
func (e *Engine) IssueAccessCode(ctx context.Context, accountID, staffAccountID int64, reason string, m Meta) (string, time.Time, error) {
	var code string
	var rec *otp.AccessCode
	err := e.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		code, rec, err = otp.IssueAccessCode(ctx, tx, otp.AccessCodeRequest{
			AccountID: accountID, IssuedBy: staffAccountID, TTL: e.policy.AccessCodeTTL, Reason: reason,
		}, e.clock.Now())
		if err != nil {
			return err
		}
		return e.auditAs(ctx, tx, subjectOf(staffAccountID), accountID, "access_code.issued", m, map[string]string{"reason": reason})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: issue access code: %w", err)
	}
	return code, rec.ExpiresAt, nil
}

// SendActivationCode starts first-time self-enrolment (S7): a code sent by
// text to a phone on file, or by email to the address on file, valid for the
// policy's activation lifetime (24 h in the seed).
func (e *Engine) SendActivationCode(ctx context.Context, a *account.Account, flowID string, channel notify.Channel, to string, m Meta) error {
	if e.codes == nil {
		return ErrCodesUnavailable
	}
	if channel != notify.SMS && channel != notify.Email {
		return fmt.Errorf("auth: activation codes go by text or email, not %s", channel)
	}
	code, _, err := e.codes.Issue(ctx, e.db.Writer(), otp.Issue{
		AccountID: a.ID, FlowID: flowID, Purpose: "activation", Channel: otp.Channel(channel),
		TTL: e.policy.ActivationCodeTTL, MaxAttempts: e.policy.CodeMaxAttempts, Digits: e.policy.CodeDigits,
	}, e.clock.Now())
	if err != nil {
		return fmt.Errorf("auth: activation code: %w", err)
	}
	hours := int(e.policy.ActivationCodeTTL.Hours())
	_, err = e.sender.Send(ctx, notify.Message{
		Channel: channel, To: to, Subject: e.name + " activation code", Purpose: "activation", Sensitive: true,
		Body: fmt.Sprintf("%s: your activation code is %s. Enter it within %d hours to set up online banking.", e.name, code, hours),
	})
	if err != nil {
		return fmt.Errorf("auth: send the activation code by %s: %w", channel, err)
	}
	return e.audit(ctx, e.db.Writer(), a.ID, "activation.sent", m, map[string]string{"channel": string(channel)})
}

// VerifyActivationCode checks the activation code; the enrolment flow then
// lets the member choose a username, password, questions and phones.
func (e *Engine) VerifyActivationCode(ctx context.Context, a *account.Account, flowID, code string, m Meta) error {
	if e.codes == nil {
		return ErrCodesUnavailable
	}
	return e.counted(ctx, a, lockout.PIN, m, func(now time.Time) error {
		return e.codes.Verify(ctx, e.db.Writer(), a.ID, flowID, "activation", code, now)
	})
}

// SetTwoFactor records the member's answer to the enrolment prompt (S17):
// enrolled, or "skip for now" (allowed until the policy's mandatory date).
func (e *Engine) SetTwoFactor(ctx context.Context, a *account.Account, enrolled bool, m Meta) error {
	now := e.clock.Now()
	if !enrolled && !e.risk.TwoFactorMandatoryFrom.IsZero() && !now.Before(e.risk.TwoFactorMandatoryFrom) {
		return errors.New("two-factor sign-in is now required and can no longer be skipped")
	}
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := account.SetTwoFactor(ctx, tx, a.ID, enrolled, now); err != nil {
			return err
		}
		if !enrolled {
			return e.audit(ctx, tx, a.ID, "two_factor.skipped", m, nil)
		}
		return e.audit(ctx, tx, a.ID, "two_factor.enrolled", m, nil)
	})
}

// SetSecurityLevel changes the member's level (S18): High asks for a second
// factor at every login, Standard only when risk is detected.
func (e *Engine) SetSecurityLevel(ctx context.Context, a *account.Account, level account.Level, m Meta) error {
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := account.SetSecurityLevel(ctx, tx, a.ID, level); err != nil {
			return err
		}
		return e.audit(ctx, tx, a.ID, "security_level.changed", m, map[string]string{"level": string(level)})
	})
}
