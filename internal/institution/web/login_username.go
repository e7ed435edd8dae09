package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/store"
)

// loginUsername takes the username and shows the watermark (S22) before
// the password is asked. Every username gets a watermark, whether or not
// anyone has it.
func (s *site) loginUsername(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepUsername)
	if err != nil {
		return err
	}
	username := password.NormalizeUsername(r.PostFormValue("username"))
	if username == "" || len(username) > 256 {
		v := s.newView(r, "Sign in")
		v.Error = "Enter your username."
		v.Data = loginForm{Flow: lf.ID}
		return s.render(w, http.StatusUnprocessableEntity, "login", v)
	}
	wm, err := s.loginWatermark(r.Context(), username)
	if err != nil {
		return err
	}
	lf.State.Username, lf.State.Watermark = username, wm.ID
	if err := s.advanceLogin(r.Context(), lf); err != nil {
		return err
	}
	return redirect(w, r, lf.url("/login/password"))
}

// loginWatermark is the watermark a username's sign-in shows.
func (s *site) loginWatermark(ctx context.Context, username string) (Watermark, error) {
	q := s.app.DB.Reader()
	a, err := account.ByUsername(ctx, q, bankapp.MemberRealm, username)
	if errors.Is(err, store.ErrNotFound) {
		return s.decoyWatermark(username), nil
	}
	if err != nil {
		return Watermark{}, err
	}
	m, err := institution.MemberBySecurityAccount(ctx, q, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return s.decoyWatermark(username), nil // a delegate: no image of their own
	}
	if err != nil {
		return Watermark{}, err
	}
	return s.watermarkFor(username, m, true), nil
}

// loginView is the view of a login page after the username: the
// watermark shows on every one (S22).
func (s *site) loginView(r *http.Request, lf *loginFlow, title string) *view {
	v := s.newView(r, title)
	if wm, ok := watermarkByID(lf.State.Watermark); ok {
		v.Watermark = &wm
	}
	return v
}
