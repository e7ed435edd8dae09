package device_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestMachineClients(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := newAccount(t, db, "alice"), newAccount(t, db, "bob")
		const uid = "5F2B6B0C-8E0A-4D9B-9C55-2C1D1F0E7A11"

		if _, err := device.RecogniseClient(ctx, db.Reader(), alice, device.KindOFX, uid); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a CLIENTUID never seen: %v, want ErrNotFound", err)
		}
		d, err := device.RememberClient(ctx, db.Writer(), alice, device.KindOFX, uid, "OFX client QWIN 2700", "192.0.2.1", t0)
		if err != nil || d.Registered || d.Label != "OFX client QWIN 2700" {
			t.Fatalf("first sight = %+v, %v; want a new unregistered record", d, err)
		}
		again, err := device.RememberClient(ctx, db.Writer(), alice, device.KindOFX, uid, "OFX client QWIN 2700", "192.0.2.9", t0.Add(time.Hour))
		if err != nil || again.ID != d.ID || again.LastIP != "192.0.2.9" {
			t.Fatalf("second sight = %+v, %v; want the same record, last seen again", again, err)
		}
		// The same value is another device under another kind or account.
		if _, err := device.RecogniseClient(ctx, db.Reader(), alice, device.KindAPI, uid); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the CLIENTUID as an API token: %v, want ErrNotFound", err)
		}
		if _, err := device.RecogniseClient(ctx, db.Reader(), bob, device.KindOFX, uid); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("alice's CLIENTUID for bob: %v, want ErrNotFound", err)
		}

		if err := device.Register(ctx, db.Writer(), alice, d.ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := device.RecogniseClient(ctx, db.Reader(), alice, device.KindOFX, uid)
		if err != nil || !got.Registered {
			t.Fatalf("after approval = %+v, %v; want registered", got, err)
		}
		if err := device.Revoke(ctx, db.Writer(), alice, d.ID, t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := device.RecogniseClient(ctx, db.Reader(), alice, device.KindOFX, uid); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a revoked CLIENTUID: %v, want ErrNotFound", err)
		}
		if _, err := device.RememberClient(ctx, db.Writer(), alice, device.KindOFX, uid, "x", "192.0.2.1", t0.Add(4*time.Hour)); !errors.Is(err, device.ErrRevoked) {
			t.Fatalf("remembering a revoked CLIENTUID: %v, want ErrRevoked", err)
		}

		tok := device.NewToken()
		if len(tok) != 43 || tok == device.NewToken() {
			t.Fatalf("NewToken = %q: want 43 characters of fresh randomness", tok)
		}
		if _, err := device.RememberClient(ctx, db.Writer(), alice, device.KindAPI, "", "x", "192.0.2.1", t0); err == nil {
			t.Fatal("an empty identifier was remembered")
		}
	})
}
