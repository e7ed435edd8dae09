package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// settingsLevel changes the security level (S18): High asks for a code at
// every sign-in, so it needs a phone that can receive one.
func (s *site) settingsLevel(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	level := account.Level(r.PostFormValue("level"))
	if level != account.Standard && level != account.High {
		return s.renderSettings(w, r, me, http.StatusUnprocessableEntity, "", "Choose Standard or High.")
	}
	if level == account.High {
		ms, err := signin.StepUpMethods(ctx, s.app, me.Account)
		if err != nil {
			return err
		}
		if !ms.Has(risk.MethodSMS) && !ms.Has(risk.MethodVoice) {
			return s.renderSettings(w, r, me, http.StatusUnprocessableEntity, "", "High needs a phone we can send codes to. Add a phone first.")
		}
	}
	if err := s.app.Members.SetSecurityLevel(ctx, me.Account, level, s.meta(r)); err != nil {
		return err
	}
	me.Account.SecurityLevel = level
	notice := "Your security level is Standard: we ask for a code only when something about a sign-in looks unusual."
	if level == account.High {
		notice = "Your security level is High: we will ask for a code every time you sign in."
	}
	return s.renderSettings(w, r, me, http.StatusOK, notice, "")
}
