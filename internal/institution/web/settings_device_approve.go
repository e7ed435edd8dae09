package web

import (
	"database/sql"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
)

// settingsDeviceApprove registers one of the member's devices by its id:
// how a member approves a Direct Connect program (its CLIENTUID) or an
// aggregator's device that asked for their accounts from a computer the
// bank did not know (the message center said so, "device.pending").
func (s *site) settingsDeviceApprove(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	d, err := device.Get(ctx, s.app.DB.Reader(), me.Account.ID, id)
	if err != nil {
		return err
	}
	if d.Revoked() {
		return store.ErrNotFound
	}
	if err := s.deviceChange(ctx, r, me, "device.registered", d, func(tx *sql.Tx) error {
		return device.Register(ctx, tx, me.Account.ID, d.ID, s.now())
	}); err != nil {
		return err
	}
	return s.renderDevices(w, r, me, http.StatusOK, d.Label+" is approved.")
}
