package web

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// enrolUsername checks the username (S1: letters, digits and spaces; not
// the member's name or an account number) and creates the member's sign-in
// under it, so it is theirs from now on.
func (s *site) enrolUsername(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepUsername)
	if err != nil {
		return err
	}
	ctx := r.Context()
	m, err := s.enrolMember(ctx, ef)
	if err != nil {
		return err
	}
	personal, err := s.personalOf(ctx, m)
	if err != nil {
		return err
	}
	typed := trimmed(r, "username")
	form := usernameForm{Flow: ef.ID, Username: typed, Problems: problemTexts(password.CheckUsername(typed, personal))}
	var a *account.Account
	if len(form.Problems) == 0 {
		a, err = account.Create(ctx, s.app.DB.Writer(), bankapp.MemberRealm, typed, s.now())
		if errors.Is(err, store.ErrConflict) {
			form.Problems = []string{"That username is taken. Choose another."}
		} else if err != nil {
			return err
		}
	}
	if len(form.Problems) > 0 {
		v := s.newView(r, "Choose a username")
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "enrol_username", v)
	}
	ef.State.Username = a.Username
	if err := s.advanceEnrol(ctx, s.app.DB.Writer(), ef, flow.WithAccount(a.ID)); err != nil {
		return err
	}
	return redirect(w, r, ef.url("/enrol/password"))
}
