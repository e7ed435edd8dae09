package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// twoStepSend sends the enrolment code by text to the mobile the member
// chose, or to a mobile number they add here (S13, S17).
func (s *site) twoStepSend(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepTwoStep)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	meta := s.meta(r)
	id, _ := strconv.ParseInt(r.PostFormValue("phone"), 10, 64)
	if number := trimmed(r, "number"); number != "" {
		phones, err := phone.List(ctx, s.app.DB.Reader(), a.ID)
		if err != nil {
			return err
		}
		role := phone.Primary
		for _, ph := range phones {
			if ph.Role == phone.Primary {
				role = phone.Other
			}
		}
		ph, err := s.addPhone(ctx, a.ID, phone.New{Number: number, Kind: phone.Mobile, Role: role}, meta)
		var fe *phone.FieldError
		if errors.As(err, &fe) {
			return s.renderTwoStep(w, r, lf, a, 0, http.StatusUnprocessableEntity, fe.Message+".")
		}
		if err != nil {
			return err
		}
		id = ph.ID
	}
	if id == 0 {
		return s.renderTwoStep(w, r, lf, a, 0, http.StatusUnprocessableEntity, "Choose a mobile phone, or add one.")
	}
	if _, err := s.app.Members.SendCode(ctx, a, lf.ID, "two_step", id, phone.SMS, meta); err != nil {
		msg := codeRefusal(err)
		if msg == "" {
			return err
		}
		return s.renderTwoStep(w, r, lf, a, 0, http.StatusUnprocessableEntity, msg)
	}
	return redirect(w, r, lf.url("/login/two-step")+"&sent="+strconv.FormatInt(id, 10))
}
