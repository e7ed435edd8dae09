package console

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
)

// loginCodeSubmit checks the authenticator code with the staff engine,
// which counts it against the authenticator method (three wrong codes
// block it).
func (c *Console) loginCodeSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f, ok, err := c.loginFlow(r, r.PostFormValue("flow"), stepCode)
	if err != nil {
		return err
	}
	if !ok {
		return redirect(w, r, "/staff/login?notice=restart")
	}
	a, err := account.Get(ctx, c.app.DB.Reader(), f.AccountID)
	if err != nil {
		return err
	}
	if err := c.app.Staff.VerifyTOTP(ctx, a, r.PostFormValue("code"), meta(r)); err != nil {
		msg := "That code is not right. Enter the code your authenticator app shows now."
		if errors.Is(err, auth.ErrMethodBlocked) {
			msg = "Your authenticator sign-in is blocked after too many wrong codes. Ask an administrator to unblock it."
		}
		c.app.Logger.InfoContext(ctx, "staff authenticator code refused", "account_id", a.ID, "err", err)
		return c.render(w, r, http.StatusUnauthorized, "login_code.html", &view{Title: "Authenticator code", Error: msg, Data: codeForm{Flow: f.ID}})
	}
	return c.stepDone(w, r, f, stepCode)
}
