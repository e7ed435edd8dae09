package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 9, 30, 0, 123456000, time.UTC)

func event(action string) *audit.Event {
	return &audit.Event{OccurredAt: t0, Scope: "institution", Actor: "member:1", Action: action, Subject: "member:1"}
}

func countEvents(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRow(`SELECT count(*) FROM audit_event`).Scan(&n); err != nil {
		t.Fatalf("count audit_event: %v", err)
	}
	return n
}

func TestMigrateThenCheckSchema(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.OpenEmpty(t, d)

			err := db.CheckSchema(ctx)
			if !errors.Is(err, store.ErrSchemaOutdated) {
				t.Fatalf("CheckSchema on an empty database = %v, want ErrSchemaOutdated", err)
			}
			if !strings.Contains(err.Error(), "ledgersync migrate up") {
				t.Errorf("CheckSchema error %q does not name the command that fixes it", err)
			}

			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if len(applied) == 0 {
				t.Fatal("first Migrate applied nothing")
			}
			again, err := db.Migrate(ctx)
			if err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			if len(again) != 0 {
				t.Fatalf("second Migrate applied %d migrations, want none", len(again))
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("CheckSchema after Migrate: %v", err)
			}
			status, err := db.MigrationStatus(ctx)
			if err != nil {
				t.Fatalf("MigrationStatus: %v", err)
			}
			if len(status) != len(applied) {
				t.Fatalf("MigrationStatus lists %d migrations, Migrate applied %d", len(status), len(applied))
			}
			for _, m := range status {
				if !m.Applied || m.AppliedAt.IsZero() {
					t.Errorf("migration %d %s: applied=%v at %v", m.Version, m.Name, m.Applied, m.AppliedAt)
				}
			}
		})
	}
}

func TestUniqueViolationIsErrConflict(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first := event("password.failed")
		first.EventID = "evt-1"
		if err := audit.Append(ctx, db.Writer(), first); err != nil {
			t.Fatalf("Append: %v", err)
		}
		dup := event("password.failed")
		dup.EventID = "evt-1"
		err := audit.Append(ctx, db.Writer(), dup)
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("Append with a duplicate event_id = %v, want ErrConflict", err)
		}
		if errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a conflict must not also be ErrNotFound: %v", err)
		}
		if n := countEvents(t, db); n != 1 {
			t.Fatalf("after a refused duplicate there are %d events, want 1", n)
		}
	})
}

func TestMissingRowIsErrNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := event("login.succeeded")
		if err := audit.Append(ctx, db.Writer(), e); err != nil {
			t.Fatalf("Append: %v", err)
		}
		if _, err := audit.Get(ctx, db.Reader(), "institution", e.ID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get of a missing id = %v, want ErrNotFound", err)
		}
		// Another scope's event is not found either: scoping is part of the key.
		if _, err := audit.Get(ctx, db.Reader(), "firm:2", e.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get from another scope = %v, want ErrNotFound", err)
		}
		got, err := audit.Get(ctx, db.Reader(), "institution", e.ID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !got.OccurredAt.Equal(t0) || got.Action != "login.succeeded" || got.EventID != e.EventID {
			t.Fatalf("Get returned %+v, want what was appended (occurred_at %v)", got, t0)
		}
	})
}

func TestInTxCommitsOrRollsBack(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			if err := audit.Append(ctx, tx, event("rolled.back")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx returned %v, want the function's error", err)
		}
		if n := countEvents(t, db); n != 0 {
			t.Fatalf("a failed transaction left %d events", n)
		}

		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("InTx swallowed a panic")
				}
			}()
			_ = db.InTx(ctx, func(tx *sql.Tx) error {
				if err := audit.Append(ctx, tx, event("panicked")); err != nil {
					return err
				}
				panic("crash in the middle of a transaction")
			})
		}()
		if n := countEvents(t, db); n != 0 {
			t.Fatalf("a panicking transaction left %d events", n)
		}

		if err := db.InTx(ctx, func(tx *sql.Tx) error { return audit.Append(ctx, tx, event("committed")) }); err != nil {
			t.Fatalf("InTx: %v", err)
		}
		if n := countEvents(t, db); n != 1 {
			t.Fatalf("after a committed transaction there are %d events, want 1", n)
		}
		// The writer is usable after all of that (no connection leaked).
		if err := audit.Append(ctx, db.Writer(), event("after")); err != nil {
			t.Fatalf("Append after transactions: %v", err)
		}
	})
}

func TestAuditEventIsAppendOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := audit.Append(ctx, db.Writer(), event("password.failed")); err != nil {
			t.Fatalf("Append: %v", err)
		}
		for _, stmt := range []string{
			`UPDATE audit_event SET action = 'nothing.happened'`,
			`DELETE FROM audit_event`,
		} {
			_, err := db.Writer().ExecContext(ctx, stmt)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
			}
		}
		if n := countEvents(t, db); n != 1 {
			t.Fatalf("after refused changes there are %d events, want 1", n)
		}
	})
}

func TestListFiltersAndPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 5 {
			e := event("password.failed")
			e.Subject = fmt.Sprintf("member:%d", i%2)
			e.OccurredAt = t0.Add(time.Duration(i) * time.Minute)
			e.Detail = map[string]string{"method": "password"}
			if err := audit.Append(ctx, db.Writer(), e); err != nil {
				t.Fatalf("Append: %v", err)
			}
		}
		other := event("password.failed")
		other.Scope = "firm:7"
		if err := audit.Append(ctx, db.Writer(), other); err != nil {
			t.Fatalf("Append: %v", err)
		}
		got, err := audit.List(ctx, db.Reader(), audit.Filter{Scope: "institution", Subject: "member:0"})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(got) != 3 {
			t.Fatalf("List(member:0) returned %d events, want 3", len(got))
		}
		if got[0].Detail["method"] != "password" {
			t.Errorf("detail did not round-trip: %v", got[0].Detail)
		}
		page, err := audit.List(ctx, db.Reader(), audit.Filter{Scope: "institution", AfterID: got[0].ID, Since: t0.Add(2 * time.Minute), Limit: 1})
		if err != nil {
			t.Fatalf("List page: %v", err)
		}
		if len(page) != 1 || !page[0].OccurredAt.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("List page = %+v, want the event at +2m", page)
		}
	})
}

// Many goroutines writing at once must all succeed: on SQLite they queue for
// the single writer connection instead of failing with SQLITE_BUSY.
func TestConcurrentWritersAllSucceed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const writers = 40
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTx(ctx, func(tx *sql.Tx) error {
					return audit.Append(ctx, tx, event(fmt.Sprintf("write.%d", i)))
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent InTx: %v", err)
			}
		}
		if n := countEvents(t, db); n != writers {
			t.Fatalf("%d concurrent writers left %d events", writers, n)
		}
	})
}

func TestOpenRefusesUnknownURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"mysql://root@localhost/x", ":memory:", "x.db?_pragma=foo"} {
		if _, err := store.Open(context.Background(), u); err == nil {
			t.Errorf("Open(%q) succeeded, want a clear refusal", u)
		}
	}
}

func TestRedactHidesThePassword(t *testing.T) {
	t.Parallel()
	got := store.Redact("postgres://app:s3cr3t-pw@db.internal:5432/ledgersync?sslmode=require")
	if strings.Contains(got, "s3cr3t-pw") {
		t.Fatalf("Redact left the password in %q", got)
	}
	if !strings.Contains(got, "db.internal:5432/ledgersync") {
		t.Fatalf("Redact lost the host or database: %q", got)
	}
	if got := store.Redact("./ledgersync-data/x.db"); got != "./ledgersync-data/x.db" {
		t.Fatalf("Redact changed a path: %q", got)
	}
}
