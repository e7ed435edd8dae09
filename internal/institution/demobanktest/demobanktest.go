// Package demobanktest serves the whole demo bank (member site, staff
// console, OFX Direct Connect and the JSON API) over real HTTP on a test
// database and a fake clock, for the tests of the code that talks to a bank:
// LedgerSync's connectors and refresh engine.
package demobanktest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/bankhttp"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Bank is a running demo bank.
type Bank struct {
	DB     *store.DB
	App    *bankapp.App
	Clock  *clock.Fake
	Demo   *bankseed.DemoBank
	Server *httptest.Server
	// Handler is the bank's mux, for tests that wrap it (to observe what
	// reaches the bank).
	Handler http.Handler
}

// Start seeds the demo bank on db (policy.Seed()) and serves it until the
// test ends.
func Start(t testing.TB, db *store.DB) *Bank {
	t.Helper()
	return StartWith(t, db, nil)
}

// StartWith is Start with wrap, when not nil, put in front of the bank's
// handler.
func StartWith(t testing.TB, db *store.DB, wrap func(http.Handler) http.Handler) *Bank {
	t.Helper()
	app, clk := bankapptest.New(t, db, policy.Policy{})
	demo, err := bankseed.Demo(context.Background(), db, app.Members, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	if _, err := bankhttp.Mount(mux, app); err != nil {
		t.Fatal(err)
	}
	var h http.Handler = mux
	if wrap != nil {
		h = wrap(mux)
	}
	b := &Bank{DB: db, App: app, Clock: clk, Demo: demo, Server: httptest.NewServer(h), Handler: h}
	t.Cleanup(b.Server.Close)
	return b
}

// OFXURL is the bank's Direct Connect endpoint.
func (b *Bank) OFXURL() string { return b.Server.URL + "/ofx" }

// APIURL is the JSON API's base URL.
func (b *Bank) APIURL() string { return b.Server.URL + "/api/v1" }

// Member is the demo member named username (alice, bob, carol, dave, erin).
func (b *Bank) Member(t testing.TB, username string) bankseed.DemoMember {
	t.Helper()
	m, ok := b.Demo.Member(username)
	if !ok {
		t.Fatalf("no demo member %q", username)
	}
	return m
}

var codeRE = regexp.MustCompile(`code is (\d+)`)

// Code reads the newest one-time code sent to number (E.164) from the dev
// outbox, failing the test when there is none.
func (b *Bank) Code(t testing.TB, number string) string {
	t.Helper()
	e, err := b.App.Outbox.Latest(context.Background(), number, "")
	if err != nil {
		t.Fatalf("no message to %s in the outbox: %v", number, err)
	}
	m := codeRE.FindStringSubmatch(e.Body)
	if m == nil {
		t.Fatalf("no code in the message to %s", number)
	}
	return m[1]
}

// Sent is how many messages went to number.
func (b *Bank) Sent(t testing.TB, number string) int {
	t.Helper()
	es, err := b.App.Outbox.List(context.Background(), notify.OutboxFilter{To: number, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}
