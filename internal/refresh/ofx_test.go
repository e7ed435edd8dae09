package refresh_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Over OFX Direct Connect a new connection must be approved by the member
// at the bank. A relayed approval that nobody completes in time keeps the
// CLIENTUID the bank now knows, so the member approves one program, once;
// the approved program is a registered computer, and the refresh lands.
func TestOFXApproval(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		conn := w.connectTo(w.ofx, "carol", nil)
		device1 := func() []byte {
			s, err := firm.ConnectionSecrets(ctx, db.Reader(), w.ls.Box, w.firm.ID, conn.ID)
			if err != nil {
				t.Fatal(err)
			}
			return s.Device
		}

		first := w.start(conn, refresh.TriggerWeb)
		approve := w.challenge(first, 0)
		if approve.Type != connector.Approve {
			t.Fatalf("a new OFX connection is asked %s (%q), want approve", approve.Type, approve.Prompt)
		}
		kept := device1()
		if kept == nil {
			t.Fatal("the CLIENTUID the bank was shown is not kept")
		}
		if err := w.ls.Refresh.Cancel(ctx, w.firm.ID, approve.ID); err != nil {
			t.Fatal(err)
		}

		second := w.start(conn, refresh.TriggerWeb)
		again := w.challenge(second, 0)
		if again.Type != connector.Approve || !bytes.Equal(device1(), kept) {
			t.Fatalf("the second refresh: %s, same device state %v", again.Type, bytes.Equal(device1(), kept))
		}
		carol := w.bank.Member(t, "carol")
		devs, err := device.List(ctx, w.bank.DB.Reader(), carol.SecurityAccountID)
		if err != nil {
			t.Fatal(err)
		}
		var programs []*device.Device
		for _, d := range devs {
			if strings.HasPrefix(d.Label, "Direct Connect") {
				programs = append(programs, d)
			}
		}
		if len(programs) != 1 {
			t.Fatalf("carol has %d Direct Connect programs to approve, want 1", len(programs))
		}
		if err := device.Register(ctx, w.bank.DB.Writer(), programs[0].AccountID, programs[0].ID, w.bank.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		w.answer(again, connector.Answer{}, false)

		if done := w.done(second); done.Outcome != firm.StatusOK || done.TransactionsNew == 0 {
			t.Fatalf("carol's OFX refresh ended %s with %d transactions (%s)", done.Outcome, done.TransactionsNew, done.Detail)
		}
	})
}
