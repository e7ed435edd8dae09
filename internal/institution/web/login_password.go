package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
)

// loginPassword checks the password (the engine counts the attempt first:
// three wrong ones disable it, S4). A temporary password must be replaced
// before anything else (S5); otherwise the risk engine decides what comes
// next.
func (s *site) loginPassword(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepPassword)
	if err != nil {
		return err
	}
	ctx := r.Context()
	res, err := s.app.Members.CheckPassword(ctx, lf.State.Username, r.PostFormValue("password"), s.meta(r))
	if err != nil {
		msg := s.passwordRefusal(err)
		if msg == "" {
			return err
		}
		v := s.loginView(r, lf, "Enter your password")
		v.Error = msg
		v.Data = loginForm{Flow: lf.ID, Username: lf.State.Username}
		return s.render(w, http.StatusUnauthorized, "login_password", v)
	}
	if err := s.advanceLogin(ctx, lf, flow.WithAccount(res.Account.ID)); err != nil {
		return err
	}
	if res.MustChangePassword {
		return redirect(w, r, lf.url("/password/change"))
	}
	return s.assessLogin(w, r, lf, res.Account)
}

// passwordRefusal is what the member is told when the password step
// refuses: never which of the username and password was wrong.
func (s *site) passwordRefusal(err error) string {
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return "The username or password is not right. Check them and try again; after three wrong passwords the password is disabled."
	case errors.Is(err, auth.ErrPasswordBlocked):
		return fmt.Sprintf("Your password is disabled after three failed attempts. Call us at %s to have it reset.", s.app.Info.Phone)
	case errors.Is(err, auth.ErrPasswordExpired):
		return fmt.Sprintf("Your password has expired. Call us at %s to have it reset.", s.app.Info.Phone)
	case errors.Is(err, auth.ErrAccountDisabled):
		return fmt.Sprintf("This sign-in is disabled. Call us at %s.", s.app.Info.Phone)
	}
	return ""
}
