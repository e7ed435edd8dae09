package web

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// twoStepVerify checks the enrolment code: the phone is verified and
// two-step sign-in is on.
func (s *site) twoStepVerify(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepTwoStep)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("phone"), 10, 64)
	meta := s.meta(r)
	if err := s.app.Members.VerifyCode(ctx, a, lf.ID, "two_step", r.PostFormValue("code"), meta); err != nil {
		msg := codeRefusal(err)
		if msg == "" {
			return err
		}
		return s.renderTwoStep(w, r, lf, a, id, http.StatusUnauthorized, msg)
	}
	if err := phone.MarkVerified(ctx, s.app.DB.Writer(), a.ID, id, s.now()); err != nil {
		return err
	}
	if err := s.app.Members.SetTwoFactor(ctx, a, true, meta); err != nil {
		return err
	}
	if lf.State.Factor == "" {
		lf.State.Factor = string(phone.SMS)
	}
	if err := s.advanceLogin(ctx, lf); err != nil {
		return err
	}
	return s.proceed(w, r, lf)
}
