package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// ErrCodesUnavailable means the engine was built without a code sender.
var ErrCodesUnavailable = errors.New("one-time codes are not available here")

// ErrPINBlocked is shown when PINs are blocked after too many wrong codes.
var ErrPINBlocked = errors.New("codes are blocked after too many wrong attempts; choose another way or call us")

// SendCode sends a one-time PIN for flow (a login, an enrolment, a
// transfer) to one of the account's phones, by text or by voice (S14), and
// returns the masked destination to show. A resend in the same flow replaces
// the code but keeps the count of wrong entries.
func (e *Engine) SendCode(ctx context.Context, a *account.Account, flowID, purpose string, phoneID int64, channel phone.Channel, m Meta) (string, error) {
	if e.codes == nil {
		return "", ErrCodesUnavailable
	}
	if blocked, err := lockout.IsBlocked(ctx, e.db.Reader(), a.ID, lockout.PIN, e.policy.LockoutAfter); err != nil {
		return "", fmt.Errorf("auth: send code: %w", err)
	} else if blocked {
		return "", ErrPINBlocked
	}
	ph, err := phone.Get(ctx, e.db.Reader(), a.ID, phoneID)
	if err != nil {
		return "", fmt.Errorf("auth: send code: %w", err)
	}
	if err := e.phones.CheckChannel(ph, channel); err != nil {
		return "", err // a *phone.FieldError a member can act on
	}
	now := e.clock.Now()
	code, _, err := e.codes.Issue(ctx, e.db.Writer(), otp.Issue{
		AccountID: a.ID, FlowID: flowID, Purpose: purpose, Channel: otp.Channel(channel), PhoneID: ph.ID,
		TTL: e.policy.CodeTTL, MaxAttempts: e.policy.CodeMaxAttempts, Digits: e.policy.CodeDigits,
	}, now)
	if err != nil {
		return "", fmt.Errorf("auth: send code: %w", err)
	}
	minutes := int(e.policy.CodeTTL.Minutes())
	body := fmt.Sprintf("%s: your code is %s. It expires in %d minutes. We will never call you to ask for it.", e.name, code, minutes)
	if channel == phone.Voice {
		body = fmt.Sprintf("This is %s. Your code is %s. It expires in %d minutes.", e.name, code, minutes)
	}
	if _, err := e.sender.Send(ctx, notify.Message{
		Channel: notify.Channel(channel), To: ph.Number, Body: body, Purpose: purpose + "_code", Sensitive: true,
	}); err != nil {
		return "", fmt.Errorf("auth: send code by %s to %s: %w", channel, ph.Masked(), err)
	}
	masked := ph.Masked()
	if err := e.audit(ctx, e.db.Writer(), a.ID, "code.sent", m, map[string]string{"channel": string(channel), "to": masked, "flow": purpose}); err != nil {
		return "", err
	}
	return masked, nil
}

// VerifyCode checks a PIN the member typed (S14). Wrong PINs count against
// the PIN method (S4: three block it) as well as against the flow's code.
func (e *Engine) VerifyCode(ctx context.Context, a *account.Account, flowID, purpose, code string, m Meta) error {
	if e.codes == nil {
		return ErrCodesUnavailable
	}
	now := e.clock.Now()
	attempt, err := lockout.Begin(ctx, e.db.Writer(), a.ID, lockout.PIN, e.policy.LockoutAfter, now)
	if errors.Is(err, lockout.ErrBlocked) {
		return ErrPINBlocked
	}
	if err != nil {
		return fmt.Errorf("auth: verify code: %w", err)
	}
	// Verify on the writer, outside any transaction: its attempt count must
	// stay even when the code is wrong.
	verr := e.codes.Verify(ctx, e.db.Writer(), a.ID, flowID, purpose, code, now)
	if verr == nil {
		if err := attempt.Succeeded(ctx, e.db.Writer(), now); err != nil {
			return fmt.Errorf("auth: verify code: %w", err)
		}
		return e.audit(ctx, e.db.Writer(), a.ID, "code.ok", m, map[string]string{"flow": purpose})
	}
	if errors.Is(verr, otp.ErrMalformed) || errors.Is(verr, otp.ErrNoCode) {
		// Nothing was compared: give the attempt back, keeping earlier failures.
		if err := attempt.Release(ctx, e.db.Writer(), now); err != nil {
			return fmt.Errorf("auth: verify code: %w", err)
		}
		return verr
	}
	blocked, err := attempt.Failed(ctx, e.db.Writer(), now)
	if err != nil {
		return fmt.Errorf("auth: verify code: %w", err)
	}
	detail := map[string]string{"flow": purpose, "attempt": strconv.Itoa(attempt.Number), "limit": strconv.Itoa(attempt.Limit)}
	if err := e.audit(ctx, e.db.Writer(), a.ID, "code.failed", m, detail); err != nil {
		return err
	}
	if blocked {
		if err := e.audit(ctx, e.db.Writer(), a.ID, "method.blocked", m, map[string]string{"method": string(lockout.PIN)}); err != nil {
			return err
		}
		return ErrPINBlocked
	}
	return verr
}
