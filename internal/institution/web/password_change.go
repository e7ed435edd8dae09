package web

import (
	"net/http"

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
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		form.Problems = []string{"The two passwords are not the same. Type the new password twice."}
	} else {
		m, _, err := s.memberOfAccount(ctx, a.ID)
		if err != nil {
			return err
		}
		personal, err := s.personalOf(ctx, m)
		if err != nil {
			return err
		}
		problems, err := s.app.Members.ChangePassword(ctx, a.ID, pw, personal, s.meta(r))
		if err != nil {
			return err
		}
		form.Problems = problemTexts(problems)
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
