package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
)

// forgotUsername takes the username and goes on to the questions whether
// or not anyone has it: a username nothing can be recovered for gets decoy
// questions that are never answered right, and the pages never say which.
func (s *site) forgotUsername(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, forgotStepUsername)
	if err != nil {
		return err
	}
	username := password.NormalizeUsername(r.PostFormValue("username"))
	if username == "" || len(username) > 256 {
		v := s.newView(r, "Reset your password")
		v.Error = "Enter your username."
		v.Data = loginForm{Flow: ff.ID}
		return s.render(w, http.StatusUnprocessableEntity, "forgot", v)
	}
	a, err := s.recoverable(r.Context(), username)
	if err != nil {
		return err
	}
	ff.State.Username = username
	var opts []flow.Option
	if a != nil {
		opts = append(opts, flow.WithAccount(a.ID))
	} else {
		ff.State.Decoy = true
	}
	if err := s.advanceForgot(r.Context(), ff, opts...); err != nil {
		return err
	}
	return redirect(w, r, ff.url("/forgot/questions"))
}
