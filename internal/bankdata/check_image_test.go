package bankdata_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// newCheck makes a firm with one account and a check paid from it.
func newCheck(t *testing.T, db *store.DB, name string) (firmFixture, int64) {
	t.Helper()
	f, acct := newAccount(t, db, name)
	check := posted("CHK1001", 8, -45000, "CHECK 1001")
	check.CheckNumber = "1001"
	_, ids, err := bankdata.UpsertTransactions(context.Background(), db.Writer(), f.firmID, acct, f.refreshID,
		[]connector.Transaction{check}, day(1), day(20), t0)
	if err != nil {
		t.Fatalf("UpsertTransactions: %v", err)
	}
	return f, ids["CHK1001"]
}

func TestUpsertCheckImage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, txn := newCheck(t, db, "Ledger & Co")
		steps := []struct {
			name        string
			side        connector.Side
			key         string
			wantCreated bool
			wantFront   bool
			wantBack    bool
		}{
			{"front", connector.Front, "checks/aa/aa01", true, true, false},
			{"front again", connector.Front, "checks/aa/aa01", false, true, false},
			{"front again, other bytes", connector.Front, "checks/cc/cc03", false, true, false},
			{"back", connector.Back, "checks/bb/bb02", true, true, true},
		}
		for i, s := range steps {
			has, err := bankdata.HasCheckImage(ctx, db.Reader(), f.firmID, txn, s.side)
			if err != nil {
				t.Fatal(err)
			}
			if want := i > 0 && s.side == connector.Front; has != want {
				t.Errorf("%s: HasCheckImage before = %v, want %v", s.name, has, want)
			}
			created, err := bankdata.UpsertCheckImage(ctx, db.Writer(), f.firmID, txn, s.side, s.key, s.key[len(s.key)-4:], 500, t0.Add(time.Duration(i)*time.Hour))
			if err != nil {
				t.Fatalf("%s: UpsertCheckImage: %v", s.name, err)
			}
			if created != s.wantCreated {
				t.Errorf("%s: created = %v, want %v", s.name, created, s.wantCreated)
			}
			tx, err := bankdata.GetTransaction(ctx, db.Reader(), f.firmID, txn)
			if err != nil {
				t.Fatal(err)
			}
			if tx.HasFront != s.wantFront || tx.HasBack != s.wantBack {
				t.Errorf("%s: the transaction has front %v, back %v; want %v, %v", s.name, tx.HasFront, tx.HasBack, s.wantFront, s.wantBack)
			}
		}
		got, err := bankdata.GetCheckImage(ctx, db.Reader(), f.firmID, txn, connector.Front)
		if err != nil {
			t.Fatal(err)
		}
		want := bankdata.CheckImage{ID: got.ID, TransactionID: txn, Side: connector.Front, BlobKey: "checks/aa/aa01", SHA256: "aa01", Size: 500, FetchedAt: t0}
		if got != want {
			t.Errorf("GetCheckImage =\n%+v\nwant the first fetch kept\n%+v", got, want)
		}
		if n := count(t, db, "synced_check_image"); n != 2 {
			t.Errorf("%d check images stored, want 2", n)
		}
	})
}

func TestUpsertCheckImageRefusesBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, txn := newCheck(t, db, "Ledger & Co")
		tests := []struct {
			name string
			side connector.Side
			key  string
		}{
			{"no side", "", "checks/aa/aa01"},
			{"a side that is not one", "left", "checks/aa/aa01"},
			{"no file", connector.Front, ""},
		}
		for _, tt := range tests {
			if _, err := bankdata.UpsertCheckImage(context.Background(), db.Writer(), f.firmID, txn, tt.side, tt.key, "aa01", 10, t0); err == nil {
				t.Errorf("%s: UpsertCheckImage accepted it", tt.name)
			}
		}
		if n := count(t, db, "synced_check_image"); n != 0 {
			t.Errorf("%d check images stored, want 0", n)
		}
	})
}

func TestCheckImagesOfAnotherFirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mine, txn := newCheck(t, db, "Ledger & Co")
		other := newFirm(t, db, "Other LLP")
		if _, err := bankdata.UpsertCheckImage(ctx, db.Writer(), mine.firmID, txn, connector.Front, "checks/aa/aa01", "aa01", 500, t0); err != nil {
			t.Fatal(err)
		}
		created, err := bankdata.UpsertCheckImage(ctx, db.Writer(), other.firmID, txn, connector.Back, "checks/bb/bb02", "bb02", 500, t0)
		if !errors.Is(err, store.ErrNotFound) || created {
			t.Errorf("UpsertCheckImage on another firm's transaction = %v, %v; want store.ErrNotFound", created, err)
		}
		if has, err := bankdata.HasCheckImage(ctx, db.Reader(), other.firmID, txn, connector.Front); err != nil || has {
			t.Errorf("HasCheckImage(other firm) = %v, %v; want false", has, err)
		}
		if _, err := bankdata.GetCheckImage(ctx, db.Reader(), other.firmID, txn, connector.Front); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetCheckImage(other firm): err = %v, want store.ErrNotFound", err)
		}
		if n := count(t, db, "synced_check_image"); n != 1 {
			t.Errorf("%d check images stored, want 1", n)
		}
	})
}
