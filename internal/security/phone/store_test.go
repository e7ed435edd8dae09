package phone_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newAccount(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), db.Writer(), "institution", name, now)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// usNumber is a valid US number ending in n (0–99).
func usNumber(n int) string { return fmt.Sprintf("(201) 555-01%02d", n) }

func TestAddUpToTheMaximum(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		other := newAccount(t, db, "someone else")
		pol := phone.DefaultPolicy()

		adds := []phone.New{
			{Number: usNumber(1), Kind: phone.Mobile, Role: phone.Primary, Label: "cell"},
			{Number: "201 555 0102", Kind: phone.Landline, Role: phone.Recovery, Label: "home"},
			{Number: usNumber(3), Kind: phone.Mobile},
			{Number: "+44 7400 123456", Kind: phone.Mobile, Label: "London"},
		}
		var added []*phone.Phone
		for _, n := range adds {
			ph, err := phone.Add(ctx, db.Writer(), pol, id, n, now)
			if err != nil {
				t.Fatalf("add %s: %v", n.Label, err)
			}
			added = append(added, ph)
		}
		// The same number on another account is fine.
		if _, err := phone.Add(ctx, db.Writer(), pol, other, adds[0], now); err != nil {
			t.Fatalf("the same number on another account: %v", err)
		}

		_, err := phone.Add(ctx, db.Writer(), pol, id, phone.New{Number: usNumber(5), Kind: phone.Mobile}, now)
		if !errors.Is(err, phone.ErrTooManyPhones) {
			t.Fatalf("5th phone: %v, want ErrTooManyPhones", err)
		}

		got, err := phone.List(ctx, db.Reader(), id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("List has %d phones, want 4", len(got))
		}
		if got[0].Role != phone.Primary || got[0].Number != "+12015550101" || got[0].Label != "cell" ||
			got[1].Role != phone.Recovery || got[1].Kind != phone.Landline || got[1].Number != "+12015550102" ||
			got[3].Region != "GB" || !got[0].CollectedAt.Equal(now) || !got[0].VerifiedAt.IsZero() {
			t.Fatalf("List = %+v", got)
		}

		// After removing one there is room again.
		if err := phone.Remove(ctx, db.Writer(), other, added[2].ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("removing another account's phone: %v, want ErrNotFound", err)
		}
		if err := phone.Remove(ctx, db.Writer(), id, added[2].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := phone.Add(ctx, db.Writer(), pol, id, phone.New{Number: usNumber(5), Kind: phone.Mobile}, now); err != nil {
			t.Fatalf("add after a removal: %v", err)
		}
	})
}

func TestAddRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		pol := phone.DefaultPolicy()
		if _, err := phone.Add(ctx, db.Writer(), pol, id, phone.New{Number: usNumber(1), Kind: phone.Mobile, Role: phone.Primary}, now); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			in   phone.New
			want error
		}{
			{"duplicate number typed differently", phone.New{Number: "+1 201-555-0101", Kind: phone.Landline}, phone.ErrDuplicate},
			{"second primary", phone.New{Number: usNumber(2), Kind: phone.Mobile, Role: phone.Primary}, &phone.FieldError{Field: "role", Code: "taken"}},
			{"invalid number", phone.New{Number: "12", Kind: phone.Mobile}, &phone.FieldError{Field: "number", Code: "invalid"}},
		}
		for _, tt := range tests {
			if _, err := phone.Add(ctx, db.Writer(), pol, id, tt.in, now); !errors.Is(err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
			}
		}

		// A smaller maximum is a parameter.
		two := pol
		two.MaxPhones = 2
		if _, err := phone.Add(ctx, db.Writer(), two, id, phone.New{Number: usNumber(2), Kind: phone.Mobile}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := phone.Add(ctx, db.Writer(), two, id, phone.New{Number: usNumber(3), Kind: phone.Mobile}, now); !errors.Is(err, phone.ErrTooManyPhones) {
			t.Fatalf("3rd phone with a maximum of 2: %v, want ErrTooManyPhones", err)
		}
	})
}

func TestParallelAddsStopAtTheMaximum(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		var wg sync.WaitGroup
		errs := make([]error, 10)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = phone.Add(ctx, db.Writer(), phone.DefaultPolicy(), id, phone.New{Number: usNumber(10 + i), Kind: phone.Mobile}, now)
			})
		}
		wg.Wait()
		ok, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, phone.ErrTooManyPhones):
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		list, err := phone.List(ctx, db.Reader(), id)
		if err != nil {
			t.Fatal(err)
		}
		if ok != 4 || refused != 6 || len(list) != 4 {
			t.Fatalf("%d added, %d refused, %d stored; want 4, 6, 4", ok, refused, len(list))
		}
	})
}

func TestSetPrimarySwapsRoles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		other := newAccount(t, db, "someone else")
		pol := phone.DefaultPolicy()
		add := func(n int, role phone.Role) *phone.Phone {
			ph, err := phone.Add(ctx, db.Writer(), pol, id, phone.New{Number: usNumber(n), Kind: phone.Mobile, Role: role}, now)
			if err != nil {
				t.Fatal(err)
			}
			return ph
		}
		primary, recovery, spare := add(1, phone.Primary), add(2, phone.Recovery), add(3, phone.Other)
		roles := func() map[int64]phone.Role {
			list, err := phone.List(ctx, db.Reader(), id)
			if err != nil {
				t.Fatal(err)
			}
			m := map[int64]phone.Role{}
			for _, ph := range list {
				m[ph.ID] = ph.Role
			}
			return m
		}
		inTx := func(fn func(q store.Querier) error) error {
			return db.InTx(ctx, func(tx *sql.Tx) error { return fn(tx) })
		}

		// Promoting the recovery phone makes the old primary the recovery phone.
		if err := inTx(func(q store.Querier) error { return phone.SetPrimary(ctx, q, id, recovery.ID) }); err != nil {
			t.Fatal(err)
		}
		if r := roles(); r[recovery.ID] != phone.Primary || r[primary.ID] != phone.Recovery || r[spare.ID] != phone.Other {
			t.Fatalf("after promoting the recovery phone: %v", r)
		}
		// Promoting another phone makes the old primary an other phone.
		if err := inTx(func(q store.Querier) error { return phone.SetPrimary(ctx, q, id, spare.ID) }); err != nil {
			t.Fatal(err)
		}
		if r := roles(); r[spare.ID] != phone.Primary || r[recovery.ID] != phone.Other || r[primary.ID] != phone.Recovery {
			t.Fatalf("after promoting the spare phone: %v", r)
		}
		if err := phone.SetPrimary(ctx, db.Writer(), other, primary.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SetPrimary from another account: %v, want ErrNotFound", err)
		}
		// Promoting the primary changes nothing.
		if err := phone.SetPrimary(ctx, db.Writer(), id, spare.ID); err != nil {
			t.Fatal(err)
		}
		if r := roles(); r[spare.ID] != phone.Primary {
			t.Fatalf("after promoting the primary: %v", r)
		}
	})
}

func TestVerifiedAndCollected(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		other := newAccount(t, db, "someone else")
		ph, err := phone.Add(ctx, db.Writer(), phone.DefaultPolicy(), id, phone.New{Number: usNumber(1), Kind: phone.Mobile}, now)
		if err != nil {
			t.Fatal(err)
		}
		later := now.Add(181 * 24 * time.Hour)
		if err := phone.MarkVerified(ctx, db.Writer(), other, ph.ID, later); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("MarkVerified of another account's phone: %v", err)
		}
		if err := phone.MarkVerified(ctx, db.Writer(), id, ph.ID, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := phone.MarkCollected(ctx, db.Writer(), id, later); err != nil {
			t.Fatal(err)
		}
		got, err := phone.Get(ctx, db.Reader(), id, ph.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.VerifiedAt.Equal(now.Add(time.Minute)) || !got.CollectedAt.Equal(later) || !got.CreatedAt.Equal(now) {
			t.Fatalf("after verify and re-collection: %+v", got)
		}
		if _, err := phone.Get(ctx, db.Reader(), other, ph.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get from another account: %v", err)
		}
	})
}
