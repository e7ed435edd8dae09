package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// enrolPasswordShow asks for the password, with the rules and the strength
// meter (S2).
func (s *site) enrolPasswordShow(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepPassword)
	if err != nil {
		return err
	}
	a, err := account.Get(r.Context(), s.app.DB.Reader(), ef.AccountID)
	if err != nil {
		return err
	}
	v := s.newView(r, "Choose a password")
	v.Data = passwordForm{Flow: ef.ID, Action: "/enrol/password", Rules: s.ruleText(a)}
	return s.render(w, http.StatusOK, "password_change", v)
}
