package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/audit"
)

// messages is the secure message center (S28): changes to the member's
// profile and settings, refused sign-ins, blocks, staff actions.
func (s *site) messages(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	list, err := audit.Messages(r.Context(), s.app.DB.Reader(), bankapp.MemberRealm, me.subject(), 100)
	if err != nil {
		return err
	}
	v := s.newView(r, "Secure message center")
	v.Nav = "messages"
	v.Data = list
	return s.render(w, http.StatusOK, "messages", v)
}
