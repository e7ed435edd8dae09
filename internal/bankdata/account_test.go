package bankdata_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestUpsertAccounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFirm(t, db, "Ledger & Co")
		clk := clock.NewFake(t0)
		balanceAt := time.Date(2026, 3, 19, 23, 0, 0, 123456789, time.FixedZone("EST", -5*3600))
		first := []connector.Account{
			{ID: "000123456789", Mask: "6789", Name: "Operating", Type: connector.Checking, Currency: "USD",
				Balance: 1_024_00, Available: 990_00, HasAvailable: true, BalanceAt: balanceAt},
			{ID: "card-1", Mask: "4242", Name: "Visa", Type: connector.CreditCard, Balance: -35_50},
		}
		ids, err := bankdata.UpsertAccounts(ctx, db.Writer(), f.firmID, f.connID, first, clk.Now())
		if err != nil {
			t.Fatalf("UpsertAccounts: %v", err)
		}
		if len(ids) != 2 || ids["000123456789"] == 0 || ids["card-1"] == 0 || ids["000123456789"] == ids["card-1"] {
			t.Fatalf("UpsertAccounts ids = %v, want two distinct ids", ids)
		}
		got, err := bankdata.GetAccount(ctx, db.Reader(), f.firmID, ids["000123456789"])
		if err != nil {
			t.Fatalf("GetAccount: %v", err)
		}
		want := bankdata.Account{
			ID: ids["000123456789"], FirmID: f.firmID, ConnectionID: f.connID, ExternalID: "000123456789",
			Name: "Operating", Mask: "6789", Type: connector.Checking, Currency: "USD",
			Balance: 1_024_00, Available: 990_00, HasAvailable: true,
			BalanceAt:   time.Date(2026, 3, 20, 4, 0, 0, 123456000, time.UTC),
			FirstSeenAt: t0, LastSeenAt: t0,
		}
		if got != want {
			t.Errorf("after the first pull GetAccount =\n%+v\nwant\n%+v", got, want)
		}
		card, err := bankdata.GetAccount(ctx, db.Reader(), f.firmID, ids["card-1"])
		if err != nil {
			t.Fatalf("GetAccount: %v", err)
		}
		if card.HasAvailable || !card.BalanceAt.IsZero() || card.Currency != "USD" || card.Balance != -35_50 {
			t.Errorf("a card with no available balance, no date and no currency read back as %+v", card)
		}

		// The next day the bank renames the account, drops the available
		// balance and reports it closed; it must stay the same account.
		later := clk.Advance(24 * time.Hour)
		second := []connector.Account{{ID: "000123456789", Mask: "6789", Name: "Old operating", Type: connector.Checking,
			Currency: "USD", Balance: 0, Closed: true}}
		ids2, err := bankdata.UpsertAccounts(ctx, db.Writer(), f.firmID, f.connID, second, later)
		if err != nil {
			t.Fatalf("UpsertAccounts again: %v", err)
		}
		if ids2["000123456789"] != ids["000123456789"] {
			t.Errorf("the same bank account got id %d, then %d", ids["000123456789"], ids2["000123456789"])
		}
		got, err = bankdata.GetAccount(ctx, db.Reader(), f.firmID, ids["000123456789"])
		if err != nil {
			t.Fatalf("GetAccount: %v", err)
		}
		want.Name, want.Balance, want.Available, want.HasAvailable, want.BalanceAt, want.Closed = "Old operating", 0, 0, false, time.Time{}, true
		want.LastSeenAt = later
		if got != want {
			t.Errorf("after the second pull GetAccount =\n%+v\nwant\n%+v", got, want)
		}
		if n := count(t, db, "synced_account"); n != 2 {
			t.Errorf("%d accounts stored, want 2", n)
		}
	})
}

func TestUpsertAccountsRefusesAnAccountWithoutID(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFirm(t, db, "Ledger & Co")
		_, err := bankdata.UpsertAccounts(context.Background(), db.Writer(), f.firmID, f.connID,
			[]connector.Account{{Mask: "6789", Name: "Operating", Type: connector.Checking}}, t0)
		if err == nil {
			t.Fatal("UpsertAccounts stored an account without the bank's id")
		}
		if n := count(t, db, "synced_account"); n != 0 {
			t.Errorf("%d accounts stored, want 0", n)
		}
	})
}

func TestListAccounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFirm(t, db, "Ledger & Co")
		conn2 := f.secondConnection(t, db)
		if _, err := bankdata.UpsertAccounts(ctx, db.Writer(), f.firmID, f.connID, []connector.Account{
			{ID: "b", Name: "Savings", Type: connector.Savings}, {ID: "a", Name: "Checking", Type: connector.Checking},
		}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := bankdata.UpsertAccounts(ctx, db.Writer(), f.firmID, conn2, []connector.Account{
			{ID: "c", Name: "Loan", Type: connector.Loan},
		}, t0); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			connID int64
			want   []string
		}{
			{"all connections", 0, []string{"Checking", "Savings", "Loan"}},
			{"first connection", f.connID, []string{"Checking", "Savings"}},
			{"second connection", conn2, []string{"Loan"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				accts, err := bankdata.ListAccounts(ctx, db.Reader(), f.firmID, tt.connID)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, a := range accts {
					names = append(names, a.Name)
				}
				if !slices.Equal(names, tt.want) {
					t.Errorf("ListAccounts = %q, want %q", names, tt.want)
				}
			})
		}
	})
}

func TestAccountsOfAnotherFirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mine := newFirm(t, db, "Ledger & Co")
		other := newFirm(t, db, "Other LLP")
		ids, err := bankdata.UpsertAccounts(ctx, db.Writer(), mine.firmID, mine.connID,
			[]connector.Account{{ID: "a", Name: "Operating", Type: connector.Checking, Balance: 100}}, t0)
		if err != nil {
			t.Fatal(err)
		}

		_, err = bankdata.UpsertAccounts(ctx, db.Writer(), other.firmID, mine.connID,
			[]connector.Account{{ID: "a", Name: "Hijacked", Type: connector.Checking, Balance: 1}}, t0)
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpsertAccounts on another firm's connection: err = %v, want store.ErrNotFound", err)
		}
		if _, err := bankdata.GetAccount(ctx, db.Reader(), other.firmID, ids["a"]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetAccount of another firm's account: err = %v, want store.ErrNotFound", err)
		}
		for _, connID := range []int64{0, mine.connID} {
			if accts, err := bankdata.ListAccounts(ctx, db.Reader(), other.firmID, connID); err != nil || len(accts) != 0 {
				t.Errorf("ListAccounts(other firm, connection %d) = %d accounts, %v; want none", connID, len(accts), err)
			}
		}
		a, err := bankdata.GetAccount(ctx, db.Reader(), mine.firmID, ids["a"])
		if err != nil || a.Name != "Operating" || a.Balance != 100 {
			t.Errorf("after another firm's attempt the account is %+v, %v; want it unchanged", a, err)
		}
		if n := count(t, db, "synced_account"); n != 1 {
			t.Errorf("%d accounts stored, want 1", n)
		}
	})
}
