package console

import (
	"database/sql"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
)

// memberDeviceRevoke revokes one of the member's devices: its cookie is
// not recognised again, so the next sign-in from it counts as a new
// device. The revocation and its audit event commit together; the member
// sees it in their message center.
func (c *Console) memberDeviceRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := c.enrolledMember(r)
	if err != nil {
		return err
	}
	did, err := pathID(r, "device")
	if err != nil {
		return err
	}
	devices, err := device.List(ctx, c.app.DB.Reader(), m.SecurityAccountID)
	if err != nil {
		return err
	}
	var d *device.Device
	for _, x := range devices {
		if x.ID == did {
			d = x
		}
	}
	if d == nil {
		return store.ErrNotFound
	}
	if !d.Revoked() {
		now := c.app.Clock.Now()
		err = c.app.DB.InTx(ctx, func(tx *sql.Tx) error {
			if err := device.Revoke(ctx, tx, m.SecurityAccountID, did, now); err != nil {
				return err
			}
			return audit.Append(ctx, tx, &audit.Event{
				OccurredAt: now, Scope: memberScope, Actor: actor(staffFrom(ctx)), Action: "device.revoked",
				Subject: memberSubject(m), IP: remoteIP(r),
				Detail: map[string]string{"device_id": strconv.FormatInt(did, 10), "device": d.Label},
			})
		})
		if err != nil {
			return err
		}
	}
	return redirect(w, r, memberURL(m, "device_revoked", "devices"))
}
