package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

const crashURLEnv = "LEDGERSYNC_CRASH_WRITER_URL"

func TestMain(m *testing.M) {
	if url := os.Getenv(crashURLEnv); url != "" {
		crashWriter(url)
	}
	os.Exit(m.Run())
}

// crashWriter is the writer process TestKilledWriterLosesNothing starts (the
// test binary again) and kills in the middle of a transaction.
func crashWriter(url string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash writer:", err)
		os.Exit(3)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		fail(err)
	}
	if err := audit.Append(ctx, db.Writer(), event("committed.before.crash")); err != nil {
		fail(err)
	}
	_ = db.InTx(ctx, func(tx *sql.Tx) error {
		// Enough data to spill out of SQLite's page cache into the WAL, so the
		// crash leaves uncommitted pages on disk for recovery to discard.
		pad := strings.Repeat("x", 1024)
		for range 5000 {
			e := event("uncommitted")
			e.Detail = map[string]string{"pad": pad}
			if err := audit.Append(ctx, tx, e); err != nil {
				fail(err)
			}
		}
		os.Stdout.WriteString("READY\n")
		select {} // wait to be killed with the transaction open
	})
}

func TestKilledWriterLosesNothing(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := storetest.URL(t, d)
			db, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			db.Close()

			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), crashURLEnv+"="+url)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ready := make(chan bool, 1)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if sc.Text() == "READY" {
						ready <- true
						return
					}
				}
				ready <- false
			}()
			select {
			case ok := <-ready:
				if !ok {
					cmd.Process.Kill()
					t.Fatal("the writer subprocess exited before opening its transaction")
				}
			case <-time.After(2 * time.Minute): // a hung subprocess, not a timing assertion
				cmd.Process.Kill()
				t.Fatal("the writer subprocess never opened its transaction")
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()

			db, err = store.Open(ctx, url)
			if err != nil {
				t.Fatalf("open after the writer was killed: %v", err)
			}
			defer db.Close()
			if d == store.SQLite {
				var check string
				if err := db.Reader().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
					t.Fatalf("integrity_check = %q, %v", check, err)
				}
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("schema after the crash: %v", err)
			}
			var committed, uncommitted int
			db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM audit_event WHERE action = 'committed.before.crash'`).Scan(&committed)
			db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM audit_event WHERE action = 'uncommitted'`).Scan(&uncommitted)
			if committed != 1 || uncommitted != 0 {
				t.Fatalf("after the crash: %d committed events (want 1), %d from the killed transaction (want 0)", committed, uncommitted)
			}
			// The next writer gets the lock without waiting for the dead one.
			if err := db.InTx(ctx, func(tx *sql.Tx) error { return audit.Append(ctx, tx, event("after.crash")) }); err != nil {
				t.Fatalf("write after the crash: %v", err)
			}
		})
	}
}
