package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// forgotCode checks the recovery PIN. Wrong ones say how many attempts are
// left; the third blocks codes (S4) and ends the reset with "call us".
func (s *site) forgotCode(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, forgotStepCode)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, _, err := s.forgotAccount(ctx, ff)
	if err != nil {
		return err
	}
	err = s.app.Members.VerifyCode(ctx, a, ff.ID, recoveryPurpose, r.PostFormValue("code"), s.meta(r))
	if errors.Is(err, auth.ErrPINBlocked) {
		return s.codesBlockedPage()
	}
	if err != nil {
		msg := codeRefusal(err)
		if msg == "" {
			return err
		}
		id, _ := strconv.ParseInt(r.PostFormValue("phone"), 10, 64)
		c := verifyChoice{Via: viaPIN, PhoneID: id, Channel: phone.Channel(r.PostFormValue("channel")), Sent: true}
		return s.renderForgotCode(w, r, ff, c, http.StatusUnauthorized, msg)
	}
	if err := s.advanceForgot(ctx, ff); err != nil {
		return err
	}
	return redirect(w, r, ff.url("/forgot/password"))
}
