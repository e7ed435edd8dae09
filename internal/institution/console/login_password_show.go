package console

import "net/http"

// newPasswordForm is the new-password step's data.
type newPasswordForm struct {
	Flow      string
	MinLength int
	Problems  []string
}

// loginPasswordShow asks an employee signing in with a temporary password
// to choose their own (S5: the temporary one must be changed at once).
func (c *Console) loginPasswordShow(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := c.loginFlow(r, r.URL.Query().Get("flow"), stepNewPassword)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(w, r, "/staff/login?notice=restart")
	}
	return c.render(w, r, http.StatusOK, "login_password.html", &view{
		Title: "Choose your password",
		Data:  newPasswordForm{Flow: f.ID, MinLength: c.app.Staff.Policy().PasswordMinLengthSoleFactor},
	})
}
