package institution_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

type fixture struct {
	db                      *store.DB
	member                  *institution.Member
	checking, savings, card *institution.Account
}

func newFixture(t *testing.T, db *store.DB, number string, deposit int64) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, member: &institution.Member{Number: number, FirstName: "Pat", LastName: "Payer"}}
	if err := institution.CreateMember(ctx, db.Writer(), f.member, now); err != nil {
		t.Fatal(err)
	}
	for _, a := range []**institution.Account{&f.checking, &f.savings, &f.card} {
		*a = &institution.Account{MemberID: f.member.ID, StatementCycleDay: 1, OpenedAt: now}
	}
	f.checking.Type, f.checking.Number = institution.Checking, number+"01"
	f.savings.Type, f.savings.Number = institution.Savings, number+"02"
	f.card.Type, f.card.Number = institution.CreditCard, number+"03"
	for _, a := range []*institution.Account{f.checking, f.savings, f.card} {
		if err := institution.OpenAccount(ctx, db.Writer(), a); err != nil {
			t.Fatal(err)
		}
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		return institution.Post(ctx, tx, &institution.Transaction{AccountID: f.checking.ID, FITID: number + "-dep", Type: "DEP", Date: now, Amount: deposit, Description: "DEPOSIT"}, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) balance(t *testing.T, a *institution.Account) int64 {
	t.Helper()
	got, err := institution.GetAccount(context.Background(), f.db.Reader(), f.member.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Balance
}

func TestTransfersMoveMoneyOrNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, "M-2001", 100000)
		transfer := func(r institution.TransferRequest) (*institution.Transfer, error) {
			var tr *institution.Transfer
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				var err error
				tr, err = institution.MakeTransfer(ctx, tx, r, now)
				return err
			})
			return tr, err
		}
		tr, err := transfer(institution.TransferRequest{MemberID: f.member.ID, Kind: institution.Internal, FromAccountID: f.checking.ID, ToAccountID: f.savings.ID, Amount: 25000})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Reference) != 10 {
			t.Fatalf("reference %q", tr.Reference)
		}
		if f.balance(t, f.checking) != 75000 || f.balance(t, f.savings) != 25000 {
			t.Fatalf("after an internal transfer: checking %d savings %d", f.balance(t, f.checking), f.balance(t, f.savings))
		}
		if _, err := transfer(institution.TransferRequest{MemberID: f.member.ID, Kind: institution.Wire, FromAccountID: f.checking.ID,
			ToRouting: "123456780", ToAccountNumber: "99887766", ToName: "Title Co", Amount: 80000}); !errors.Is(err, institution.ErrInsufficientFunds) {
			t.Fatalf("a wire above the balance: %v", err)
		}
		if _, err := transfer(institution.TransferRequest{MemberID: f.member.ID, Kind: institution.ACH, FromAccountID: f.checking.ID,
			ToRouting: "123456781", ToAccountNumber: "99887766", ToName: "Utility", Amount: 100}); err == nil {
			t.Fatal("a bad routing check digit was accepted")
		}
		if _, err := transfer(institution.TransferRequest{MemberID: f.member.ID, Kind: institution.ACH, FromAccountID: f.checking.ID,
			ToRouting: "123456780", ToAccountNumber: "99887766", ToName: "Utility", Amount: 5000}); err != nil {
			t.Fatal(err)
		}
		if f.balance(t, f.checking) != 70000 {
			t.Fatalf("after an ACH: checking %d, and refused transfers must move nothing", f.balance(t, f.checking))
		}
		other := newFixture(t, db, "M-2002", 1000)
		if _, err := transfer(institution.TransferRequest{MemberID: f.member.ID, Kind: institution.Internal, FromAccountID: f.checking.ID, ToAccountID: other.savings.ID, Amount: 100}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a transfer into another member's account: %v, want ErrNotFound", err)
		}
		// Card payment from checking.
		if _, err := transfer(institution.TransferRequest{MemberID: f.member.ID, Kind: institution.Internal, FromAccountID: f.checking.ID, ToAccountID: f.card.ID, Amount: 1000}); err != nil {
			t.Fatal(err)
		}
		txs, _ := institution.Transactions(ctx, db.Reader(), f.card.ID, institution.TransactionFilter{})
		if len(txs) != 1 || txs[0].Type != "PAYMENT" {
			t.Fatalf("card payment recorded as %+v", txs)
		}
	})
}

func TestActivityReportRatesMembers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := institution.SetActivityGroup(ctx, db.Writer(), institution.ActivityGroup{Name: "personal", NormalCount: 2, AbnormalCount: 4, NormalAmount: 100000, AbnormalAmount: 500000}); err != nil {
			t.Fatal(err)
		}
		quiet := newFixture(t, db, "M-3001", 1000)   // 1 transaction
		busy := newFixture(t, db, "M-3002", 1000)    // 4 → abnormal
		spender := newFixture(t, db, "M-3003", 1000) // a big debit → high risk
		post := func(f *fixture, fit string, amount int64) {
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				return institution.Post(ctx, tx, &institution.Transaction{AccountID: f.checking.ID, FITID: fit, Type: "DEBIT", Date: now, Amount: amount, Description: fit}, now)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range 3 {
			post(busy, "busy-"+string(rune('a'+i)), -10)
		}
		post(spender, "big", -600000)
		report, err := institution.ActivityReport(ctx, db.Reader(), now.Year(), now.Month())
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]institution.Rating{}
		for _, r := range report {
			got[r.MemberID] = r.Rating
		}
		if got[quiet.member.ID] != institution.Normal || got[busy.member.ID] != institution.Abnormal || got[spender.member.ID] != institution.HighRisk {
			t.Fatalf("ratings %v", got)
		}
		if report[0].MemberID != spender.member.ID {
			t.Fatalf("the report starts with %s, want the high-risk member first", report[0].Name)
		}
	})
}
