package web

import "net/http"

// sessionStay is "Stay signed in": a request without the poll header, so
// the session middleware counted it as activity and the idle deadline has
// moved on. It answers with the new status, as the poll does.
func (s *site) sessionStay(w http.ResponseWriter, r *http.Request) error {
	s.app.MemberSessions.StatusHandler().ServeHTTP(w, r)
	return nil
}
