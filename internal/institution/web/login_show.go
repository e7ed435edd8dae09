package web

import (
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session"
)

// loginForm is the data of the sign-in pages.
type loginForm struct {
	Flow     string
	Username string
}

// loginShow is the first page of a login: the username. It starts the
// login flow, on a new anonymous session when the browser has none.
func (s *site) loginShow(w http.ResponseWriter, r *http.Request) error {
	sess, ok := sessionOf(r)
	if ok && sess.Authenticated() {
		return redirect(w, r, "/")
	}
	if !ok {
		var err error
		sess, err = s.app.MemberSessions.Start(w, r, s.app.DB.Writer(), session.Params{Area: session.AreaSecurity})
		if err != nil {
			return fmt.Errorf("web: start a session: %w", err)
		}
	}
	lf, err := s.startLogin(r.Context(), sess)
	if err != nil {
		return err
	}
	v := s.newView(r, "Sign in")
	switch r.URL.Query().Get("notice") {
	case "enrolled":
		v.Notice = "You are set up for online banking. Sign in with your new username and password."
	case "signed_out":
		v.Notice = "You have signed out."
	}
	v.Data = loginForm{Flow: lf.ID}
	return s.render(w, http.StatusOK, "login", v)
}
