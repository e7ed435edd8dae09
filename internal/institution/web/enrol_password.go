package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// enrolPassword sets the password through the engine, which applies the
// policy's rules and says what a refused one breaks.
func (s *site) enrolPassword(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepPassword)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), ef.AccountID)
	if err != nil {
		return err
	}
	form := passwordForm{Flow: ef.ID, Action: "/enrol/password", Rules: s.ruleText(a)}
	m, err := s.enrolMember(ctx, ef)
	if err != nil {
		return err
	}
	if form.Problems, err = s.setPassword(r, a, m); err != nil {
		return err
	}
	if len(form.Problems) > 0 {
		v := s.newView(r, "Choose a password")
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "password_change", v)
	}
	if err := s.advanceEnrol(ctx, s.app.DB.Writer(), ef); err != nil {
		return err
	}
	return redirect(w, r, ef.url("/enrol/questions"))
}
