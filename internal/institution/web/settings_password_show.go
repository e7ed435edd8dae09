package web

import "net/http"

// settingsPasswordShow asks for the current password and a new one, with
// the rules and the strength meter (S2).
func (s *site) settingsPasswordShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	v := s.newView(r, "Change your password")
	v.Nav = "settings"
	v.Data = passwordForm{Action: "/settings/password", Current: true, Rules: s.ruleText(me.Account)}
	return s.render(w, http.StatusOK, "password_change", v)
}
