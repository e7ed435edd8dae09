package web

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
)

// devicesPage is the data of the registered computers page.
type devicesPage struct {
	Devices []*device.Device
	This    int64 // this browser's device, 0 when unknown
	ThisReg bool
}

// settingsDevicesShow lists the computers and browsers the member has
// signed in from, which are registered (S21), and lets them register this
// one or remove any.
func (s *site) settingsDevicesShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	return s.renderDevices(w, r, me, http.StatusOK, "")
}

func (s *site) renderDevices(w http.ResponseWriter, r *http.Request, me *signedIn, status int, notice string) error {
	ctx := r.Context()
	list, err := device.List(ctx, s.app.DB.Reader(), me.Account.ID)
	if err != nil {
		return err
	}
	p := devicesPage{Devices: list}
	dev, err := s.app.Devices.Recognise(ctx, s.app.DB.Reader(), r, me.Account.ID)
	switch {
	case err == nil:
		p.This, p.ThisReg = dev.ID, dev.Registered
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	v := s.newView(r, "Registered computers")
	v.Nav, v.Notice = "settings", notice
	v.Data = p
	return s.render(w, status, "devices", v)
}
