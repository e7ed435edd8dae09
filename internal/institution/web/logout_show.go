package web

import (
	"fmt"
	"net/http"
)

// logoutShow says the member is signed out: by their choice, or (reason
// timeout) after the idle time of S23, which the idle warning's script
// comes here for once the session has ended.
func (s *site) logoutShow(w http.ResponseWriter, r *http.Request) error {
	if sess, ok := sessionOf(r); ok && sess.Authenticated() {
		// Still signed in (the timeout had not happened after all): this
		// page is a GET, so it signs nobody out; the sign-out is a form.
		return redirect(w, r, "/")
	}
	v := s.newView(r, "Signed out")
	v.Notice = "You have signed out."
	if r.URL.Query().Get("reason") == "timeout" {
		pol := s.app.Members.Policy()
		v.Title = "Signed out for inactivity"
		v.Notice = fmt.Sprintf("For your security you were signed out after a period of inactivity (%d minutes on security screens, %d minutes elsewhere).",
			int(pol.IdleTimeoutSecurity.Minutes()), int(pol.IdleTimeoutDefault.Minutes()))
	}
	return s.render(w, http.StatusOK, "logout", v)
}
