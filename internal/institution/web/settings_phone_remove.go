package web

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/store"
)

// settingsPhoneRemove removes one of the member's phones.
func (s *site) settingsPhoneRemove(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	if err := s.removePhone(r.Context(), me.Account.ID, id, s.meta(r)); err != nil {
		return err
	}
	return s.renderSettingsPhones(w, r, me, nil, http.StatusOK, "The phone was removed.", "")
}
