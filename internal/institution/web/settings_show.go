package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// settingsPage is the data of the security settings overview.
type settingsPage struct {
	Level           account.Level
	TwoStep         bool
	HasConfirmation bool
}

// settingsShow is the security settings: the security level (S18) and the
// pages for phones, questions, password, Personal Internet Branch controls
// and registered computers.
func (s *site) settingsShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	return s.renderSettings(w, r, me, http.StatusOK, "", "")
}

func (s *site) renderSettings(w http.ResponseWriter, r *http.Request, me *signedIn, status int, notice, msg string) error {
	v := s.newView(r, "Security settings")
	v.Nav, v.Notice, v.Error = "settings", notice, msg
	v.Data = settingsPage{Level: me.Account.SecurityLevel, TwoStep: !me.Account.TwoFactorEnrolledAt.IsZero(), HasConfirmation: me.Member.HasConfirmation}
	return s.render(w, status, "settings", v)
}
