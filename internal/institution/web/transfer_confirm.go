package web

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
)

// confirmationMethod counts wrong confirmation codes like any other secret
// (S4): three block transfers until staff unblock the method.
const confirmationMethod = lockout.Method("confirmation_code")

// receipt is the data of a completed transfer's page.
type receipt struct {
	Transfer *institution.Transfer
	From     accountRow
}

// transferConfirm moves the money, once: the confirmation code (S21) and
// the PIN of a step-up (S20) are checked first, then the flow's completion
// and the transfer commit in one transaction, so a second window or a
// replayed form moves nothing.
func (s *site) transferConfirm(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	tf, err := s.loadTransfer(r, me)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if me.Member.HasConfirmation {
		if msg, err := s.checkConfirmation(r, me, r.PostFormValue("confirmation")); err != nil {
			return err
		} else if msg != "" {
			return s.renderConfirm(w, r, me, tf, http.StatusUnauthorized, msg)
		}
	}
	if tf.State.StepUp {
		if err := s.app.Members.VerifyCode(ctx, me.Account, tf.ID, "transfer", r.PostFormValue("code"), s.meta(r)); err != nil {
			msg := codeRefusal(err)
			if msg == "" {
				return err
			}
			return s.renderConfirm(w, r, me, tf, http.StatusUnauthorized, msg)
		}
	}
	var done *institution.Transfer
	err = s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := flow.Complete(ctx, tx, tf.ID, tf.SessionID, transferStepConfirm, s.now()); err != nil {
			return staleTransfer(err)
		}
		var err error
		done, err = institution.MakeTransfer(ctx, tx, tf.State.Request, s.now())
		return err
	})
	if errors.Is(err, institution.ErrInsufficientFunds) {
		return &pageError{Status: http.StatusUnprocessableEntity, Title: "Transfer not made",
			Message: "The amount is now more than the account's balance, so nothing was moved.", Next: "/transfer", NextLabel: "New transfer", Err: err}
	}
	if err != nil {
		return err
	}
	from, err := institution.GetAccount(ctx, s.app.DB.Reader(), me.Member.ID, done.FromAccountID)
	if err != nil {
		return err
	}
	v := s.newView(r, "Transfer complete")
	v.Nav = "transfer"
	v.Data = receipt{Transfer: done, From: rowOf(from)}
	return s.render(w, http.StatusOK, "transfer_done", v)
}

// checkConfirmation checks the member's confirmation code, counting the
// attempt before the check as the security core counts every secret. It
// returns what to tell the member when the code is refused.
func (s *site) checkConfirmation(r *http.Request, me *signedIn, code string) (string, error) {
	ctx := r.Context()
	limit := s.app.Members.Policy().LockoutAfter
	now := s.now()
	attempt, err := lockout.Begin(ctx, s.app.DB.Writer(), me.Account.ID, confirmationMethod, limit, now)
	if errors.Is(err, lockout.ErrBlocked) {
		return fmt.Sprintf("Your confirmation code is blocked after %d wrong attempts. Call us at %s to unblock it.", limit, s.app.Info.Phone), nil
	}
	if err != nil {
		return "", err
	}
	hash, err := institution.ConfirmationHash(ctx, s.app.DB.Reader(), me.Member.ID)
	if err != nil {
		return "", err
	}
	ok := false
	if code != "" && len(code) <= 256 {
		ok, _, _ = s.hasher.Verify(ctx, hash, code)
	}
	if ok {
		return "", attempt.Succeeded(ctx, s.app.DB.Writer(), now)
	}
	blocked, err := attempt.Failed(ctx, s.app.DB.Writer(), now)
	if err != nil {
		return "", err
	}
	if blocked {
		if err := s.audit(ctx, s.app.DB.Writer(), me.Account.ID, "method.blocked", s.meta(r), map[string]string{"method": string(confirmationMethod)}); err != nil {
			return "", err
		}
		return fmt.Sprintf("Your confirmation code is now blocked after %d wrong attempts. Call us at %s to unblock it.", limit, s.app.Info.Phone), nil
	}
	if attempt.Left() == 1 {
		return "That confirmation code is not right. You have 1 attempt left.", nil
	}
	return fmt.Sprintf("That confirmation code is not right. You have %d attempts left.", attempt.Left()), nil
}
