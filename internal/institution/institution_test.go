package institution_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	d, err := time.Parse(institution.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestPostingsPendingAndStatements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := &institution.Member{Number: "M-1001", FirstName: "Alice", LastName: "Able",
			Controls: risk.Controls{GeoBlock: []string{"RU"}, PCRegistrationRequired: true}}
		if err := institution.CreateMember(ctx, db.Writer(), m, now); err != nil {
			t.Fatal(err)
		}
		got, err := institution.MemberByNumber(ctx, db.Reader(), "M-1001")
		if err != nil || !got.Controls.PCRegistrationRequired || got.Controls.GeoBlock[0] != "RU" {
			t.Fatalf("member round trip: %+v %v", got, err)
		}
		a := &institution.Account{MemberID: m.ID, Number: "100200300", Type: institution.Checking, StatementCycleDay: 28, OpenedAt: now}
		if err := institution.OpenAccount(ctx, db.Writer(), a); err != nil {
			t.Fatal(err)
		}
		post := func(fit, date string, amount int64) {
			t.Helper()
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				return institution.Post(ctx, tx, &institution.Transaction{AccountID: a.ID, FITID: fit, Type: "DEBIT", Date: day(date), Amount: amount, Description: fit}, now)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		post("open", "2026-09-01", 100000)
		post("rent", "2026-10-01", -150000+100000) // -500.00
		post("pay", "2026-10-15", 250000)
		post("late", "2026-10-29", -1000)

		pending := &institution.Transaction{AccountID: a.ID, FITID: "auth-1", Type: "POS", Date: day("2026-10-20"), Amount: -4200, Description: "CAFE"}
		if err := institution.AddPending(ctx, db.Writer(), pending, now); err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			return institution.PostPending(ctx, tx, pending.ID, &institution.Transaction{AccountID: a.ID, FITID: "cafe-posted", Type: "POS", Date: day("2026-10-22"), Amount: -5000, Description: "CAFE"}, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		txs, err := institution.Transactions(ctx, db.Reader(), a.ID, institution.TransactionFilter{From: day("2026-09-29"), To: day("2026-10-28"), IncludePending: true})
		if err != nil {
			t.Fatal(err)
		}
		var fits []string
		for _, tr := range txs {
			fits = append(fits, tr.FITID)
			if tr.FITID == "cafe-posted" && tr.PendingID != pending.ID {
				t.Fatalf("the posting does not point at its pending item: %+v", tr)
			}
		}
		if len(fits) != 3 || fits[0] != "rent" || fits[2] != "cafe-posted" {
			t.Fatalf("transactions of the period %v, want rent, pay, cafe-posted (the pending one is void)", fits)
		}

		start, end := institution.PeriodEnding(28, 2026, time.October)
		if start != day("2026-09-29") || end != day("2026-10-28") {
			t.Fatalf("period %v – %v", start, end)
		}
		st, err := institution.CloseStatement(ctx, db.Writer(), a.ID, start, end)
		if err != nil {
			t.Fatal(err)
		}
		if st.Opening != 100000 || st.Closing != 100000-50000+250000-5000 {
			t.Fatalf("statement %+v", st)
		}
		if _, err := institution.CloseStatement(ctx, db.Writer(), a.ID, start, end); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("closing a period twice: %v", err)
		}
		if list, _ := institution.Statements(ctx, db.Reader(), a.ID, day("2026-10-28")); len(list) != 0 {
			t.Fatal("a statement is listed on the last day of its period; it becomes available the day after")
		}
		if list, _ := institution.Statements(ctx, db.Reader(), a.ID, day("2026-10-29")); len(list) != 1 {
			t.Fatal("the statement is not available the day after its period")
		}
		acct, _ := institution.GetAccount(ctx, db.Reader(), m.ID, a.ID)
		if acct.Balance != 100000-50000+250000-5000-1000 {
			t.Fatalf("balance %d", acct.Balance)
		}
		if err := institution.CloseAccount(ctx, db.Writer(), m.ID, a.ID, now); !errors.Is(err, institution.ErrAccountNotEmpty) {
			t.Fatalf("closing an account with money: %v", err)
		}
		if _, err := institution.GetAccount(ctx, db.Reader(), m.ID+1, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another member's account: %v, want ErrNotFound", err)
		}
	})
}
