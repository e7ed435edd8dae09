package web

import "net/http"

// logout ends the session and its cookie.
func (s *site) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.app.MemberSessions.Destroy(w, r, s.app.DB.Writer()); err != nil {
		return err
	}
	return redirect(w, r, "/logout")
}
