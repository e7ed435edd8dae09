package web

import (
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session"
)

// forgotShow is the first page of "Forgot your password?": the username.
// It starts the recovery flow, on a new anonymous session when the browser
// has none. A signed-in member changes the password in the settings.
func (s *site) forgotShow(w http.ResponseWriter, r *http.Request) error {
	sess, ok := sessionOf(r)
	if ok && sess.Authenticated() {
		return redirect(w, r, "/settings/password")
	}
	if !ok {
		var err error
		sess, err = s.app.MemberSessions.Start(w, r, s.app.DB.Writer(), session.Params{Area: session.AreaSecurity})
		if err != nil {
			return fmt.Errorf("web: start a session: %w", err)
		}
	}
	ff, err := s.startForgot(r.Context(), sess)
	if err != nil {
		return err
	}
	v := s.newView(r, "Reset your password")
	v.Data = loginForm{Flow: ff.ID}
	return s.render(w, http.StatusOK, "forgot", v)
}
