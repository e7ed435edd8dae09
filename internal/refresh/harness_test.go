package refresh_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/blob"
	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
	"github.com/ledgersync/ledgersync/internal/connector/ofxconn"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/institution/demobanktest"
	"github.com/ledgersync/ledgersync/internal/jobs"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// world is LedgerSync (its own database, real River workers, a fake clock)
// and the demo bank (its own database, served over HTTP), with one firm
// whose clients are connected to the bank's demo members.
type world struct {
	t     testing.TB
	ls    *app.App
	clock *clock.Fake
	bank  *demobanktest.Bank
	firm  *firm.Firm
	api   *firm.Institution // the bank's JSON API in the directory
	ofx   *firm.Institution // its OFX Direct Connect
}

func newWorld(t testing.TB, db *store.DB) *world {
	t.Helper()
	return newWorldWith(t, db, nil)
}

// newWorldWith is newWorld with wrap in front of the bank's handler.
func newWorldWith(t testing.TB, db *store.DB, wrap func(http.Handler) http.Handler) *world {
	t.Helper()
	ctx := context.Background()
	bank := demobanktest.StartWith(t, storetest.Open(t, db.Dialect()), wrap)
	box, err := secretbox.Open([]byte("refresh test master key 32 bytes"), filepath.Join(t.TempDir(), secretbox.KeysetFileName), true)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(bankapptest.Start)
	ls, err := app.New(ctx, app.Config{
		DB: db, Clock: clk, Logger: slog.New(slog.DiscardHandler), Box: box, Blobs: blobs, Hasher: hasher, Workers: true,
		Connectors: map[connector.Kind]connector.Connector{
			connector.InstAPI: instapi.New(instapi.Options{Clock: clk}),
			connector.OFX:     ofxconn.New(ofxconn.Options{Clock: clk}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := ls.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ls.Close(stop)
	})
	f, err := firm.Create(ctx, db.Writer(), "Demo Bookkeeping", "", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	inst, err := firm.AddInstitution(ctx, db.Writer(), firm.Institution{Name: "Demo Community Bank", Kind: connector.InstAPI, APIURL: bank.APIURL()}, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	info := bankseed.DemoInfo()
	direct, err := firm.AddInstitution(ctx, db.Writer(), firm.Institution{Name: info.Name, Kind: connector.OFX, OFXURL: bank.OFXURL(), OFXOrg: info.ORG, OFXFID: info.FID}, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, ls: ls, clock: clk, bank: bank, firm: f, api: inst, ofx: direct}
}

// connect adds a client connected to the bank's demo member username
// through the bank's JSON API.
func (w *world) connect(username string, shared map[string]string) *firm.Connection {
	w.t.Helper()
	return w.connectTo(w.api, username, shared)
}

// connectTo adds a client connected to username through inst.
func (w *world) connectTo(inst *firm.Institution, username string, shared map[string]string) *firm.Connection {
	w.t.Helper()
	ctx := context.Background()
	c, err := firm.CreateClient(ctx, w.ls.DB.Writer(), w.firm.ID, firm.ClientDetails{Name: username + " (client)"}, w.clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	conn, err := firm.CreateConnection(ctx, w.ls.DB, w.ls.Box, w.firm.ID, firm.NewConnection{
		ClientID: c.ID, InstitutionID: inst.ID, Label: username,
		Credentials:   connector.Credentials{Username: username, Password: w.bank.Demo.Password},
		SharedAnswers: shared, Schedule: firm.Manual,
	}, w.clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	return conn
}

// start begins a refresh of conn.
func (w *world) start(conn *firm.Connection, trigger refresh.Trigger) *refresh.Refresh {
	w.t.Helper()
	r, err := w.ls.Refresh.Start(context.Background(), w.firm.ID, conn.ID, trigger)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// waitFor waits until refresh id satisfies ok, woken by the firm's events
// (and, should an event be lost, a re-read every half second).
func (w *world) waitFor(id int64, what string, ok func(*refresh.Refresh) bool) *refresh.Refresh {
	w.t.Helper()
	events, cancel := w.ls.Events.Subscribe(w.firm.ID)
	defer cancel()
	deadline := time.After(30 * time.Second)
	for {
		r, err := refresh.Get(context.Background(), w.ls.DB.Reader(), w.firm.ID, id)
		if err != nil {
			w.t.Fatal(err)
		}
		if ok(r) {
			return r
		}
		select {
		case <-events:
		case <-time.After(500 * time.Millisecond):
		case <-deadline:
			w.t.Fatalf("refresh %d never became %s: it is %s %s (%s)", id, what, r.State, r.Outcome, r.Detail)
		}
	}
}

// done waits for the refresh to end.
func (w *world) done(r *refresh.Refresh) *refresh.Refresh {
	w.t.Helper()
	return w.waitFor(r.ID, "done", func(r *refresh.Refresh) bool { return r.State == refresh.Done })
}

// challenge waits for the refresh to wait on a person and returns the open
// challenge; after is the challenge already seen (0: none).
func (w *world) challenge(r *refresh.Refresh, after int64) *refresh.Challenge {
	w.t.Helper()
	var found *refresh.Challenge
	w.waitFor(r.ID, "waiting on a challenge", func(got *refresh.Refresh) bool {
		if got.State == refresh.Done {
			w.t.Fatalf("refresh %d ended %s (%s) instead of asking", got.ID, got.Outcome, got.Detail)
		}
		cs, err := refresh.OpenChallenges(context.Background(), w.ls.DB.Reader(), w.firm.ID, got.ConnectionID)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, c := range cs {
			if c.RefreshID == got.ID && c.ID > after {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

func (w *world) answer(c *refresh.Challenge, a connector.Answer, confirm bool) {
	w.t.Helper()
	if err := w.ls.Refresh.Answer(context.Background(), w.firm.ID, c.ID, a, confirm); err != nil {
		w.t.Fatalf("answer %s challenge: %v", c.Type, err)
	}
}

// option is the id of the challenge's option for channel.
func option(t *testing.T, c *refresh.Challenge, channel string) string {
	t.Helper()
	if c.Type != connector.ChooseDelivery {
		t.Fatalf("challenge is %s (%q), want choose_delivery", c.Type, c.Prompt)
	}
	for _, o := range c.Options {
		if o.Channel == channel {
			return o.ID
		}
	}
	t.Fatalf("no %s option among %+v", channel, c.Options)
	return ""
}

// landed is what the firm holds for conn.
func (w *world) landed(conn *firm.Connection) (accounts []bankdata.Account, txns int) {
	w.t.Helper()
	ctx := context.Background()
	accounts, err := bankdata.ListAccounts(ctx, w.ls.DB.Reader(), w.firm.ID, conn.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, a := range accounts {
		ts, err := bankdata.ListTransactions(ctx, w.ls.DB.Reader(), w.firm.ID, bankdata.TransactionFilter{AccountID: a.ID, Limit: 100000})
		if err != nil {
			w.t.Fatal(err)
		}
		txns += len(ts)
	}
	return accounts, txns
}

func connectionStatus(t *testing.T, w *world, conn *firm.Connection) *firm.Connection {
	t.Helper()
	c, err := firm.GetConnection(context.Background(), w.ls.DB.Reader(), w.firm.ID, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var errCrash = errors.New("simulated crash")
