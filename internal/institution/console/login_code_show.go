package console

import "net/http"

// codeForm is the authenticator step's data: the flow it continues.
type codeForm struct {
	Flow string
}

// loginCodeShow asks for the code of the employee's authenticator app.
func (c *Console) loginCodeShow(w http.ResponseWriter, r *http.Request) error {
	f, ok, err := c.loginFlow(r, r.URL.Query().Get("flow"), stepCode)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(w, r, "/staff/login?notice=restart")
	}
	return c.render(w, r, http.StatusOK, "login_code.html", &view{Title: "Authenticator code", Data: codeForm{Flow: f.ID}})
}
