package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// passwordChangeShow asks a member who signed in with a temporary password
// for a new one before anything else (S5).
func (s *site) passwordChangeShow(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepNewPassword)
	if err != nil {
		return err
	}
	a, err := account.Get(r.Context(), s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	v := s.loginView(r, lf, "Choose a new password")
	v.Notice = "You signed in with a temporary password. Choose a new password of your own to carry on."
	v.Data = passwordForm{Flow: lf.ID, Action: "/password/change", Rules: s.ruleText(a)}
	return s.render(w, http.StatusOK, "password_change", v)
}
