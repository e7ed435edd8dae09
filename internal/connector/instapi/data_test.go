package instapi_test

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// alice's accounts, transactions, statements and check images read through
// the connector are the bank's own, to the cent; signing out ends the
// bearer token at the bank.
func TestAliceReadsHerBank(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		q := db.Reader()
		alice := e.bank.Member(t, "alice")
		sess := e.signIn("alice", nil)

		got, err := sess.Accounts(ctx)
		if e.seen(err) != nil {
			t.Fatal(err)
		}
		mine, err := institution.Accounts(ctx, q, alice.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(mine) || len(mine) != 3 {
			t.Fatalf("%d accounts read, alice has %d", len(got), len(mine))
		}
		byType := map[connector.AccountType]connector.Account{}
		for i, a := range mine {
			want := bankAccount(t, db, a)
			g := got[i]
			if !g.BalanceAt.Equal(e.bank.Clock.Now()) {
				t.Errorf("account %s: balance at %s, want the clock's now", g.Mask, g.BalanceAt)
			}
			want.BalanceAt = g.BalanceAt
			if g != want {
				t.Errorf("account read %+v,\nthe bank's %+v", g, want)
			}
			byType[g.Type] = g
		}
		checking, ok := byType[connector.Checking]
		if !ok {
			t.Fatal("alice has no checking account")
		}

		// Transactions of the last 60 days, then all of them.
		today := e.bank.Clock.Now().UTC().Truncate(24 * time.Hour)
		from := today.AddDate(0, 0, -60)
		id, _ := strconv.ParseInt(checking.Ref, 10, 64)
		for _, window := range []struct{ from, to time.Time }{{from, today}, {}} {
			txs, err := sess.Transactions(ctx, checking, window.from, window.to)
			if e.seen(err) != nil {
				t.Fatal(err)
			}
			bank, err := institution.Transactions(ctx, q, id, institution.TransactionFilter{From: window.from, To: window.to, IncludePending: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(txs) != len(bank) || len(bank) == 0 {
				t.Fatalf("from %s to %s: %d transactions read, the bank lists %d", window.from, window.to, len(txs), len(bank))
			}
			for i, bt := range bank {
				if g, w := txs[i], transactionOf(bt); !sameTransaction(g, w) {
					t.Fatalf("transaction read %+v,\nthe bank's %+v", g, w)
				}
			}
		}

		// What the refresh engine relies on in the whole history of her
		// accounts: pending items, postings linked to them, checks with two
		// images.
		var pending, linked int
		var check *connector.Transaction
		for _, a := range got {
			all, err := sess.Transactions(ctx, a, time.Time{}, time.Time{})
			if e.seen(err) != nil {
				t.Fatal(err)
			}
			for i, tx := range all {
				if tx.Pending {
					pending++
				}
				if tx.PendingID != "" {
					linked++
				}
				if len(tx.Checks) == 2 && check == nil {
					check = &all[i]
				}
			}
		}
		if pending == 0 || linked == 0 || check == nil {
			t.Fatalf("alice's accounts: %d pending, %d linked postings, check %v: want some of each", pending, linked, check != nil)
		}
		for _, side := range check.Checks {
			img, err := sess.CheckImage(ctx, side)
			if e.seen(err) != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")) {
				t.Fatalf("check %s %s: not a PNG", check.CheckNumber, side.Side)
			}
		}
		if check.Checks[0].Side != connector.Front || check.Checks[1].Side != connector.Back {
			t.Fatalf("check images %v: want the front first", check.Checks)
		}

		// Statements, and one as PDF.
		sts, err := sess.Statements(ctx, checking)
		if e.seen(err) != nil {
			t.Fatal(err)
		}
		bankSts, err := institution.Statements(ctx, q, id, e.bank.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(sts) != len(bankSts) || len(sts) == 0 {
			t.Fatalf("%d statements read, the bank lists %d", len(sts), len(bankSts))
		}
		for i, bs := range bankSts {
			if s := sts[i]; s.ID != strconv.FormatInt(bs.ID, 10) || !s.PeriodStart.Equal(bs.PeriodStart) || !s.PeriodEnd.Equal(bs.PeriodEnd) {
				t.Fatalf("statement read %+v, the bank's %d %s..%s", s, bs.ID, bs.PeriodStart, bs.PeriodEnd)
			}
		}
		pdf, err := sess.StatementPDF(ctx, sts[0])
		if e.seen(err) != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatal("the statement is not a PDF")
		}

		// Signing out ends the token at the bank.
		bearer := e.lastBearer()
		if err := sess.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if status := getStatus(t, e.bank.APIURL()+"/accounts", bearer); status != http.StatusUnauthorized {
			t.Fatalf("the token after Close: %d, want 401", status)
		}
		if _, err := sess.Accounts(ctx); e.seen(err) == nil {
			t.Fatal("a closed session still reads")
		}
		if err := sess.Close(ctx); err != nil {
			t.Fatalf("closing twice: %v", err)
		}
	})
}

// dave's savings account, closed last month, reads Closed without an
// available balance; his open checking reads as the bank keeps it. A token
// the bank ended is ErrSessionEnded.
func TestDaveClosedSavings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		sess := e.signIn("dave", nil)
		got, err := sess.Accounts(ctx)
		if e.seen(err) != nil {
			t.Fatal(err)
		}
		mine, err := institution.Accounts(ctx, db.Reader(), e.bank.Member(t, "dave").MemberID)
		if err != nil {
			t.Fatal(err)
		}
		closed := 0
		for i, a := range mine {
			want := bankAccount(t, db, a)
			want.BalanceAt = got[i].BalanceAt
			if got[i] != want {
				t.Errorf("account read %+v,\nthe bank's %+v", got[i], want)
			}
			if got[i].Closed {
				closed++
				if got[i].Type != connector.Savings || got[i].HasAvailable {
					t.Errorf("closed account %+v: want dave's savings, with no available balance", got[i])
				}
			}
		}
		if closed != 1 {
			t.Fatalf("%d closed accounts read, want dave's savings", closed)
		}

		// 15 minutes idle: the bank ends the token.
		e.bank.Clock.Advance(16 * time.Minute)
		if _, err := sess.Accounts(ctx); !errors.Is(e.seen(err), instapi.ErrSessionEnded) {
			t.Fatalf("after 16 idle minutes: %v, want ErrSessionEnded", err)
		}
	})
}

// bankAccount is what the connector must read for a: the bank's ledger
// balance, and available = balance less pending debits (plus the limit of
// a card), as the bank's API computes it.
func bankAccount(t *testing.T, db *store.DB, a *institution.Account) connector.Account {
	t.Helper()
	id := strconv.FormatInt(a.ID, 10)
	name := a.Nickname
	if name == "" {
		name = a.Type.Label()
	}
	want := connector.Account{ID: id, Ref: id, Mask: a.Number[len(a.Number)-4:], Name: name, Type: connector.AccountType(a.Type),
		Currency: "USD", Balance: a.Balance, Closed: a.Closed()}
	if a.Closed() {
		return want
	}
	txs, err := institution.Transactions(t.Context(), db.Reader(), a.ID, institution.TransactionFilter{IncludePending: true})
	if err != nil {
		t.Fatal(err)
	}
	available := a.Balance
	for _, tx := range txs {
		if tx.Status == institution.Pending && tx.Amount < 0 {
			available += tx.Amount
		}
	}
	if a.Type == institution.CreditCard {
		available += a.CreditLimit
	}
	want.Available, want.HasAvailable = max(available, 0), true
	return want
}

// transactionOf is what the connector must read for t.
func transactionOf(t *institution.Transaction) connector.Transaction {
	out := connector.Transaction{ID: strconv.FormatInt(t.ID, 10), Pending: t.Status == institution.Pending, Date: t.Date,
		Amount: t.Amount, Currency: "USD", Description: t.Description, Memo: t.Memo, CheckNumber: t.CheckNumber}
	if t.PendingID != 0 {
		out.PendingID = strconv.FormatInt(t.PendingID, 10)
	}
	return out
}

func sameTransaction(got, want connector.Transaction) bool {
	wantChecks := 0
	if want.CheckNumber != "" && want.Amount < 0 {
		wantChecks = 2
	}
	return got.ID == want.ID && got.Pending == want.Pending && got.PendingID == want.PendingID && got.Date.Equal(want.Date) &&
		got.Amount == want.Amount && got.Currency == want.Currency && got.Description == want.Description &&
		got.Memo == want.Memo && got.CheckNumber == want.CheckNumber && len(got.Checks) == wantChecks
}

// getStatus is the status of a GET with a bearer token.
func getStatus(t *testing.T, url, bearer string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
