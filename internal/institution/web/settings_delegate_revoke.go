package web

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/store"
)

// settingsDelegateRevoke ends a delegate's access: their sign-in stops
// working and any session they have open ends now.
func (s *site) settingsDelegateRevoke(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	list, err := s.delegatesOf(r, me)
	if err != nil {
		return err
	}
	for _, d := range list {
		if d.ID != id || !d.RevokedAt.IsZero() {
			continue
		}
		if err := s.revokeDelegate(r.Context(), me, d, s.meta(r)); err != nil {
			return err
		}
		return s.renderDelegates(w, r, me, delegateForm{}, http.StatusOK, d.Name+" can no longer sign in to your accounts.", "")
	}
	return store.ErrNotFound
}
