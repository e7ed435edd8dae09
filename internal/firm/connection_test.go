package firm_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestCreateConnection(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		cl := newClient(t, db, f.ID, "Dora")
		in := newInstitution(t, db, "First Bank")
		creds := connector.Credentials{Username: "dora", Password: "s3cret-Pa55word"}

		tests := []struct {
			name string
			n    firm.NewConnection
			want firm.Connection // ID, FirmID, CreatedAt, StatusAt filled in below
		}{
			{
				name: "defaults: daily, no answers",
				n:    firm.NewConnection{ClientID: cl.ID, InstitutionID: in.ID, Credentials: creds},
				want: firm.Connection{Schedule: firm.Daily, NextRefreshAt: t0.Add(24 * time.Hour)},
			},
			{
				name: "everything set",
				n: firm.NewConnection{ClientID: cl.ID, InstitutionID: in.ID, Label: " Business checking ", Credentials: creds,
					SharedAnswers: map[string]string{"First pet?": "Rex"}, Restricted: true, ContactPhone: "(201) 555-0177", Schedule: firm.Monthly},
				want: firm.Connection{Label: "Business checking", Restricted: true, ContactPhone: "+12015550177", Schedule: firm.Monthly,
					NextRefreshAt: t0.AddDate(0, 1, 0), HasSharedAnswers: true},
			},
			{
				name: "manual: never scheduled",
				n:    firm.NewConnection{ClientID: cl.ID, InstitutionID: in.ID, Credentials: creds, Schedule: firm.Manual},
				want: firm.Connection{Schedule: firm.Manual},
			},
		}
		for _, tt := range tests {
			c, err := firm.CreateConnection(ctx, db, box, f.ID, tt.n, t0)
			if err != nil {
				t.Fatalf("%s: CreateConnection: %v", tt.name, err)
			}
			want := tt.want
			want.ID, want.FirmID, want.ClientID, want.InstitutionID = c.ID, f.ID, cl.ID, in.ID
			want.Status, want.StatusAt, want.CreatedAt = firm.StatusNew, t0, t0
			if *c != want {
				t.Errorf("%s: created\n%+v, want\n%+v", tt.name, *c, want)
			}
			if got, err := firm.GetConnection(ctx, db.Reader(), f.ID, c.ID); err != nil || *got != want {
				t.Errorf("%s: GetConnection = %+v, %v", tt.name, got, err)
			}
			s, err := firm.ConnectionSecrets(ctx, db.Reader(), box, f.ID, c.ID)
			if err != nil {
				t.Fatalf("%s: ConnectionSecrets: %v", tt.name, err)
			}
			if s.Credentials != creds || len(s.SharedAnswers) != len(tt.n.SharedAnswers) || s.SharedAnswers["First pet?"] != tt.n.SharedAnswers["First pet?"] || s.Device != nil {
				t.Errorf("%s: the secrets did not come back as given", tt.name) // never print them
			}
		}
	})
}

func TestCreateConnectionRefusals(t *testing.T) {
	t.Parallel()
	const password, answer = "Hunter2-do-not-echo", "answer-do-not-echo"
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		other := newFirm(t, db, "Other Books")
		cl := newClient(t, db, f.ID, "Dora")
		othersClient := newClient(t, db, other.ID, "Olga")
		in := newInstitution(t, db, "First Bank")
		good := func(change func(*firm.NewConnection)) firm.NewConnection {
			n := firm.NewConnection{ClientID: cl.ID, InstitutionID: in.ID, Credentials: connector.Credentials{Username: "dora", Password: password},
				SharedAnswers: map[string]string{"Mother's maiden name?": answer}}
			change(&n)
			return n
		}
		tests := []struct {
			name   string
			n      firm.NewConnection
			fields []string
			want   error
		}{
			{name: "no username", n: good(func(n *firm.NewConnection) { n.Credentials.Username = "  " }), fields: []string{"username"}},
			{name: "no password", n: good(func(n *firm.NewConnection) { n.Credentials.Password = "" }), fields: []string{"password"}},
			{name: "bad contact phone", n: good(func(n *firm.NewConnection) { n.ContactPhone = "call me" }), fields: []string{"contact_phone"}},
			{name: "unknown schedule", n: good(func(n *firm.NewConnection) { n.Schedule = "hourly" }), fields: []string{"schedule"}},
			{name: "label too long", n: good(func(n *firm.NewConnection) { n.Label = strings.Repeat("x", firm.MaxNameLength+1) }), fields: []string{"label"}},
			{name: "question without answer", n: good(func(n *firm.NewConnection) { n.SharedAnswers["First car?"] = " " }), fields: []string{"shared_answers"}},
			{name: "several at once", n: good(func(n *firm.NewConnection) { n.Credentials = connector.Credentials{}; n.Schedule = "x" }),
				fields: []string{"schedule", "username", "password"}},
			{name: "another firm's client", n: good(func(n *firm.NewConnection) { n.ClientID = othersClient.ID }), want: store.ErrNotFound},
			{name: "missing client", n: good(func(n *firm.NewConnection) { n.ClientID = othersClient.ID + 100 }), want: store.ErrNotFound},
			{name: "missing institution", n: good(func(n *firm.NewConnection) { n.InstitutionID = in.ID + 100 }), want: store.ErrNotFound},
		}
		for _, tt := range tests {
			_, err := firm.CreateConnection(ctx, db, box, f.ID, tt.n, t0)
			if tt.fields != nil && !slices.Equal(fieldErrors(err), tt.fields) {
				t.Errorf("%s: CreateConnection = %v, want refusals of %v", tt.name, err, tt.fields)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("%s: CreateConnection = %v, want %v", tt.name, err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), password) || strings.Contains(err.Error(), answer)) {
				t.Errorf("%s: the error repeats a secret", tt.name)
			}
		}
		var n int
		if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM connection`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused connections left %d rows (%v)", n, err)
		}
	})
}

func TestConnectionSecretsRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, r := db.Writer(), db.Reader()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		c := newConnection(t, db, box, f.ID, newClient(t, db, f.ID, "Dora").ID, newInstitution(t, db, "First Bank").ID, "dora")

		newCreds := connector.Credentials{Username: "dora2", Password: "n3w-password"}
		if err := firm.SetCredentials(ctx, w, box, f.ID, c.ID, newCreds); err != nil {
			t.Fatal(err)
		}
		if err := firm.SetCredentials(ctx, w, box, f.ID, c.ID, connector.Credentials{Username: "dora3"}); !slices.Equal(fieldErrors(err), []string{"password"}) {
			t.Errorf("SetCredentials without a password: %v", err)
		}
		answers := map[string]string{"First pet?": "Rex", "City of birth?": "Lyon"}
		if err := firm.SetSharedAnswers(ctx, w, box, f.ID, c.ID, answers); err != nil {
			t.Fatal(err)
		}
		device := []byte(`{"v":1,"device_token":"dt-123"}`)
		if err := firm.SetDeviceState(ctx, w, box, f.ID, c.ID, device); err != nil {
			t.Fatal(err)
		}
		s, err := firm.ConnectionSecrets(ctx, r, box, f.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Credentials != newCreds || !mapsEqual(s.SharedAnswers, answers) || string(s.Device) != string(device) {
			t.Error("the secrets read back differ from the ones set")
		}
		if got, _ := firm.GetConnection(ctx, r, f.ID, c.ID); !got.HasSharedAnswers {
			t.Error("HasSharedAnswers is false with answers stored")
		}

		// Clearing.
		if err := firm.SetSharedAnswers(ctx, w, box, f.ID, c.ID, map[string]string{}); err != nil {
			t.Fatal(err)
		}
		if err := firm.SetDeviceState(ctx, w, box, f.ID, c.ID, nil); err != nil {
			t.Fatal(err)
		}
		s, err = firm.ConnectionSecrets(ctx, r, box, f.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.SharedAnswers != nil || s.Device != nil || s.Credentials != newCreds {
			t.Error("cleared answers or device state came back, or the credentials changed")
		}
		var answersNull, deviceNull bool
		if err := r.QueryRowContext(ctx, `SELECT shared_answers IS NULL, device_state IS NULL FROM connection WHERE id = $1`, c.ID).Scan(&answersNull, &deviceNull); err != nil {
			t.Fatal(err)
		}
		if !answersNull || !deviceNull {
			t.Errorf("cleared columns are not NULL: answers %v, device %v", answersNull, deviceNull)
		}
		if got, _ := firm.GetConnection(ctx, r, f.ID, c.ID); got.HasSharedAnswers {
			t.Error("HasSharedAnswers is true after clearing them")
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func TestUpdateConnection(t *testing.T) {
	t.Parallel()
	later := t0.Add(5 * time.Hour)
	tests := []struct {
		name     string
		settings firm.ConnectionSettings
		wantNext time.Time
		fields   []string
	}{
		{name: "same schedule keeps the next refresh", settings: firm.ConnectionSettings{Label: "Renamed", Schedule: firm.Daily}, wantNext: t0.Add(24 * time.Hour)},
		{name: "empty schedule means daily", settings: firm.ConnectionSettings{Label: "Renamed"}, wantNext: t0.Add(24 * time.Hour)},
		{name: "weekly from now", settings: firm.ConnectionSettings{Schedule: firm.Weekly, Restricted: true, ContactPhone: "201 555 0101"}, wantNext: later.AddDate(0, 0, 7)},
		{name: "manual: no next refresh", settings: firm.ConnectionSettings{Schedule: firm.Manual}},
		{name: "bad phone", settings: firm.ConnectionSettings{ContactPhone: "0", Schedule: firm.Manual}, fields: []string{"contact_phone"}, wantNext: t0.Add(24 * time.Hour)},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		cl := newClient(t, db, f.ID, "Dora")
		in := newInstitution(t, db, "First Bank")
		for _, tt := range tests {
			c := newConnection(t, db, box, f.ID, cl.ID, in.ID, "dora")
			got, err := firm.UpdateConnection(ctx, db.Writer(), f.ID, c.ID, tt.settings, later)
			if tt.fields != nil {
				if !slices.Equal(fieldErrors(err), tt.fields) {
					t.Errorf("%s: UpdateConnection = %v, want refusals of %v", tt.name, err, tt.fields)
				}
				got, _ = firm.GetConnection(ctx, db.Reader(), f.ID, c.ID)
				if *got != *c {
					t.Errorf("%s: a refused update changed the connection to %+v", tt.name, *got)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: UpdateConnection: %v", tt.name, err)
			}
			want := *c
			want.Label, want.Restricted, want.NextRefreshAt = tt.settings.Label, tt.settings.Restricted, tt.wantNext
			want.Schedule = tt.settings.Schedule
			if want.Schedule == "" {
				want.Schedule = firm.Daily
			}
			if tt.settings.ContactPhone != "" {
				want.ContactPhone = "+12015550101"
			}
			stored, _ := firm.GetConnection(ctx, db.Reader(), f.ID, c.ID)
			if *got != want || *stored != want {
				t.Errorf("%s: returned\n%+v\nstored\n%+v\nwant\n%+v", tt.name, *got, *stored, want)
			}
		}
	})
}

func TestSetStatusAndNextRefresh(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, r := db.Writer(), db.Reader()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		c := newConnection(t, db, box, f.ID, newClient(t, db, f.ID, "Dora").ID, newInstitution(t, db, "First Bank").ID, "dora")

		t1, t2 := t0.Add(time.Hour), t0.Add(2*time.Hour)
		steps := []struct {
			status      firm.Status
			detail      string
			at          time.Time
			success     bool
			wantSuccess time.Time
		}{
			{firm.StatusOK, "", t1, true, t1},
			{firm.StatusActionRequired, "unattended refresh met a code challenge", t2, false, t1}, // the last success stays
		}
		for _, s := range steps {
			if err := firm.SetStatus(ctx, w, f.ID, c.ID, s.status, s.detail, s.at, s.success); err != nil {
				t.Fatal(err)
			}
			got, _ := firm.GetConnection(ctx, r, f.ID, c.ID)
			if got.Status != s.status || got.StatusDetail != s.detail || !got.StatusAt.Equal(s.at) || !got.LastSuccessAt.Equal(s.wantSuccess) {
				t.Errorf("after SetStatus(%s): %+v", s.status, *got)
			}
		}
		if err := firm.SetStatus(ctx, w, f.ID, c.ID, "fine", "", t2, true); !slices.Equal(fieldErrors(err), []string{"status"}) {
			t.Errorf("SetStatus with an unknown status: %v", err)
		}
		long := strings.Repeat("é", firm.MaxStatusDetailLength+10)
		if err := firm.SetStatus(ctx, w, f.ID, c.ID, firm.StatusInstitutionDown, long, t2, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := firm.GetConnection(ctx, r, f.ID, c.ID); len([]rune(got.StatusDetail)) != firm.MaxStatusDetailLength {
			t.Errorf("a long detail is stored with %d characters, want %d", len([]rune(got.StatusDetail)), firm.MaxStatusDetailLength)
		}

		at := t0.Add(36 * time.Hour)
		if err := firm.SetNextRefresh(ctx, w, f.ID, c.ID, at); err != nil {
			t.Fatal(err)
		}
		if got, _ := firm.GetConnection(ctx, r, f.ID, c.ID); !got.NextRefreshAt.Equal(at) {
			t.Errorf("NextRefreshAt = %s, want %s", got.NextRefreshAt, at)
		}
		if err := firm.SetNextRefresh(ctx, w, f.ID, c.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := firm.GetConnection(ctx, r, f.ID, c.ID); !got.NextRefreshAt.IsZero() {
			t.Errorf("NextRefreshAt = %s after clearing it", got.NextRefreshAt)
		}
	})
}

func TestListConnections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := newBox(t)
		f := newFirm(t, db, "Acme Books")
		dora, eve := newClient(t, db, f.ID, "Dora"), newClient(t, db, f.ID, "Eve")
		in := newInstitution(t, db, "First Bank")
		d1 := newConnection(t, db, box, f.ID, dora.ID, in.ID, "d1")
		e1 := newConnection(t, db, box, f.ID, eve.ID, in.ID, "e1")
		d2 := newConnection(t, db, box, f.ID, dora.ID, in.ID, "d2")
		if err := firm.SetStatus(ctx, db.Writer(), f.ID, d2.ID, firm.StatusLocked, "", t0, false); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			filter firm.ConnectionFilter
			want   []int64
		}{
			{firm.ConnectionFilter{}, []int64{d1.ID, e1.ID, d2.ID}},
			{firm.ConnectionFilter{ClientID: dora.ID}, []int64{d1.ID, d2.ID}},
			{firm.ConnectionFilter{Status: firm.StatusNew}, []int64{d1.ID, e1.ID}},
			{firm.ConnectionFilter{ClientID: dora.ID, Status: firm.StatusLocked}, []int64{d2.ID}},
			{firm.ConnectionFilter{ClientID: eve.ID, Status: firm.StatusLocked}, nil},
		}
		for _, tt := range tests {
			got, err := firm.ListConnections(ctx, db.Reader(), f.ID, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range got {
				ids = append(ids, c.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("ListConnections(%+v) = %v, want %v", tt.filter, ids, tt.want)
			}
		}
		if _, err := firm.ListConnections(ctx, db.Reader(), f.ID, firm.ConnectionFilter{Status: "broken"}); !slices.Equal(fieldErrors(err), []string{"status"}) {
			t.Errorf("an unknown status filter: %v", err)
		}

		if err := firm.DeleteConnection(ctx, db.Writer(), f.ID, e1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := firm.GetConnection(ctx, db.Reader(), f.ID, e1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetConnection after delete: %v", err)
		}
		if err := firm.DeleteConnection(ctx, db.Writer(), f.ID, e1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteConnection: %v", err)
		}
	})
}

func TestDueConnections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := db.Writer()
		box := newBox(t)
		in := newInstitution(t, db, "First Bank")
		a, b := newFirm(t, db, "A"), newFirm(t, db, "B")
		ca, cb := newClient(t, db, a.ID, "Ann"), newClient(t, db, b.ID, "Ben")

		now := t0.Add(48 * time.Hour)
		conns := []struct {
			firmID, clientID int64
			next             time.Time // zero: manual
			status           firm.Status
			due              bool
		}{
			{a.ID, ca.ID, now.Add(-time.Hour), firm.StatusOK, true},
			{b.ID, cb.ID, now.Add(-3 * time.Hour), firm.StatusActionRequired, true},
			{a.ID, ca.ID, now, firm.StatusInstitutionDown, true}, // exactly now is due
			{b.ID, cb.ID, now.Add(time.Microsecond), firm.StatusOK, false},
			{a.ID, ca.ID, time.Time{}, firm.StatusOK, false},
			{b.ID, cb.ID, now.Add(-2 * time.Hour), firm.StatusInvalidCredentials, false},
			{a.ID, ca.ID, now.Add(-2 * time.Hour), firm.StatusLocked, false},
			{b.ID, cb.ID, now.Add(-2 * time.Hour), firm.StatusChallengePending, false},
			{a.ID, ca.ID, now.Add(-2 * time.Hour), firm.StatusCanceled, true},
		}
		ids := make([]int64, len(conns))
		for i, c := range conns {
			conn := newConnection(t, db, box, c.firmID, c.clientID, in.ID, "c")
			ids[i] = conn.ID
			if err := firm.SetNextRefresh(ctx, w, c.firmID, conn.ID, c.next); err != nil {
				t.Fatal(err)
			}
			if err := firm.SetStatus(ctx, w, c.firmID, conn.ID, c.status, "", t0, false); err != nil {
				t.Fatal(err)
			}
		}
		// Oldest first; equal times by id.
		want := []int64{ids[1], ids[8], ids[0], ids[2]}
		got, err := firm.DueConnections(ctx, db.Reader(), now, 10)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []int64
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
			if c.FirmID != a.ID && c.FirmID != b.ID {
				t.Errorf("due connection %d has firm %d", c.ID, c.FirmID)
			}
		}
		if !slices.Equal(gotIDs, want) {
			t.Errorf("DueConnections = %v, want %v", gotIDs, want)
		}
		if got, _ := firm.DueConnections(ctx, db.Reader(), now, 2); len(got) != 2 || got[0].ID != want[0] || got[1].ID != want[1] {
			t.Errorf("DueConnections limited to 2 = %+v", got)
		}
		if got, _ := firm.DueConnections(ctx, db.Reader(), t0, 10); len(got) != 0 {
			t.Errorf("%d connections due before any is", len(got))
		}
	})
}
