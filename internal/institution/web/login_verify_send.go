package web

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// loginVerifySend sends a login PIN to the phone and by the channel the
// member chose, or places the call-back (S14, S15). A resend replaces the
// code but keeps the count of wrong ones.
func (s *site) loginVerifySend(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepVerify)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	ms, err := s.loginMethods(r, lf, a)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("phone"), 10, 64)
	c, ph := s.resolve(verifyChoice{Via: r.PostFormValue("via"), PhoneID: id, Channel: phone.Channel(r.PostFormValue("channel"))}, ms)
	if ph == nil {
		return s.renderLoginVerify(w, r, lf, a, verifyChoice{Via: viaOptions}, http.StatusUnprocessableEntity, "Choose a phone and how to reach it.")
	}
	if _, err := s.app.Members.SendCode(ctx, a, lf.ID, "login", ph.ID, c.Channel, s.meta(r)); err != nil {
		msg := codeRefusal(err)
		if msg == "" {
			return err
		}
		return s.renderLoginVerify(w, r, lf, a, verifyChoice{Via: viaOptions}, http.StatusUnprocessableEntity, msg)
	}
	c.Sent = true
	return redirect(w, r, lf.url("/login/verify")+"&"+c.query())
}
