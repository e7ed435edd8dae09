package web

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/auth"
)

// settingsPassword changes the password: the current one is checked like a
// sign-in (three wrong ones disable it, S4), and every other session of the
// member ends.
func (s *site) settingsPassword(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	form := passwordForm{Action: "/settings/password", Current: true, Rules: s.ruleText(me.Account)}
	meta := s.meta(r)
	pw := r.PostFormValue("password")
	if _, err := s.app.Members.CheckPassword(ctx, me.Account.Username, r.PostFormValue("current"), meta); err != nil {
		msg := s.passwordRefusal(err)
		if msg == "" {
			return err
		}
		if errors.Is(err, auth.ErrInvalidCredentials) {
			msg = "Your current password is not right."
		}
		form.Problems = []string{msg}
	} else if pw != r.PostFormValue("confirm") {
		form.Problems = []string{"The two passwords are not the same. Type the new password twice."}
	} else {
		personal, err := s.personalOf(ctx, me.Member)
		if err != nil {
			return err
		}
		problems, err := s.app.Members.ChangePassword(ctx, me.Account.ID, pw, personal, meta)
		if err != nil {
			return err
		}
		form.Problems = problemTexts(problems)
	}
	if len(form.Problems) > 0 {
		v := s.newView(r, "Change your password")
		v.Nav = "settings"
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "password_change", v)
	}
	return s.renderSettings(w, r, me, http.StatusOK, "Your password was changed. Anywhere else you were signed in has been signed out.", "")
}
