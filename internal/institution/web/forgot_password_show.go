package web

import "net/http"

// forgotPasswordShow asks for the new password, with the rules and the
// strength meter (S2). A blocked password is not reset: the member calls.
func (s *site) forgotPasswordShow(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, forgotStepPassword)
	if err != nil {
		return err
	}
	a, _, err := s.forgotAccount(r.Context(), ff)
	if err != nil {
		return err
	}
	if err := s.passwordStillBlocked(r.Context(), a); err != nil {
		return err
	}
	v := s.newView(r, "Choose a new password")
	v.Notice = "You have confirmed it's you. Choose a new password; it must be different from your old one."
	v.Data = passwordForm{Flow: ff.ID, Action: "/forgot/password", Rules: s.ruleText(a)}
	return s.render(w, http.StatusOK, "password_change", v)
}
