package ofxserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
)

// maxClientUID is the longest CLIENTUID OFX allows (A-36, a GUID).
const maxClientUID = 36

// device applies the CLIENTUID rules to a sign-on whose password was right:
// an approved program is a known, registered device; an unknown or pending
// one is refused with 15510 (the member is told once, in the message
// center); no CLIENTUID is refused when the policy requires one and
// otherwise taken as a known, unregistered device (an OFX 1.0.2 client). ok
// is false when the sign-on was refused.
func (x *exchange) device(ctx context.Context, a *account.Account, meta *auth.Meta) (out outcome, ok bool, err error) {
	app := x.s.app
	uid := x.req.Signon.ClientUID
	if uid == "" {
		if app.Members.Policy().OFXClientUIDRequired {
			return refused(ofx.StatusClientUIDError, fmt.Sprintf(
				"This bank requires a registered CLIENTUID: use a program that sends one (OFX 1.0.3, 2.0.3 or later), then approve it in %s online banking.", app.Info.Name)), false, nil
		}
		meta.DeviceKnown, meta.DeviceRegistered = true, false
		return outcome{}, true, nil
	}
	if utf8.RuneCountInString(uid) > maxClientUID || printable(uid, maxClientUID) != uid {
		return refused(ofx.StatusClientUIDError, "The CLIENTUID must be at most 36 printable characters, such as a GUID."), false, nil
	}
	d, err := device.RecogniseClient(ctx, app.DB.Reader(), a.ID, device.KindOFX, uid)
	switch {
	case err == nil && d.Registered:
		meta.DeviceKnown, meta.DeviceRegistered = true, true
		return outcome{}, true, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return outcome{}, false, fmt.Errorf("ofxserver: recognise the program of account %d: %w", a.ID, err)
	}
	label := deviceLabel(meta.UserAgent)
	d, err = device.RememberClient(ctx, app.DB.Writer(), a.ID, device.KindOFX, uid, label, meta.IP, x.now)
	if errors.Is(err, device.ErrRevoked) {
		return refused(ofx.StatusClientUIDError, fmt.Sprintf(
			"This program was removed from the computers and devices allowed to download your accounts. Call us at %s if that was a mistake.", app.Info.Phone)), false, nil
	}
	if err != nil {
		return outcome{}, false, fmt.Errorf("ofxserver: remember the program of account %d: %w", a.ID, err)
	}
	told, err := x.tellPending(ctx, a, d, label, meta.IP)
	if err != nil {
		return outcome{}, false, err
	}
	if told {
		return refused(ofx.StatusClientUIDError, fmt.Sprintf(
			"This program (%s) is not yet approved to download your accounts. We left a message in your %s message center: sign in to online banking, approve it under Settings, Computers and devices, and try again.", label, app.Info.Name)), false, nil
	}
	return refused(ofx.StatusClientUIDError,
		"This program is waiting for your approval: sign in to online banking, approve it under Settings, Computers and devices, and try again."), false, nil
}

// tellPending leaves the "device.pending" message in the member's message
// center, once per device: the event's id is the device's, so a second
// sighting (or two at once) adds nothing. told reports whether this call
// left it.
func (x *exchange) tellPending(ctx context.Context, a *account.Account, d *device.Device, label, ip string) (told bool, err error) {
	subject := "account:" + strconv.FormatInt(a.ID, 10)
	ev := &audit.Event{
		EventID: "ofx-device-pending:" + strconv.FormatInt(d.ID, 10), OccurredAt: x.now,
		Scope: bankapp.MemberRealm, Actor: subject, Action: "device.pending", Subject: subject, IP: ip,
		Detail: map[string]string{"device": label},
	}
	switch err := audit.Append(ctx, x.s.app.DB.Writer(), ev); {
	case err == nil:
		return true, nil
	case errors.Is(err, store.ErrConflict):
		return false, nil
	default:
		return false, fmt.Errorf("ofxserver: tell account %d of a pending program: %w", a.ID, err)
	}
}

// seen records the visit of the member's approved program after a
// successful sign-on.
func (x *exchange) seen(ctx context.Context, a *account.Account) error {
	uid := x.req.Signon.ClientUID
	if uid == "" {
		return nil
	}
	ua := userAgent(x.req.Signon)
	if _, err := device.RememberClient(ctx, x.s.app.DB.Writer(), a.ID, device.KindOFX, uid, deviceLabel(ua), clientIP(x.r), x.now); err != nil {
		return fmt.Errorf("ofxserver: record the program of account %d: %w", a.ID, err)
	}
	return nil
}

// deviceLabel is how the member's device list names an OFX program.
func deviceLabel(userAgent string) string {
	if userAgent == "" {
		return "Direct Connect program"
	}
	return "Direct Connect: " + userAgent
}
