package firm_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestCreateFirm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, firmName, phone string
		wantName, wantPhone   string
		wantFields            []string
	}{
		{name: "name and phone", firmName: "  Acme Books ", phone: "(201) 555-0123", wantName: "Acme Books", wantPhone: "+12015550123"},
		{name: "no phone", firmName: "Acme Books", wantName: "Acme Books"},
		{name: "international phone", firmName: "Acme UK", phone: "+44 20 7946 0958", wantName: "Acme UK", wantPhone: "+442079460958"},
		{name: "blank name", firmName: "   ", wantFields: []string{"name"}},
		{name: "name too long", firmName: strings.Repeat("a", firm.MaxNameLength+1), wantFields: []string{"name"}},
		{name: "control character", firmName: "Acme\x00", wantFields: []string{"name"}},
		{name: "bad phone", firmName: "Acme", phone: "12", wantFields: []string{"phone"}},
		{name: "premium phone", firmName: "Acme", phone: "+1 900 555 0123", wantFields: []string{"phone"}},
		{name: "everything wrong", firmName: "", phone: "not a number", wantFields: []string{"name", "phone"}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f, err := firm.Create(ctx, db.Writer(), tt.firmName, tt.phone, t0)
				if tt.wantFields != nil {
					if got := fieldErrors(err); !slices.Equal(got, tt.wantFields) {
						t.Fatalf("Create refused fields %v (err %v), want %v", got, err, tt.wantFields)
					}
					return
				}
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				got, err := firm.Get(ctx, db.Reader(), f.ID)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				want := firm.Firm{ID: f.ID, Name: tt.wantName, Phone: tt.wantPhone, CreatedAt: t0}
				if *got != want || *f != want {
					t.Errorf("stored %+v, returned %+v, want %+v", *got, *f, want)
				}
			})
		}
	})
}

func TestGetAndUpdateFirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFirm(t, db, "Acme Books")
		other := newFirm(t, db, "Other Books")

		if _, err := firm.Get(ctx, db.Reader(), other.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get of a missing firm: %v, want ErrNotFound", err)
		}
		u, err := firm.Update(ctx, db.Writer(), f.ID, " Acme & Co ", "201-555-0199")
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if u.Name != "Acme & Co" || u.Phone != "+12015550199" || !u.CreatedAt.Equal(t0) {
			t.Errorf("Update returned %+v", *u)
		}
		if _, err := firm.Update(ctx, db.Writer(), f.ID, "", "x"); !slices.Equal(fieldErrors(err), []string{"name", "phone"}) {
			t.Errorf("Update with a blank name and a bad phone: %v", err)
		}
		if _, err := firm.Update(ctx, db.Writer(), other.ID+100, "Ghost", ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Update of a missing firm: %v, want ErrNotFound", err)
		}
		got, _ := firm.Get(ctx, db.Reader(), f.ID)
		if got.Name != "Acme & Co" || got.Phone != "+12015550199" {
			t.Errorf("after the refused updates the firm is %+v", *got)
		}
		if o, _ := firm.Get(ctx, db.Reader(), other.ID); o.Name != "Other Books" {
			t.Errorf("the other firm became %+v", *o)
		}
		// Removing the phone.
		if u, err := firm.Update(ctx, db.Writer(), f.ID, "Acme & Co", ""); err != nil || u.Phone != "" {
			t.Errorf("Update removing the phone: %+v, %v", u, err)
		}
	})
}

func TestStaff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := db.Writer()
		zeta := newFirm(t, db, "Zeta Accounting")
		acme := newFirm(t, db, "acme books") // sorts first whatever the case
		ann := newAccount(t, db, firm.StaffRealm, "ann@acme.example")
		bob := newAccount(t, db, firm.StaffRealm, "bob@acme.example")
		member := newAccount(t, db, "institution", "mallory")

		adds := []struct {
			firmID, accountID int64
			name              string
			role              firm.Role
		}{
			{zeta.ID, ann, "Ann Zed", firm.Owner},
			{acme.ID, ann, " Ann A. ", firm.Staff},
			{acme.ID, bob, "Bob", firm.Owner},
		}
		for _, a := range adds {
			if err := firm.AddStaff(ctx, w, a.firmID, a.accountID, a.name, a.role, t0); err != nil {
				t.Fatalf("AddStaff(%d, %d): %v", a.firmID, a.accountID, err)
			}
		}

		refusals := []struct {
			name              string
			firmID, accountID int64
			role              firm.Role
			want              error
			wantField         string
		}{
			{name: "already a member", firmID: acme.ID, accountID: bob, role: firm.Staff, want: store.ErrConflict},
			{name: "account of another realm", firmID: acme.ID, accountID: member, role: firm.Staff, want: store.ErrNotFound},
			{name: "missing account", firmID: acme.ID, accountID: member + 100, role: firm.Staff, want: store.ErrNotFound},
			{name: "missing firm", firmID: zeta.ID + 100, accountID: bob, role: firm.Staff, want: store.ErrNotFound},
			{name: "unknown role", firmID: zeta.ID, accountID: bob, role: "admin", wantField: "role"},
		}
		for _, r := range refusals {
			err := firm.AddStaff(ctx, w, r.firmID, r.accountID, "X", r.role, t0)
			switch {
			case r.wantField != "":
				if !slices.Equal(fieldErrors(err), []string{r.wantField}) {
					t.Errorf("%s: AddStaff = %v, want a refusal of %s", r.name, err, r.wantField)
				}
			case !errors.Is(err, r.want):
				t.Errorf("%s: AddStaff = %v, want %v", r.name, err, r.want)
			}
		}

		ms, err := firm.MembershipsOf(ctx, db.Reader(), ann)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.Firm.Name+"/"+string(m.Role)+"/"+m.Name)
		}
		if want := []string{"acme books/staff/Ann A.", "Zeta Accounting/owner/Ann Zed"}; !slices.Equal(got, want) {
			t.Errorf("MembershipsOf(ann) = %v, want %v", got, want)
		}
		if ms, _ := firm.MembershipsOf(ctx, db.Reader(), member); len(ms) != 0 {
			t.Errorf("an institution member belongs to %d firms", len(ms))
		}

		m, err := firm.MemberOf(ctx, db.Reader(), acme.ID, bob)
		if err != nil || m.Role != firm.Owner || m.Firm.ID != acme.ID || m.Firm.Name != "acme books" || m.Name != "Bob" {
			t.Errorf("MemberOf(acme, bob) = %+v, %v", m, err)
		}
		if _, err := firm.MemberOf(ctx, db.Reader(), zeta.ID, bob); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MemberOf(zeta, bob) = %v, want ErrNotFound", err)
		}

		staff, err := firm.ListStaff(ctx, db.Reader(), acme.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []firm.Member{
			{AccountID: ann, Email: "ann@acme.example", Name: "Ann A.", Role: firm.Staff, CreatedAt: t0},
			{AccountID: bob, Email: "bob@acme.example", Name: "Bob", Role: firm.Owner, CreatedAt: t0},
		}
		if !slices.Equal(staff, want) {
			t.Errorf("ListStaff(acme) = %+v, want %+v", staff, want)
		}
	})
}

func TestClients(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := db.Writer()
		f := newFirm(t, db, "Acme Books")

		bad := []struct {
			name   string
			d      firm.ClientDetails
			fields []string
		}{
			{"blank name", firm.ClientDetails{Name: " "}, []string{"name"}},
			{"display name in email", firm.ClientDetails{Name: "Dora", Email: "Dora <dora@example.com>"}, []string{"email"}},
			{"not an email", firm.ClientDetails{Name: "Dora", Email: "dora"}, []string{"email"}},
			{"bad phone", firm.ClientDetails{Name: "Dora", Phone: "555"}, []string{"phone"}},
			{"all wrong", firm.ClientDetails{Email: "@", Phone: "x"}, []string{"name", "email", "phone"}},
		}
		for _, b := range bad {
			if _, err := firm.CreateClient(ctx, w, f.ID, b.d, t0); !slices.Equal(fieldErrors(err), b.fields) {
				t.Errorf("%s: CreateClient = %v, want refusals of %v", b.name, err, b.fields)
			}
		}
		if _, err := firm.CreateClient(ctx, w, f.ID+100, firm.ClientDetails{Name: "Ghost"}, t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CreateClient for a missing firm: %v, want ErrNotFound", err)
		}
		if cs, _ := firm.ListClients(ctx, db.Reader(), f.ID); len(cs) != 0 {
			t.Fatalf("refused clients were stored: %+v", cs)
		}

		zed, err := firm.CreateClient(ctx, w, f.ID, firm.ClientDetails{Name: " Zed LLC ", Email: " zed@example.com", Phone: "(201) 555-0150"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		want := firm.Client{ID: zed.ID, FirmID: f.ID, Name: "Zed LLC", Email: "zed@example.com", Phone: "+12015550150", CreatedAt: t0}
		if got, err := firm.GetClient(ctx, db.Reader(), f.ID, zed.ID); err != nil || *got != want || *zed != want {
			t.Errorf("GetClient = %+v, %v; created %+v; want %+v", got, err, zed, want)
		}
		amy := newClient(t, db, f.ID, "amy")
		list, err := firm.ListClients(ctx, db.Reader(), f.ID)
		if err != nil || len(list) != 2 || list[0].ID != amy.ID || list[1].ID != zed.ID {
			t.Errorf("ListClients = %+v, %v, want amy then Zed LLC", list, err)
		}

		u, err := firm.UpdateClient(ctx, w, f.ID, zed.ID, firm.ClientDetails{Name: "Zed Inc"})
		if err != nil || u.Name != "Zed Inc" || u.Email != "" || u.Phone != "" || !u.CreatedAt.Equal(t0) {
			t.Errorf("UpdateClient = %+v, %v", u, err)
		}
		if _, err := firm.UpdateClient(ctx, w, f.ID, zed.ID, firm.ClientDetails{Name: "Zed", Email: "nope"}); !slices.Equal(fieldErrors(err), []string{"email"}) {
			t.Errorf("UpdateClient with a bad email: %v", err)
		}
		if got, _ := firm.GetClient(ctx, db.Reader(), f.ID, zed.ID); got.Name != "Zed Inc" {
			t.Errorf("a refused update changed the client to %+v", *got)
		}

		// Deleting a client removes its connections with it.
		box := newBox(t)
		in := newInstitution(t, db, "First Bank")
		conn := newConnection(t, db, box, f.ID, zed.ID, in.ID, "zed")
		keep := newConnection(t, db, box, f.ID, amy.ID, in.ID, "amy")
		if err := firm.DeleteClient(ctx, w, f.ID, zed.ID); err != nil {
			t.Fatalf("DeleteClient: %v", err)
		}
		if _, err := firm.GetClient(ctx, db.Reader(), f.ID, zed.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetClient after delete: %v", err)
		}
		if _, err := firm.GetConnection(ctx, db.Reader(), f.ID, conn.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the deleted client's connection: %v, want ErrNotFound", err)
		}
		if _, err := firm.GetConnection(ctx, db.Reader(), f.ID, keep.ID); err != nil {
			t.Errorf("another client's connection went too: %v", err)
		}
		if err := firm.DeleteClient(ctx, w, f.ID, zed.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteClient: %v, want ErrNotFound", err)
		}
	})
}
