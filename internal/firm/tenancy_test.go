package firm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// TestTenancyMatrix calls every function that takes a firm id with firm
// A's id on firm B's records: each must answer store.ErrNotFound, or list
// nothing of B's, and leave every row as it was.
func TestTenancyMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, r := db.Writer(), db.Reader()
		box := newBox(t)
		in := newInstitution(t, db, "First Bank")
		a, b := newFirm(t, db, "Firm A"), newFirm(t, db, "Firm B")
		clientA, clientB := newClient(t, db, a.ID, "Ann"), newClient(t, db, b.ID, "Ben")
		connA := newConnection(t, db, box, a.ID, clientA.ID, in.ID, "a")
		connB := newConnection(t, db, box, b.ID, clientB.ID, in.ID, "b")
		staffA, staffB := newAccount(t, db, firm.StaffRealm, "ann@a.example"), newAccount(t, db, firm.StaffRealm, "ben@b.example")
		for _, s := range []struct{ firmID, accountID int64 }{{a.ID, staffA}, {b.ID, staffB}} {
			if err := firm.AddStaff(ctx, w, s.firmID, s.accountID, "", firm.Owner, t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := firm.SetDeviceState(ctx, w, box, b.ID, connB.ID, []byte("b's device")); err != nil {
			t.Fatal(err)
		}
		later := t0.Add(time.Hour)

		snapshot := func() string {
			var s string
			for _, table := range []string{"firm", "firm_staff", "firm_client", "connection"} {
				s += table + ":\n" + dump(t, db, table)
			}
			return s
		}
		before := snapshot()

		cross := []struct {
			name string
			call func() error
		}{
			{"GetClient", func() error { _, err := firm.GetClient(ctx, r, a.ID, clientB.ID); return err }},
			{"UpdateClient", func() error {
				_, err := firm.UpdateClient(ctx, w, a.ID, clientB.ID, firm.ClientDetails{Name: "Hijacked"})
				return err
			}},
			{"DeleteClient", func() error { return firm.DeleteClient(ctx, w, a.ID, clientB.ID) }},
			{"MemberOf", func() error { _, err := firm.MemberOf(ctx, r, a.ID, staffB); return err }},
			{"CreateConnection", func() error {
				_, err := firm.CreateConnection(ctx, db, box, a.ID, firm.NewConnection{ClientID: clientB.ID, InstitutionID: in.ID,
					Credentials: connector.Credentials{Username: "x", Password: "y"}}, t0)
				return err
			}},
			{"GetConnection", func() error { _, err := firm.GetConnection(ctx, r, a.ID, connB.ID); return err }},
			{"UpdateConnection", func() error {
				_, err := firm.UpdateConnection(ctx, w, a.ID, connB.ID, firm.ConnectionSettings{Label: "Hijacked", Schedule: firm.Manual}, later)
				return err
			}},
			{"DeleteConnection", func() error { return firm.DeleteConnection(ctx, w, a.ID, connB.ID) }},
			{"ConnectionSecrets", func() error { _, err := firm.ConnectionSecrets(ctx, r, box, a.ID, connB.ID); return err }},
			{"SetCredentials", func() error {
				return firm.SetCredentials(ctx, w, box, a.ID, connB.ID, connector.Credentials{Username: "x", Password: "y"})
			}},
			{"SetSharedAnswers", func() error {
				return firm.SetSharedAnswers(ctx, w, box, a.ID, connB.ID, map[string]string{"q": "a"})
			}},
			{"SetSharedAnswers clearing", func() error { return firm.SetSharedAnswers(ctx, w, box, a.ID, connB.ID, nil) }},
			{"SetDeviceState", func() error { return firm.SetDeviceState(ctx, w, box, a.ID, connB.ID, []byte("x")) }},
			{"SetDeviceState clearing", func() error { return firm.SetDeviceState(ctx, w, box, a.ID, connB.ID, nil) }},
			{"SetStatus", func() error { return firm.SetStatus(ctx, w, a.ID, connB.ID, firm.StatusOK, "", later, true) }},
			{"SetNextRefresh", func() error { return firm.SetNextRefresh(ctx, w, a.ID, connB.ID, later) }},
			{"SetNextRefresh clearing", func() error { return firm.SetNextRefresh(ctx, w, a.ID, connB.ID, time.Time{}) }},
		}
		for _, c := range cross {
			if err := c.call(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s with firm A's id on firm B's record: %v, want store.ErrNotFound", c.name, err)
			}
			if after := snapshot(); after != before {
				t.Fatalf("%s with firm A's id changed rows:\nbefore\n%s\nafter\n%s", c.name, before, after)
			}
		}

		lists := []struct {
			name string
			ids  func() ([]int64, error)
			want []int64
		}{
			{"ListClients", func() ([]int64, error) {
				cs, err := firm.ListClients(ctx, r, a.ID)
				var ids []int64
				for _, c := range cs {
					ids = append(ids, c.ID)
				}
				return ids, err
			}, []int64{clientA.ID}},
			{"ListStaff", func() ([]int64, error) {
				ms, err := firm.ListStaff(ctx, r, a.ID)
				var ids []int64
				for _, m := range ms {
					ids = append(ids, m.AccountID)
				}
				return ids, err
			}, []int64{staffA}},
			{"ListConnections", func() ([]int64, error) { return connIDs(firm.ListConnections(ctx, r, a.ID, firm.ConnectionFilter{})) }, []int64{connA.ID}},
			{"ListConnections of B's client", func() ([]int64, error) {
				return connIDs(firm.ListConnections(ctx, r, a.ID, firm.ConnectionFilter{ClientID: clientB.ID}))
			}, nil},
		}
		for _, l := range lists {
			ids, err := l.ids()
			if err != nil {
				t.Fatalf("%s: %v", l.name, err)
			}
			if len(ids) != len(l.want) || (len(ids) > 0 && ids[0] != l.want[0]) {
				t.Errorf("%s for firm A = %v, want %v", l.name, ids, l.want)
			}
		}

		// The same calls with B's own id do reach B's records: the refusals
		// above come from the firm filter, not from broken calls.
		if _, err := firm.GetConnection(ctx, r, b.ID, connB.ID); err != nil {
			t.Errorf("GetConnection with B's own id: %v", err)
		}
		if _, err := firm.ConnectionSecrets(ctx, r, box, b.ID, connB.ID); err != nil {
			t.Errorf("ConnectionSecrets with B's own id: %v", err)
		}
		if err := firm.DeleteClient(ctx, w, b.ID, clientB.ID); err != nil {
			t.Errorf("DeleteClient with B's own id: %v", err)
		}
	})
}

func connIDs(cs []firm.Connection, err error) ([]int64, error) {
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids, err
}
