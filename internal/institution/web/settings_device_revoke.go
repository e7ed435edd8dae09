package web

import (
	"database/sql"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
)

// settingsDeviceRevoke removes a device: its cookie is never recognised
// again, and its registration ends.
func (s *site) settingsDeviceRevoke(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	list, err := device.List(ctx, s.app.DB.Reader(), me.Account.ID)
	if err != nil {
		return err
	}
	for _, d := range list {
		if d.ID != id {
			continue
		}
		if err := s.deviceChange(ctx, r, me, "device.revoked", d, func(tx *sql.Tx) error {
			return device.Revoke(ctx, tx, me.Account.ID, d.ID, s.now())
		}); err != nil {
			return err
		}
		return s.renderDevices(w, r, me, http.StatusOK, d.Label+" was removed.")
	}
	return store.ErrNotFound
}
