package console

import (
	"net/http"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/password"
)

// loginPasswordSubmit replaces the employee's temporary password with the
// one they chose, by the staff engine's rules (which also refuse reusing
// the temporary one). The passwords are never put back in the form.
func (c *Console) loginPasswordSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, ok, err := c.loginFlow(r, r.PostFormValue("flow"), stepNewPassword)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(w, r, "/staff/login?notice=restart")
	}
	form := newPasswordForm{Flow: f.ID, MinLength: c.app.Staff.Policy().PasswordMinLengthSoleFactor}
	pw := r.PostFormValue("new_password")
	if pw != r.PostFormValue("confirm_password") {
		form.Problems = []string{"The two passwords are not the same. Type them again."}
		return c.render(w, r, http.StatusBadRequest, "login_password.html", &view{Title: "Choose your password", Data: form})
	}
	st, err := institution.StaffBySecurityAccount(ctx, c.app.DB.Reader(), f.AccountID)
	if err != nil {
		return err
	}
	first, last, _ := strings.Cut(st.Name, " ")
	problems, err := c.app.Staff.ChangePassword(ctx, f.AccountID, pw, password.Personal{FirstName: first, LastName: last}, meta(r))
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		for _, p := range problems {
			form.Problems = append(form.Problems, p.Message)
		}
		return c.render(w, r, http.StatusBadRequest, "login_password.html", &view{Title: "Choose your password", Data: form})
	}
	return c.stepDone(w, r, f, stepNewPassword)
}
