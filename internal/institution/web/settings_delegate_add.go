package web

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// settingsDelegateAdd gives the member's accountant read-only access with
// their own username and phone, and shows the temporary password once.
func (s *site) settingsDelegateAdd(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	f := delegateForm{
		Name:     trimmed(r, "name"),
		Username: trimmed(r, "username"),
		Phone:    phone.New{Number: trimmed(r, "number"), Kind: phone.Kind(r.PostFormValue("kind"))},
	}
	nd, err := s.addDelegate(r.Context(), me, f, s.meta(r))
	var refused *delegateRefusal
	if errors.As(err, &refused) {
		f.Field = refused.Field
		return s.renderDelegates(w, r, me, f, http.StatusUnprocessableEntity, "", refused.Message)
	}
	if err != nil {
		return err
	}
	v := s.newView(r, "Accountant access is ready")
	v.Nav = "settings"
	v.Data = nd
	return s.render(w, http.StatusOK, "delegate_added", v)
}
