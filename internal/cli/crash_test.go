package cli_test

import (
	"context"
	"encoding/base64"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/blob"
	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/institution/demobanktest"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// A `ledgersync refresh` process killed with SIGKILL at points through its
// run leaves either nothing or the whole refresh visible, and once the
// sweep has ended the lost refresh, the next one lands everything exactly
// once.
func TestSIGKILLDuringRefreshLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bank := demobanktest.Start(t, storetest.Open(t, store.SQLite))
	dir := t.TempDir()
	key := []byte("cli crash test master key 32 by.")
	dbURL := storetest.URL(t, store.SQLite)
	env := map[string]string{"LEDGERSYNC_DATA_DIR": dir, "LEDGERSYNC_DATABASE_URL": dbURL, "LEDGERSYNC_MASTER_KEY": base64.StdEncoding.EncodeToString(key)}
	if code, _, errOut := run(t, env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate up: %s", errOut)
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// An hour and more after the kills, so the sweep takes the killed
	// refreshes for lost.
	later := clock.NewFake(time.Now().Add(2 * time.Hour))
	a := openApp(t, db, dir, key, later)
	info := bankseed.DemoInfo()
	f, conns, err := a.SeedDemo(ctx, app.DemoBank{Name: info.Name, OFXURL: bank.OFXURL(), OFXOrg: info.ORG, OFXFID: info.FID, APIURL: bank.APIURL(), MemberPassword: bank.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	shared := map[string]string{}
	for _, ans := range bank.Demo.Answers {
		shared[ans.Question] = ans.Answer
	}
	var alice int64
	for _, c := range conns {
		if c.Member == "alice" {
			alice = c.ID
		}
	}
	if err := firm.SetSharedAnswers(ctx, db.Writer(), a.Box, f.ID, alice, shared); err != nil {
		t.Fatal(err)
	}
	landed := func() (accounts, txns, statements int) {
		accts, err := bankdata.ListAccounts(ctx, db.Reader(), f.ID, alice)
		if err != nil {
			t.Fatal(err)
		}
		for _, acct := range accts {
			ts, err := bankdata.ListTransactions(ctx, db.Reader(), f.ID, bankdata.TransactionFilter{AccountID: acct.ID})
			if err != nil {
				t.Fatal(err)
			}
			ss, err := bankdata.ListStatements(ctx, db.Reader(), f.ID, acct.ID)
			if err != nil {
				t.Fatal(err)
			}
			txns, statements = txns+len(ts), statements+len(ss)
		}
		return len(accts), txns, statements
	}

	kills := 0
	for _, after := range []time.Duration{300 * time.Millisecond, 600 * time.Millisecond, 900 * time.Millisecond, 1200 * time.Millisecond, 1600 * time.Millisecond} {
		cmd := exec.Command(os.Args[0], "refresh", strconv.FormatInt(alice, 10))
		cmd.Env = append(os.Environ(), asProcessEnv+"=1")
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after) // where the crash falls, not a timing assertion
		if cmd.Process.Signal(os.Kill) == nil {
			kills++
		}
		_ = cmd.Wait()
		// Whatever is visible was landed by a refresh that finished ok, in
		// the same transaction.
		var orphans int
		if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM synced_transaction t
			WHERE NOT EXISTS (SELECT 1 FROM refresh r WHERE r.id = t.first_refresh_id AND r.state = 'done' AND r.outcome = 'ok')`).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if accts, txns, _ := landed(); orphans != 0 || (accts != 0 && txns == 0) {
			t.Fatalf("killed after %s: %d transactions of an unfinished refresh, %d accounts, %d transactions visible", after, orphans, accts, txns)
		}
		if _, _, err := a.Refresh.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := refresh.Active(ctx, db.Reader(), f.ID, alice); err == nil {
			t.Fatalf("after the sweep refresh %d is still %s", r.ID, r.State)
		}
	}
	if kills == 0 {
		t.Fatal("no run was killed: every refresh finished first")
	}

	r, err := a.Refresh.Start(ctx, f.ID, alice, refresh.TriggerAPI)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		got, err := refresh.Get(ctx, db.Reader(), f.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == refresh.Done {
			if got.Outcome != firm.StatusOK {
				t.Fatalf("the refresh after the crashes ended %s: %s", got.Outcome, got.Detail)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the refresh after the crashes never ended")
		}
	}
	accts, txns, stmts := landed()

	// The same bank data through a fresh connection that never crashed.
	clean, err := firm.CreateConnection(ctx, db, a.Box, f.ID, firm.NewConnection{ClientID: mustClient(t, db, f.ID), InstitutionID: mustInstitution(t, db, bank.APIURL()),
		Label: "clean", Credentials: connector.Credentials{Username: "alice", Password: bank.Demo.Password}, SharedAnswers: shared, Schedule: firm.Manual}, later.Now())
	if err != nil {
		t.Fatal(err)
	}
	cr, err := a.Refresh.Start(ctx, f.ID, clean.ID, refresh.TriggerAPI)
	if err != nil {
		t.Fatal(err)
	}
	var want *refresh.Refresh
	for deadline := time.Now().Add(time.Minute); want == nil; time.Sleep(50 * time.Millisecond) {
		got, err := refresh.Get(ctx, db.Reader(), f.ID, cr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == refresh.Done {
			want = got
		}
		if time.Now().After(deadline) {
			t.Fatal("the clean refresh never ended")
		}
	}
	if accts != want.Accounts || txns != want.TransactionsNew || stmts != want.StatementsNew {
		t.Fatalf("after %d kills: %d accounts, %d transactions, %d statements; a clean refresh lands %d, %d, %d",
			kills, accts, txns, stmts, want.Accounts, want.TransactionsNew, want.StatementsNew)
	}
}

func openApp(t *testing.T, db *store.DB, dir string, key []byte, clk clock.Clock) *app.App {
	t.Helper()
	ctx := context.Background()
	box, err := secretbox.Open(key, filepath.Join(dir, secretbox.KeysetFileName), true)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewLocal(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, app.Config{DB: db, Box: box, Blobs: blobs, Hasher: hasher, Clock: clk, Logger: slog.New(slog.DiscardHandler), Workers: true,
		Connectors: map[connector.Kind]connector.Connector{connector.InstAPI: instapi.New(instapi.Options{})}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	return a
}

func mustClient(t *testing.T, db *store.DB, firmID int64) int64 {
	t.Helper()
	c, err := firm.CreateClient(context.Background(), db.Writer(), firmID, firm.ClientDetails{Name: "Clean Co"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func mustInstitution(t *testing.T, db *store.DB, apiURL string) int64 {
	t.Helper()
	in, err := firm.FindInstitution(context.Background(), db.Reader(), bankseed.DemoName, connector.InstAPI)
	if err != nil {
		t.Fatal(err)
	}
	return in.ID
}
