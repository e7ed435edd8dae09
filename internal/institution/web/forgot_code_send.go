package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// forgotCodeSend sends a recovery PIN by the phone and channel the member
// chose (S14). A resend replaces the code but keeps the count of wrong ones.
func (s *site) forgotCodeSend(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, forgotStepCode)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, _, err := s.forgotAccount(ctx, ff)
	if err != nil {
		return err
	}
	ms, err := s.recoveryMethods(ctx, a)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("phone"), 10, 64)
	c, ph := s.resolve(verifyChoice{Via: r.PostFormValue("via"), PhoneID: id, Channel: phone.Channel(r.PostFormValue("channel"))}, ms)
	if ph == nil || c.Via != viaPIN {
		return s.renderForgotCode(w, r, ff, verifyChoice{Via: viaOptions}, http.StatusUnprocessableEntity, "Choose a phone and how to reach it.")
	}
	if _, err := s.app.Members.SendCode(ctx, a, ff.ID, recoveryPurpose, ph.ID, c.Channel, s.meta(r)); err != nil {
		if errors.Is(err, auth.ErrPINBlocked) {
			return s.codesBlockedPage()
		}
		msg := codeRefusal(err)
		if msg == "" {
			return err
		}
		return s.renderForgotCode(w, r, ff, verifyChoice{Via: viaOptions}, http.StatusUnprocessableEntity, msg)
	}
	c.Sent = true
	return redirect(w, r, ff.url("/forgot/code")+"&"+c.query())
}

func (s *site) codesBlockedPage() error {
	return s.callUs("Codes are blocked", "Codes are blocked after three wrong attempts, so your password cannot be reset online.")
}
