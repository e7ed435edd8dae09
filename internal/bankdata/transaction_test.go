package bankdata_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func posted(id string, d int, amount int64, desc string) connector.Transaction {
	return connector.Transaction{ID: id, Date: day(d), Amount: amount, Currency: "USD", Description: desc}
}

func pending(id string, d int, amount int64, desc string) connector.Transaction {
	t := posted(id, d, amount, desc)
	t.Pending = true
	return t
}

func replacing(t connector.Transaction, pendingID string) connector.Transaction {
	t.PendingID = pendingID
	return t
}

// pull is one refresh's listing of an account, over the window from..to
// (days of March; 1..20 when zero).
type pull struct {
	txns     []connector.Transaction
	from, to int
	want     bankdata.Counts
}

// newAccount makes a firm with one checking account and returns both.
func newAccount(t *testing.T, db *store.DB, name string) (firmFixture, int64) {
	t.Helper()
	f := newFirm(t, db, name)
	ids, err := bankdata.UpsertAccounts(context.Background(), db.Writer(), f.firmID, f.connID,
		[]connector.Account{{ID: "chk", Mask: "6789", Name: "Operating", Type: connector.Checking, Currency: "USD"}}, t0)
	if err != nil {
		t.Fatalf("UpsertAccounts: %v", err)
	}
	return f, ids["chk"]
}

// shown lists what a user sees of the account's transactions, newest first.
func shown(t *testing.T, db *store.DB, firmID, accountID int64) []string {
	t.Helper()
	ctx := context.Background()
	txns, err := bankdata.ListTransactions(ctx, db.Reader(), firmID, bankdata.TransactionFilter{AccountID: accountID})
	if err != nil {
		t.Fatalf("ListTransactions: %v", err)
	}
	var out []string
	for _, tx := range txns {
		s := fmt.Sprintf("%s %s %d %s", tx.ExternalID, tx.PostedOn.Format("01-02"), tx.Amount, tx.Description)
		if tx.Pending {
			s += " pending"
		}
		if tx.PendingOf != 0 {
			p, err := bankdata.GetTransaction(ctx, db.Reader(), firmID, tx.PendingOf)
			if err != nil {
				t.Fatalf("GetTransaction(PendingOf of %s): %v", tx.ExternalID, err)
			}
			s += " replaces " + p.ExternalID
		}
		out = append(out, s)
	}
	return out
}

func TestUpsertTransactions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		pulls []pull
		want  []string // shown after the last pull
	}{
		{
			name: "a re-pull of the same data changes nothing",
			pulls: []pull{
				{txns: []connector.Transaction{posted("A", 5, -500, "COFFEE"), posted("B", 6, 120000, "PAYROLL")}, want: bankdata.Counts{New: 2}},
				{txns: []connector.Transaction{posted("A", 5, -500, "COFFEE"), posted("B", 6, 120000, "PAYROLL")}, want: bankdata.Counts{Unchanged: 2}},
			},
			want: []string{"B 03-06 120000 PAYROLL", "A 03-05 -500 COFFEE"},
		},
		{
			name: "an amended transaction is updated, not duplicated",
			pulls: []pull{
				{txns: []connector.Transaction{posted("A", 5, -500, "COFFEE")}, want: bankdata.Counts{New: 1}},
				{txns: []connector.Transaction{posted("A", 6, -550, "COFFEE SHOP")}, want: bankdata.Counts{Updated: 1}},
			},
			want: []string{"A 03-06 -550 COFFEE SHOP"},
		},
		{
			name: "two identical charges with different ids are both kept",
			pulls: []pull{
				{txns: []connector.Transaction{posted("A", 5, -500, "COFFEE"), posted("B", 5, -500, "COFFEE")}, want: bankdata.Counts{New: 2}},
				{txns: []connector.Transaction{posted("A", 5, -500, "COFFEE"), posted("B", 5, -500, "COFFEE")}, want: bankdata.Counts{Unchanged: 2}},
			},
			want: []string{"B 03-05 -500 COFFEE", "A 03-05 -500 COFFEE"},
		},
		{
			name: "a posting replaces the pending one stored before",
			pulls: []pull{
				{txns: []connector.Transaction{pending("P", 10, -2000, "DINER")}, want: bankdata.Counts{New: 1}},
				{txns: []connector.Transaction{replacing(posted("T", 11, -2300, "DINER"), "P")}, want: bankdata.Counts{New: 1, Removed: 1}},
			},
			want: []string{"T 03-11 -2300 DINER replaces P"},
		},
		{
			name: "a pending one listed with its posting is never shown",
			pulls: []pull{
				{txns: []connector.Transaction{replacing(posted("T", 11, -2300, "DINER"), "P"), pending("P", 10, -2000, "DINER")}, want: bankdata.Counts{New: 1, Removed: 1}},
			},
			want: []string{"T 03-11 -2300 DINER replaces P"},
		},
		{
			name: "a replaced pending one the bank still lists stays hidden",
			pulls: []pull{
				{txns: []connector.Transaction{pending("P", 10, -2000, "DINER")}, want: bankdata.Counts{New: 1}},
				{txns: []connector.Transaction{pending("P", 10, -2000, "DINER"), replacing(posted("T", 11, -2300, "DINER"), "P")}, want: bankdata.Counts{New: 1, Removed: 1}},
				{txns: []connector.Transaction{pending("P", 10, -2000, "DINER"), replacing(posted("T", 11, -2300, "DINER"), "P")}, want: bankdata.Counts{Unchanged: 2}},
				{txns: []connector.Transaction{pending("P", 10, -2000, "DINER")}, want: bankdata.Counts{Unchanged: 1}},
			},
			want: []string{"T 03-11 -2300 DINER replaces P"},
		},
		{
			name: "a pending one no longer listed within the window is removed",
			pulls: []pull{
				{txns: []connector.Transaction{pending("P", 10, -2000, "HOLD"), posted("A", 9, -500, "COFFEE")}, want: bankdata.Counts{New: 2}},
				{txns: []connector.Transaction{posted("A", 9, -500, "COFFEE")}, want: bankdata.Counts{Unchanged: 1, Removed: 1}},
			},
			want: []string{"A 03-09 -500 COFFEE"},
		},
		{
			name: "a pending one outside the window stays",
			pulls: []pull{
				{txns: []connector.Transaction{pending("P", 3, -2000, "HOLD")}, want: bankdata.Counts{New: 1}},
				{txns: nil, from: 5, to: 20, want: bankdata.Counts{}},
			},
			want: []string{"P 03-03 -2000 HOLD pending"},
		},
		{
			name: "a posted one no longer listed is never removed",
			pulls: []pull{
				{txns: []connector.Transaction{posted("A", 10, -500, "COFFEE")}, want: bankdata.Counts{New: 1}},
				{txns: nil, want: bankdata.Counts{}},
			},
			want: []string{"A 03-10 -500 COFFEE"},
		},
		{
			name: "a pending one that comes back is shown again",
			pulls: []pull{
				{txns: []connector.Transaction{pending("P", 10, -2000, "HOLD")}, want: bankdata.Counts{New: 1}},
				{txns: nil, want: bankdata.Counts{Removed: 1}},
				{txns: []connector.Transaction{pending("P", 10, -2000, "HOLD")}, want: bankdata.Counts{Updated: 1}},
			},
			want: []string{"P 03-10 -2000 HOLD pending"},
		},
		{
			name: "a pending one that posts under its own id becomes posted",
			pulls: []pull{
				{txns: []connector.Transaction{pending("P", 10, -2000, "DINER")}, want: bankdata.Counts{New: 1}},
				{txns: []connector.Transaction{posted("P", 11, -2300, "DINER")}, want: bankdata.Counts{Updated: 1}},
				{txns: nil, want: bankdata.Counts{}},
			},
			want: []string{"P 03-11 -2300 DINER"},
		},
		{
			name: "a posting naming a pending one never seen is kept unlinked",
			pulls: []pull{
				{txns: []connector.Transaction{replacing(posted("T", 11, -2300, "DINER"), "X")}, want: bankdata.Counts{New: 1}},
			},
			want: []string{"T 03-11 -2300 DINER"},
		},
		{
			name: "a posting links to a pending one already removed without counting it twice",
			pulls: []pull{
				{txns: []connector.Transaction{pending("P", 10, -2000, "DINER")}, want: bankdata.Counts{New: 1}},
				{txns: nil, want: bankdata.Counts{Removed: 1}},
				{txns: []connector.Transaction{replacing(posted("T", 12, -2300, "DINER"), "P")}, want: bankdata.Counts{New: 1}},
			},
			want: []string{"T 03-12 -2300 DINER replaces P"},
		},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f, acct := newAccount(t, db, fmt.Sprintf("Firm %d", i))
				clk := clock.NewFake(t0)
				for n, p := range tt.pulls {
					from, to := day(1), day(20)
					if p.from != 0 {
						from, to = day(p.from), day(p.to)
					}
					refresh := newRefresh(t, db, f.firmID, f.connID)
					var got bankdata.Counts
					var ids map[string]int64
					err := db.InTx(ctx, func(tx *sql.Tx) error {
						var err error
						got, ids, err = bankdata.UpsertTransactions(ctx, tx, f.firmID, acct, refresh, p.txns, from, to, clk.Advance(time.Hour))
						return err
					})
					if err != nil {
						t.Fatalf("pull %d: UpsertTransactions: %v", n+1, err)
					}
					if got != p.want {
						t.Errorf("pull %d: counts = %+v, want %+v", n+1, got, p.want)
					}
					for _, tx := range p.txns {
						if ids[tx.ID] == 0 {
							t.Errorf("pull %d: no id returned for transaction %s", n+1, tx.ID)
						}
					}
				}
				if got := shown(t, db, f.firmID, acct); !slices.Equal(got, tt.want) {
					t.Errorf("shown =\n%q\nwant\n%q", got, tt.want)
				}
			})
		}
	})
}

func TestUpsertTransactionsRecordsRefreshesAndTimes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, acct := newAccount(t, db, "Ledger & Co")
		clk := clock.NewFake(t0)
		r1, r2 := newRefresh(t, db, f.firmID, f.connID), newRefresh(t, db, f.firmID, f.connID)
		first := clk.Now()
		noCurrency := posted("B", 6, 120000, "PAYROLL")
		noCurrency.Currency = ""
		if _, _, err := bankdata.UpsertTransactions(ctx, db.Writer(), f.firmID, acct, r1,
			[]connector.Transaction{posted("A", 5, -500, "COFFEE"), noCurrency}, day(1), day(20), first); err != nil {
			t.Fatal(err)
		}
		// The next refresh lists A again, and B is older than its window.
		second := clk.Advance(24 * time.Hour)
		if _, _, err := bankdata.UpsertTransactions(ctx, db.Writer(), f.firmID, acct, r2,
			[]connector.Transaction{posted("A", 5, -500, "COFFEE")}, day(5), day(21), second); err != nil {
			t.Fatal(err)
		}
		type row struct {
			firstRefresh, lastRefresh int64
			createdAt, updatedAt      time.Time
			currency                  string
		}
		want := map[string]row{
			"A": {r1, r2, first, first, "USD"}, // seen again unchanged: no update time
			"B": {r1, r1, first, first, "USD"}, // no currency from the bank: the account's
		}
		for ext, w := range want {
			var got row
			mustScan(t, db.Reader().QueryRowContext(ctx, `
				SELECT first_refresh_id, last_refresh_id, created_at, updated_at, currency
				FROM synced_transaction WHERE account_id = $1 AND external_id = $2`, acct, ext),
				&got.firstRefresh, &got.lastRefresh, &got.createdAt, &got.updatedAt, &got.currency)
			got.createdAt, got.updatedAt = got.createdAt.UTC(), got.updatedAt.UTC()
			if got != w {
				t.Errorf("transaction %s: stored %+v, want %+v", ext, got, w)
			}
		}
	})
}

func TestUpsertTransactionsRefusesBadInput(t *testing.T) {
	t.Parallel()
	noDate := posted("B", 5, -500, "COFFEE")
	noDate.Date = time.Time{}
	tests := []struct {
		name     string
		txns     []connector.Transaction
		from, to time.Time
	}{
		{"a transaction without an id", []connector.Transaction{posted("A", 5, -500, "COFFEE"), posted("", 5, -500, "COFFEE")}, day(1), day(20)},
		{"a transaction without a date", []connector.Transaction{posted("A", 5, -500, "COFFEE"), noDate}, day(1), day(20)},
		{"no window", []connector.Transaction{posted("A", 5, -500, "COFFEE")}, time.Time{}, time.Time{}},
		{"a reversed window", []connector.Transaction{posted("A", 5, -500, "COFFEE")}, day(20), day(1)},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f, acct := newAccount(t, db, fmt.Sprintf("Firm %d", i))
				_, _, err := bankdata.UpsertTransactions(context.Background(), db.Writer(), f.firmID, acct, f.refreshID, tt.txns, tt.from, tt.to, t0)
				if err == nil {
					t.Fatal("UpsertTransactions accepted it")
				}
				if got := shown(t, db, f.firmID, acct); len(got) != 0 {
					t.Errorf("after the refusal the account shows %q, want nothing", got)
				}
			})
		}
	})
}

func TestTransactionsOfAnotherFirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mine, acct := newAccount(t, db, "Ledger & Co")
		other := newFirm(t, db, "Other LLP")
		conn2 := mine.secondConnection(t, db)
		refreshOfConn2 := newRefresh(t, db, mine.firmID, conn2)
		_, ids, err := bankdata.UpsertTransactions(ctx, db.Writer(), mine.firmID, acct, mine.refreshID,
			[]connector.Transaction{pending("P", 10, -2000, "HOLD")}, day(1), day(20), t0)
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name              string
			firmID, refreshID int64
		}{
			{"another firm's id", other.firmID, mine.refreshID},
			{"another firm's refresh", mine.firmID, other.refreshID},
			{"another firm with its own refresh", other.firmID, other.refreshID},
			{"a refresh of another connection", mine.firmID, refreshOfConn2},
		}
		for _, tt := range tests {
			// An empty listing would remove P if the call went through.
			_, _, err := bankdata.UpsertTransactions(ctx, db.Writer(), tt.firmID, acct, tt.refreshID,
				[]connector.Transaction{posted("X", 11, -1, "INJECTED")}, day(1), day(20), t0)
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: err = %v, want store.ErrNotFound", tt.name, err)
			}
		}
		if got, want := shown(t, db, mine.firmID, acct), []string{"P 03-10 -2000 HOLD pending"}; !slices.Equal(got, want) {
			t.Errorf("after the other firm's attempts the account shows %q, want %q", got, want)
		}
		if n := count(t, db, "synced_transaction"); n != 1 {
			t.Errorf("%d transactions stored, want 1", n)
		}
		if got, err := bankdata.ListTransactions(ctx, db.Reader(), other.firmID, bankdata.TransactionFilter{AccountID: acct}); err != nil || len(got) != 0 {
			t.Errorf("ListTransactions(other firm) = %d transactions, %v; want none", len(got), err)
		}
		if _, err := bankdata.GetTransaction(ctx, db.Reader(), other.firmID, ids["P"]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetTransaction(other firm): err = %v, want store.ErrNotFound", err)
		}
	})
}

// TestUpsertsJoinTheCallersTransaction: the refresh engine lands a refresh
// in one transaction, so a failure after the upserts must leave nothing.
func TestUpsertsJoinTheCallersTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFirm(t, db, "Ledger & Co")
		errLater := errors.New("the statement download failed")
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			ids, err := bankdata.UpsertAccounts(ctx, tx, f.firmID, f.connID, []connector.Account{{ID: "chk", Type: connector.Checking}}, t0)
			if err != nil {
				return err
			}
			if _, _, err := bankdata.UpsertTransactions(ctx, tx, f.firmID, ids["chk"], f.refreshID,
				[]connector.Transaction{posted("A", 5, -500, "COFFEE")}, day(1), day(20), t0); err != nil {
				return err
			}
			return errLater
		})
		if !errors.Is(err, errLater) {
			t.Fatalf("InTx: %v", err)
		}
		for _, table := range []string{"synced_account", "synced_transaction"} {
			if n := count(t, db, table); n != 0 {
				t.Errorf("%d rows left in %s after the rollback, want 0", n, table)
			}
		}
	})
}

func TestListTransactions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFirm(t, db, "Ledger & Co")
		conn2 := f.secondConnection(t, db)
		refresh2 := newRefresh(t, db, f.firmID, conn2)
		accts, err := bankdata.UpsertAccounts(ctx, db.Writer(), f.firmID, f.connID, []connector.Account{
			{ID: "chk", Type: connector.Checking}, {ID: "sav", Type: connector.Savings},
		}, t0)
		if err != nil {
			t.Fatal(err)
		}
		card, err := bankdata.UpsertAccounts(ctx, db.Writer(), f.firmID, conn2, []connector.Account{{ID: "card", Type: connector.CreditCard}}, t0)
		if err != nil {
			t.Fatal(err)
		}
		withMemo := posted("C3", 7, -1250, "Amazon Mktp")
		withMemo.Memo = "office CHAIRS"
		land := func(acct, refresh int64, txns ...connector.Transaction) {
			t.Helper()
			if _, _, err := bankdata.UpsertTransactions(ctx, db.Writer(), f.firmID, acct, refresh, txns, day(1), day(20), t0); err != nil {
				t.Fatal(err)
			}
		}
		land(accts["chk"], f.refreshID,
			posted("C1", 3, -500, "Blue Bottle COFFEE"),
			pending("C2", 9, -2000, "Hotel hold"),
			posted("C4", 12, -999, "50% off sale"),
			posted("C5", 12, -100, "500 off sale"), // "50%" must not match it as a wildcard
			pending("C6", 12, -1, "gone"),          // removed below: never listed
		)
		land(accts["chk"], f.refreshID, posted("C1", 3, -500, "Blue Bottle COFFEE"), pending("C2", 9, -2000, "Hotel hold"),
			posted("C4", 12, -999, "50% off sale"), posted("C5", 12, -100, "500 off sale"))
		land(accts["sav"], f.refreshID, posted("S1", 1, 10000, "Transfer in"))
		land(card["card"], refresh2, withMemo, posted("K1", 15, -4200, "Coffee beans"))

		yes, no := true, false
		tests := []struct {
			name   string
			filter bankdata.TransactionFilter
			want   []string
		}{
			{"everything, newest first, removed ones never", bankdata.TransactionFilter{}, []string{"K1", "C5", "C4", "C2", "C3", "C1", "S1"}},
			{"one account", bankdata.TransactionFilter{AccountID: accts["chk"]}, []string{"C5", "C4", "C2", "C1"}},
			{"one connection", bankdata.TransactionFilter{ConnectionID: conn2}, []string{"K1", "C3"}},
			{"from a day", bankdata.TransactionFilter{From: day(9)}, []string{"K1", "C5", "C4", "C2"}},
			{"to a day", bankdata.TransactionFilter{To: day(7)}, []string{"C3", "C1", "S1"}},
			{"between days", bankdata.TransactionFilter{From: day(3), To: day(9)}, []string{"C2", "C3", "C1"}},
			{"search ignores case", bankdata.TransactionFilter{Search: "coffee"}, []string{"K1", "C1"}},
			{"search finds the memo", bankdata.TransactionFilter{Search: "Chairs"}, []string{"C3"}},
			{"search takes % literally", bankdata.TransactionFilter{Search: "50%"}, []string{"C4"}},
			{"search finds nothing", bankdata.TransactionFilter{Search: "rent"}, nil},
			{"pending only", bankdata.TransactionFilter{Pending: &yes}, []string{"C2"}},
			{"posted only", bankdata.TransactionFilter{Pending: &no, AccountID: accts["chk"]}, []string{"C5", "C4", "C1"}},
			{"a page", bankdata.TransactionFilter{Limit: 2, Offset: 1}, []string{"C5", "C4"}},
			{"an offset alone", bankdata.TransactionFilter{Offset: 5}, []string{"C1", "S1"}},
			{"filters combine", bankdata.TransactionFilter{ConnectionID: f.connID, Search: "sale", From: day(12), Limit: 1}, []string{"C5"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				txns, err := bankdata.ListTransactions(ctx, db.Reader(), f.firmID, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, tx := range txns {
					got = append(got, tx.ExternalID)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("ListTransactions = %q, want %q", got, tt.want)
				}
			})
		}
		t.Run("a negative limit is refused", func(t *testing.T) {
			t.Parallel()
			if _, err := bankdata.ListTransactions(ctx, db.Reader(), f.firmID, bankdata.TransactionFilter{Limit: -1}); err == nil {
				t.Error("ListTransactions accepted limit -1")
			}
		})
		t.Run("fields read back", func(t *testing.T) {
			t.Parallel()
			txns, err := bankdata.ListTransactions(ctx, db.Reader(), f.firmID, bankdata.TransactionFilter{Search: "chairs"})
			if err != nil || len(txns) != 1 {
				t.Fatalf("ListTransactions = %v, %v", txns, err)
			}
			want := bankdata.Transaction{ID: txns[0].ID, AccountID: card["card"], ExternalID: "C3", PostedOn: day(7), Amount: -1250,
				Currency: "USD", Description: "Amazon Mktp", Memo: "office CHAIRS"}
			if txns[0] != want {
				t.Errorf("read back\n%+v\nwant\n%+v", txns[0], want)
			}
		})
	})
}
