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

func statement(id string, month time.Month) connector.Statement {
	start := time.Date(2026, month, 1, 0, 0, 0, 0, time.UTC)
	return connector.Statement{ID: id, PeriodStart: start, PeriodEnd: start.AddDate(0, 1, -1), Ref: "/statements/" + id}
}

func TestUpsertStatement(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, acct := newAccount(t, db, "Ledger & Co")
		clk := clock.NewFake(t0)
		jan, feb := statement("2026-01", time.January), statement("2026-02", time.February)

		if has, err := bankdata.HasStatement(ctx, db.Reader(), f.firmID, acct, jan.ID); err != nil || has {
			t.Fatalf("HasStatement before any = %v, %v; want false", has, err)
		}
		steps := []struct {
			name        string
			s           connector.Statement
			key, sha    string
			size        int64
			wantCreated bool
		}{
			{"January, first time", jan, "statements/aa/aa01", "aa01", 1000, true},
			{"February", feb, "statements/bb/bb02", "bb02", 2000, true},
			{"January again", jan, "statements/aa/aa01", "aa01", 1000, false},
			{"January again, the bank re-rendered the PDF", jan, "statements/cc/cc03", "cc03", 1001, false},
		}
		for _, s := range steps {
			created, err := bankdata.UpsertStatement(ctx, db.Writer(), f.firmID, acct, s.s, s.key, s.sha, s.size, clk.Advance(time.Hour))
			if err != nil {
				t.Fatalf("%s: UpsertStatement: %v", s.name, err)
			}
			if created != s.wantCreated {
				t.Errorf("%s: created = %v, want %v", s.name, created, s.wantCreated)
			}
		}
		if has, err := bankdata.HasStatement(ctx, db.Reader(), f.firmID, acct, jan.ID); err != nil || !has {
			t.Errorf("HasStatement(January) = %v, %v; want true", has, err)
		}
		if has, err := bankdata.HasStatement(ctx, db.Reader(), f.firmID, acct, "2026-03"); err != nil || has {
			t.Errorf("HasStatement(March) = %v, %v; want false", has, err)
		}

		list, err := bankdata.ListStatements(ctx, db.Reader(), f.firmID, acct)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range list {
			ids = append(ids, s.ExternalID)
		}
		if want := []string{"2026-02", "2026-01"}; !slices.Equal(ids, want) {
			t.Fatalf("ListStatements = %q, want %q (latest first, no duplicate)", ids, want)
		}
		got, err := bankdata.GetStatement(ctx, db.Reader(), f.firmID, list[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		want := bankdata.Statement{ID: list[1].ID, AccountID: acct, ExternalID: "2026-01",
			PeriodStart: day(1).AddDate(0, -2, 0), PeriodEnd: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC),
			BlobKey: "statements/aa/aa01", SHA256: "aa01", Size: 1000, FetchedAt: t0.Add(time.Hour)}
		if got != want {
			t.Errorf("GetStatement =\n%+v\nwant the first fetch kept\n%+v", got, want)
		}
	})
}

func TestUpsertStatementRefusesNoFile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, acct := newAccount(t, db, "Ledger & Co")
		tests := []struct {
			name     string
			s        connector.Statement
			key, sha string
		}{
			{"no id", statement("", time.January), "statements/aa/aa01", "aa01"},
			{"no key", statement("2026-01", time.January), "", "aa01"},
			{"no hash", statement("2026-01", time.January), "statements/aa/aa01", ""},
		}
		for _, tt := range tests {
			if _, err := bankdata.UpsertStatement(context.Background(), db.Writer(), f.firmID, acct, tt.s, tt.key, tt.sha, 10, t0); err == nil {
				t.Errorf("%s: UpsertStatement accepted it", tt.name)
			}
		}
		if n := count(t, db, "synced_statement"); n != 0 {
			t.Errorf("%d statements stored, want 0", n)
		}
	})
}

func TestStatementsOfAnotherFirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mine, acct := newAccount(t, db, "Ledger & Co")
		other := newFirm(t, db, "Other LLP")
		jan := statement("2026-01", time.January)
		if _, err := bankdata.UpsertStatement(ctx, db.Writer(), mine.firmID, acct, jan, "statements/aa/aa01", "aa01", 1000, t0); err != nil {
			t.Fatal(err)
		}
		list, err := bankdata.ListStatements(ctx, db.Reader(), mine.firmID, acct)
		if err != nil || len(list) != 1 {
			t.Fatalf("ListStatements = %v, %v", list, err)
		}

		created, err := bankdata.UpsertStatement(ctx, db.Writer(), other.firmID, acct, statement("2026-02", time.February), "statements/bb/bb02", "bb02", 2000, t0)
		if !errors.Is(err, store.ErrNotFound) || created {
			t.Errorf("UpsertStatement into another firm's account = %v, %v; want store.ErrNotFound", created, err)
		}
		if has, err := bankdata.HasStatement(ctx, db.Reader(), other.firmID, acct, jan.ID); err != nil || has {
			t.Errorf("HasStatement(other firm) = %v, %v; want false", has, err)
		}
		if got, err := bankdata.ListStatements(ctx, db.Reader(), other.firmID, acct); err != nil || len(got) != 0 {
			t.Errorf("ListStatements(other firm) = %d statements, %v; want none", len(got), err)
		}
		if _, err := bankdata.GetStatement(ctx, db.Reader(), other.firmID, list[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetStatement(other firm): err = %v, want store.ErrNotFound", err)
		}
		if n := count(t, db, "synced_statement"); n != 1 {
			t.Errorf("%d statements stored, want 1", n)
		}
	})
}
