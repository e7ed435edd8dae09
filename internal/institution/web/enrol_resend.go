package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/notify"
)

// enrolResend sends a new activation code the same way as before; the
// earlier one stops working, the count of wrong ones stays.
func (s *site) enrolResend(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepCode)
	if err != nil {
		return err
	}
	m, err := s.enrolMember(r.Context(), ef)
	if err != nil {
		return err
	}
	if err := s.sendActivation(r, ef, m, notify.Channel(ef.State.Channel)); err != nil {
		if msg := codeRefusal(err); msg != "" {
			return s.renderEnrolCode(w, r, ef, http.StatusUnprocessableEntity, msg, "")
		}
		return err
	}
	return s.renderEnrolCode(w, r, ef, http.StatusOK, "", "We sent a new code to "+ef.State.SentTo+". Use the newest one.")
}
