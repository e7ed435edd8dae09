package firm_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestNoSecretIsStoredInTheClear(t *testing.T) {
	t.Parallel()
	const (
		password = "Tr0ub4dor-and-3-horses"
		username = "dora-the-bank-user"
		answer   = "periwinkle-blue-2019"
		device   = "device-token-7c0ffee"
	)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		c, err := firm.CreateConnection(ctx, db, box, f.ID, firm.NewConnection{
			ClientID: newClient(t, db, f.ID, "Dora").ID, InstitutionID: newInstitution(t, db, "First Bank").ID,
			Credentials:   connector.Credentials{Username: username, Password: password},
			SharedAnswers: map[string]string{"Favorite color?": answer},
		}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := firm.SetDeviceState(ctx, db.Writer(), box, f.ID, c.ID, []byte(`{"device_token":"`+device+`"}`)); err != nil {
			t.Fatal(err)
		}
		raw := dump(t, db, "connection")
		for _, secret := range []string{password, username, answer, device} {
			if strings.Contains(strings.ToLower(raw), strings.ToLower(secret)) {
				t.Errorf("a secret (%d characters) is readable in the connection table", len(secret))
			}
		}
		if !strings.Contains(raw, "status=new") || !strings.Contains(raw, "credentials=") {
			t.Fatal("the dump does not show the connection row: the check above proves nothing")
		}
	})
}

func TestSealedValueOpensOnlyInItsPlace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		cl := newClient(t, db, f.ID, "Dora")
		in := newInstitution(t, db, "First Bank")
		one := newConnection(t, db, box, f.ID, cl.ID, in.ID, "one")
		two := newConnection(t, db, box, f.ID, cl.ID, in.ID, "two")
		w := db.Writer()
		for _, c := range []*firm.Connection{one, two} {
			if err := firm.SetDeviceState(ctx, w, box, f.ID, c.ID, []byte("device of "+fmt.Sprint(c.ID))); err != nil {
				t.Fatal(err)
			}
		}
		// Both still open where they were sealed.
		for _, c := range []*firm.Connection{one, two} {
			if _, err := firm.ConnectionSecrets(ctx, db.Reader(), box, f.ID, c.ID); err != nil {
				t.Fatalf("before any swap: %v", err)
			}
		}

		swaps := []struct {
			name string
			sql  string
		}{
			{"credentials between rows", `UPDATE connection SET credentials = (SELECT credentials FROM connection WHERE id = $2) WHERE id = $1`},
			{"shared answers between rows", `UPDATE connection SET shared_answers = (SELECT shared_answers FROM connection WHERE id = $2) WHERE id = $1`},
			{"device state between rows", `UPDATE connection SET device_state = (SELECT device_state FROM connection WHERE id = $2) WHERE id = $1`},
			{"device state into credentials", `UPDATE connection SET credentials = device_state WHERE id = $1 AND id <> $2`},
		}
		for _, s := range swaps {
			// Start each swap from freshly sealed values on row one.
			if err := firm.SetCredentials(ctx, w, box, f.ID, one.ID, connector.Credentials{Username: "u", Password: "p"}); err != nil {
				t.Fatal(err)
			}
			if err := firm.SetSharedAnswers(ctx, w, box, f.ID, one.ID, map[string]string{"q": "a"}); err != nil {
				t.Fatal(err)
			}
			if err := firm.SetDeviceState(ctx, w, box, f.ID, one.ID, []byte("d")); err != nil {
				t.Fatal(err)
			}
			if _, err := w.ExecContext(ctx, s.sql, one.ID, two.ID); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			_, err := firm.ConnectionSecrets(ctx, db.Reader(), box, f.ID, one.ID)
			if !errors.Is(err, secretbox.ErrDecrypt) {
				t.Errorf("%s: ConnectionSecrets = %v, want secretbox.ErrDecrypt", s.name, err)
			}
		}
		// The row the values came from still opens.
		if _, err := firm.ConnectionSecrets(ctx, db.Reader(), box, f.ID, two.ID); err != nil {
			t.Errorf("the source row no longer opens: %v", err)
		}
	})
}

func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	const password, answer, device = "pw-never-printed", "answer-never-printed", "device-never-printed"
	s := firm.Secrets{
		Credentials:   connector.Credentials{Username: "u", Password: password},
		SharedAnswers: map[string]string{"q": answer},
		Device:        []byte(device),
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("refresh", "secrets", s, "ptr", &s)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("refresh", "secrets", s)
	out := fmt.Sprintf("%v %+v %#v %s %v", s, s, s, s, &s) + logged.String()
	for _, secret := range []string{password, answer, device} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret of %d characters shows when Secrets is printed or logged", len(secret))
		}
	}
}

func TestEncryptedColumnsRotate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		c := newConnection(t, db, box, f.ID, newClient(t, db, f.ID, "Dora").ID, newInstitution(t, db, "First Bank").ID, "dora")
		if err := firm.SetDeviceState(ctx, db.Writer(), box, f.ID, c.ID, []byte("device")); err != nil {
			t.Fatal(err)
		}
		var reg secretbox.Registry
		if err := reg.Add(firm.EncryptedColumns()...); err != nil {
			t.Fatalf("register the columns: %v", err)
		}
		if _, err := box.Rotate(); err != nil {
			t.Fatal(err)
		}
		reports, err := box.Reencrypt(ctx, db, reg.Columns())
		if err != nil {
			t.Fatalf("Reencrypt: %v", err)
		}
		got := map[string]int{}
		for _, r := range reports {
			got[r.Column] = r.Reencrypted
		}
		for _, col := range []string{"connection.credentials", "connection.shared_answers", "connection.device_state"} {
			if got[col] != 1 {
				t.Errorf("%s: %d values re-encrypted, want 1 (reports %+v)", col, got[col], reports)
			}
		}
		// Every value is now under the new key alone, and still opens.
		if _, err := box.DropInactive(ctx, db.Reader(), reg.Columns()); err != nil {
			t.Fatalf("DropInactive: %v", err)
		}
		s, err := firm.ConnectionSecrets(ctx, db.Reader(), box, f.ID, c.ID)
		if err != nil || s.Credentials.Username != "user-dora" || string(s.Device) != "device" || len(s.SharedAnswers) != 1 {
			t.Errorf("after rotation the secrets do not open as before (err %v)", err)
		}
	})
}
