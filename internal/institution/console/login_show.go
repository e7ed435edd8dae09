package console

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session"
)

// loginForm is the sign-in page's data. It never carries the password.
type loginForm struct {
	Username string
}

// loginShow is the sign-in page. It starts an anonymous session on the
// security-screen timeout, so the form has a CSRF token to carry.
func (c *Console) loginShow(w http.ResponseWriter, r *http.Request) error {
	sess, ok := session.FromContext(r.Context())
	if ok && sess.Authenticated() {
		return redirect(w, r, "/staff/")
	}
	if !ok {
		if _, err := c.app.StaffSessions.Start(w, r, c.app.DB.Writer(), session.Params{Area: session.AreaSecurity}); err != nil {
			return err
		}
	}
	v := &view{Title: "Staff sign-in", Data: loginForm{}}
	switch r.URL.Query().Get("notice") {
	case "signed_out":
		v.Notice = "You are signed out."
	case "expired":
		v.Notice = "Your session ended after a period without activity. Sign in again."
	case "restart":
		v.Notice = "That sign-in had expired or was already used. Sign in again."
	}
	return c.render(w, r, http.StatusOK, "login.html", v)
}
