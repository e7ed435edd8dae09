package documents_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Every door hands out these bytes: a statement only once its period has
// ended, a check image only for a check the account paid.
func TestStatementsAndChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	app, clk := bankapptest.New(t, db, policy.Policy{})
	if _, err := bankseed.Generate(ctx, db, bankseed.Options{Members: 3, Months: 3, Seed: 7, Now: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	q := db.Reader()
	var sawStatement, sawCheck, sawOther bool
	for n := 1; n <= 3; n++ {
		m, err := institution.MemberByNumber(ctx, q, bankseed.DefaultMemberNumberPrefix+"00000"+string(rune('0'+n)))
		if err != nil {
			t.Fatal(err)
		}
		accts, err := institution.Accounts(ctx, q, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range accts {
			sts, err := institution.Statements(ctx, q, a.ID, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range sts {
				pdf, err := documents.StatementPDF(ctx, app, m, a, st)
				if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
					t.Fatalf("statement %d: %v (%d bytes)", st.ID, err, len(pdf))
				}
				sawStatement = true
				early := *st
				early.AvailableOn = clk.Now().AddDate(0, 0, 1)
				if _, err := documents.StatementPDF(ctx, app, m, a, &early); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("a statement before its day: %v, want ErrNotFound", err)
				}
			}
			txs, err := institution.Transactions(ctx, q, a.ID, institution.TransactionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, tx := range txs {
				img, err := documents.CheckImage(m, a, tx, documents.Back, app.Info)
				switch {
				case documents.IsPaidCheck(tx) && !sawCheck:
					if err != nil || !bytes.HasPrefix(img, []byte("\x89PNG")) {
						t.Fatalf("check %s: %v", tx.CheckNumber, err)
					}
					if _, err := documents.CheckImage(m, a, tx, "side", app.Info); !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("a check's third side: %v, want ErrNotFound", err)
					}
					sawCheck = true
				case !documents.IsPaidCheck(tx) && !sawOther:
					if !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("transaction %q has a check image: %v", tx.Description, err)
					}
					sawOther = true
				}
			}
		}
	}
	if !sawStatement || !sawCheck || !sawOther {
		t.Fatalf("the generated bank lacks a statement (%v), a check (%v) or another transaction (%v)", sawStatement, sawCheck, sawOther)
	}
}
