package console

import "net/http"

// logout ends the employee's session.
func (c *Console) logout(w http.ResponseWriter, r *http.Request) error {
	if err := c.app.StaffSessions.Destroy(w, r, c.app.DB.Writer()); err != nil {
		return err
	}
	return redirect(w, r, "/staff/login?notice=signed_out")
}
