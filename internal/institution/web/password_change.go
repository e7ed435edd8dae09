package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
)

// passwordChange replaces a temporary password (S5: not the same one
// again, the policy's rules) and then lets the risk engine decide the rest
// of the login.
func (s *site) passwordChange(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepNewPassword)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	form := passwordForm{Flow: lf.ID, Action: "/password/change", Rules: s.ruleText(a)}
	m, _, err := signin.MemberOfAccount(ctx, s.app, a.ID)
	if err != nil {
		return err
	}
	if form.Problems, err = s.setPassword(r, a, m); err != nil {
		return err
	}
	if len(form.Problems) > 0 {
		v := s.loginView(r, lf, "Choose a new password")
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "password_change", v)
	}
	if a, err = account.Get(ctx, s.app.DB.Reader(), a.ID); err != nil {
		return err
	}
	return s.assessLogin(w, r, lf, a)
}
