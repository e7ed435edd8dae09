// Package jobs owns background work: one River client over either database
// (riversqlite on SQLite, database/sql with a pgx LISTEN connection on
// PostgreSQL), so the same workers run in the embedded mode and in
// scale-out. Jobs are enqueued inside the caller's transaction, so a job
// exists exactly when the data it acts on was committed.
//
// River is pinned to an exact version in go.mod: it is pre-1.0 and its minor
// versions break things; upgrade it deliberately.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Config says what a Queue runs. A Queue without Workers only enqueues: the
// CLI and the web surfaces use one of those; `serve` and `worker` run jobs.
type Config struct {
	Workers    *river.Workers       // nil for an enqueue-only queue
	MaxWorkers int                  // jobs run at once by this process; 0 means 10
	Periodic   []*river.PeriodicJob // run by whichever process is the leader
	Logger     *slog.Logger         // nil means slog.Default()
	// RescueAfter is how long a job may run before River takes it for
	// dead (its process killed) and runs it again; 0 means one hour.
	RescueAfter time.Duration
}

// Queue enqueues jobs and, when it has workers, runs them.
type Queue struct {
	client   *river.Client[*sql.Tx]
	working  bool
	listener bool // the driver hears inserts from other transactions (PostgreSQL)
}

func driver(db *store.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect() == store.Postgres {
		return riverdatabasesql.NewWithPgxListener(db.Writer(), db.PgxPool())
	}
	// River's SQLite operations share the single writer connection with
	// the application, as River's documentation recommends: SQLite allows
	// one writer, and queuing in Go beats SQLITE_BUSY.
	return riversqlite.New(db.Writer())
}

// New builds a Queue over db. The schema must be migrated (Migrate).
func New(db *store.DB, cfg Config) (*Queue, error) {
	if cfg.MaxWorkers == 0 {
		cfg.MaxWorkers = 10
	}
	if cfg.MaxWorkers < 1 || cfg.MaxWorkers > 10000 {
		return nil, fmt.Errorf("jobs: MaxWorkers %d is out of range 1–10000", cfg.MaxWorkers)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	rc := &river.Config{
		// River reports its own routine (clients started, job counts every
		// few seconds) at info; only its warnings and errors are ours.
		Logger:       slog.New(atLeast{logger.Handler(), slog.LevelWarn}),
		PeriodicJobs: cfg.Periodic,
		JobTimeout:   -1, // each job's own code bounds how long it may take
		// A person waits on a resumed refresh: fetch as soon as an insert
		// is heard rather than after River's default 100 ms cooldown.
		FetchCooldown:        5 * time.Millisecond,
		RescueStuckJobsAfter: cfg.RescueAfter,
	}
	if cfg.Workers != nil {
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}}
	}
	client, err := river.NewClient(driver(db), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{client: client, working: cfg.Workers != nil, listener: db.Dialect() == store.Postgres}, nil
}

// Client is the River client, for what this package does not wrap
// (subscriptions, job lookups).
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// EnqueueTx adds a job inside tx: if tx rolls back, the job never existed.
// With opts.UniqueOpts set, a duplicate is not added and the result says so
// (UniqueSkippedAsDuplicate) with the existing job.
func (q *Queue) EnqueueTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	res, err := q.client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return res, nil
}

// Wake makes this process's workers look for a job that EnqueueTx added in
// a transaction that has now committed, instead of at their next poll.
// PostgreSQL needs none (its LISTEN hears the insert at commit); on SQLite
// River wakes its workers on Insert but not on InsertTx, so Wake inserts
// args again with the same unique options: River skips the duplicate and
// wakes the workers. args must be enqueued with UniqueOpts.ByArgs;
// without it Wake does nothing.
func (q *Queue) Wake(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) {
	if q.listener || !q.working || opts == nil || !opts.UniqueOpts.ByArgs {
		return
	}
	_, _ = q.client.Insert(ctx, args, opts) // best effort: the next poll finds the job anyway
}

// Start begins working jobs. It returns at once; Stop ends the work.
func (q *Queue) Start(ctx context.Context) error {
	if !q.working {
		return errors.New("jobs: this queue has no workers and only enqueues")
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish. When ctx
// ends first, the running jobs' contexts are cancelled (they will be retried)
// and Stop returns ctx's error.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.working {
		return nil
	}
	err := q.client.Stop(ctx)
	if err == nil || !errors.Is(err, ctx.Err()) {
		return err
	}
	cancelCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = q.client.StopAndCancel(cancelCtx)
	return fmt.Errorf("jobs: running jobs did not finish in time and were cancelled: %w", err)
}

// atLeast passes on only the records of level min or above.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(attrs []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(attrs), h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{h.Handler.WithGroup(name), h.min}
}
