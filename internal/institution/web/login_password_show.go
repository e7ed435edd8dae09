package web

import "net/http"

// loginPasswordShow asks for the password under the watermark.
func (s *site) loginPasswordShow(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepPassword)
	if err != nil {
		return err
	}
	v := s.loginView(r, lf, "Enter your password")
	v.Data = loginForm{Flow: lf.ID, Username: lf.State.Username}
	return s.render(w, http.StatusOK, "login_password", v)
}
