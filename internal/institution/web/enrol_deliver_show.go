package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// enrolDeliverShow lets the member choose where the activation code goes:
// by text to the phone on file, or by email to the address on file.
func (s *site) enrolDeliverShow(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepDeliver)
	if err != nil {
		return err
	}
	return s.renderEnrolDeliver(w, r, ef, http.StatusOK, "")
}

func (s *site) renderEnrolDeliver(w http.ResponseWriter, r *http.Request, ef *enrolFlow, status int, msg string) error {
	m, err := s.enrolMember(r.Context(), ef)
	if err != nil {
		return err
	}
	form := enrolForm{Flow: ef.ID, Hours: int(s.app.Members.Policy().ActivationCodeTTL.Hours())}
	if m.PhoneOnFile != "" {
		form.Phone = (&phone.Phone{Number: m.PhoneOnFile}).Masked()
	}
	if m.Email != "" {
		form.Email = maskEmail(m.Email)
	}
	v := s.newView(r, "Get your activation code")
	v.Error = msg
	v.Data = form
	return s.render(w, status, "enrol_deliver", v)
}
