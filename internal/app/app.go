// Package app assembles LedgerSync's services for firms (the staff sign-in
// engine, the refresh engine with its job queue and events, the blob store,
// the connectors) from a few settings, so that `ledgersync serve`,
// `ledgersync worker`, `ledgersync demo`, `ledgersync refresh` and the tests
// build LedgerSync the same way. The surfaces (the JSON API in app/api, the
// web app) take an *App.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ledgersync/ledgersync/internal/blob"
	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/event"
	"github.com/ledgersync/ledgersync/internal/jobs"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
)

// StaffRealm is the security realm firms' staff sign in to.
const StaffRealm = "ledgersync"

// SweepInterval is how often the periodic job expires unanswered challenges
// and starts due scheduled refreshes.
const SweepInterval = 15 * time.Second

// Config is what New needs.
type Config struct {
	DB     *store.DB
	Clock  clock.Clock  // nil: the real clock
	Logger *slog.Logger // nil: slog.Default()
	Box    *secretbox.Box
	Blobs  blob.Store
	Hasher *password.Hasher
	// Connectors by kind; required.
	Connectors map[connector.Kind]connector.Connector
	// Workers makes this process run refresh jobs (serve, worker, demo,
	// the CLI's refresh); without it the App only enqueues.
	Workers bool
	// MaxWorkers bounds the jobs run at once; 0 means the queue's default.
	MaxWorkers int
}

// App is the assembled LedgerSync.
type App struct {
	DB      *store.DB
	Clock   clock.Clock
	Logger  *slog.Logger
	Box     *secretbox.Box
	Blobs   blob.Store
	Staff   *auth.Engine // realm StaffRealm, the modern profile
	Events  *event.Bus
	Refresh *refresh.Engine
	Queue   *jobs.Queue
}

// New assembles an App. Close releases what it holds.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.DB == nil || cfg.Box == nil || cfg.Blobs == nil || cfg.Hasher == nil {
		return nil, errors.New("app: a database, a secret box, a blob store and a password hasher are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	a := &App{DB: cfg.DB, Clock: cfg.Clock, Logger: cfg.Logger, Box: cfg.Box, Blobs: cfg.Blobs}
	var err error
	if a.Staff, err = auth.New(auth.Config{
		DB: cfg.DB, Realm: StaffRealm, AuditScope: StaffRealm, Name: "LedgerSync", Policy: policy.Modern(),
		Hasher: cfg.Hasher, Clock: cfg.Clock, Logger: cfg.Logger,
	}); err != nil {
		return nil, fmt.Errorf("app: staff sign-in: %w", err)
	}
	if a.Events, err = event.New(ctx, cfg.DB, cfg.Logger); err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if a.Refresh, err = refresh.New(refresh.Config{
		DB: cfg.DB, Box: cfg.Box, Blobs: cfg.Blobs, Events: a.Events, Clock: cfg.Clock, Logger: cfg.Logger,
		Connectors: cfg.Connectors,
	}); err != nil {
		a.Events.Close()
		return nil, fmt.Errorf("app: %w", err)
	}
	qc := jobs.Config{Logger: cfg.Logger, MaxWorkers: cfg.MaxWorkers, RescueAfter: 15 * time.Minute}
	if cfg.Workers {
		qc.Workers = river.NewWorkers()
		a.Refresh.Register(qc.Workers)
		qc.Periodic = []*river.PeriodicJob{a.Refresh.Periodic(SweepInterval)}
	}
	if a.Queue, err = jobs.New(cfg.DB, qc); err != nil {
		a.Events.Close()
		return nil, fmt.Errorf("app: %w", err)
	}
	a.Refresh.UseQueue(a.Queue)
	return a, nil
}

// Start runs the refresh workers (an App built with Workers).
func (a *App) Start(ctx context.Context) error { return a.Queue.Start(ctx) }

// Close stops the workers, waiting for running jobs until ctx ends, and
// the event listener.
func (a *App) Close(ctx context.Context) error {
	err := a.Queue.Stop(ctx)
	a.Events.Close()
	return err
}
