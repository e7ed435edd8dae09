// Package bankapptest builds a complete institution (bankapp.App) on a test
// database: demo mode (codes go to the dev outbox), the seed policy unless
// told otherwise, cheap argon2id parameters and a fake clock.
package bankapptest

import (
	"log/slog"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Start is the fake clock's first time: a Monday morning.
var Start = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// New returns a demo bank on db with policy p (policy.Seed() when zero).
func New(t testing.TB, db *store.DB, p policy.Policy) (*bankapp.App, *clock.Fake) {
	t.Helper()
	if p.Profile == "" {
		p = policy.Seed()
	}
	hasher, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	fake := clock.NewFake(Start)
	app, err := bankapp.New(bankapp.Config{
		DB: db, Clock: fake, Logger: slog.New(slog.DiscardHandler), Policy: p, Hasher: hasher,
		MasterKey: []byte("bankapptest master key: 32 bytes"),
		Info:      bankseed.DemoInfo(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return app, fake
}
