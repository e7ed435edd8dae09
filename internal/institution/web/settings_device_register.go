package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
)

// settingsDeviceRegister registers this computer: "this is my computer"
// (S21, PC registration).
func (s *site) settingsDeviceRegister(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	dev, err := s.app.Devices.Recognise(ctx, s.app.DB.Reader(), r, me.Account.ID)
	if errors.Is(err, store.ErrNotFound) {
		// Not seen at sign-in (cookies cleared since): remember it now.
		dev, err = s.app.Devices.Remember(ctx, s.app.DB.Writer(), w, r, me.Account.ID, s.now())
	}
	if err != nil {
		return err
	}
	if err := s.deviceChange(ctx, r, me, "device.registered", dev, func(tx *sql.Tx) error {
		return device.Register(ctx, tx, me.Account.ID, dev.ID, s.now())
	}); err != nil {
		return err
	}
	return s.renderDevices(w, r, me, http.StatusOK, "This computer is registered.")
}

// deviceChange applies a change to a device with its audit event.
func (s *site) deviceChange(ctx context.Context, r *http.Request, me *signedIn, action string, dev *device.Device, change func(*sql.Tx) error) error {
	return s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := change(tx); err != nil {
			return err
		}
		return s.audit(ctx, tx, me.Account.ID, action, s.meta(r), map[string]string{"device": dev.Label})
	})
}
