package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ledgersync/ledgersync/internal/jobs"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// recordArgs is a job that records its name each time it runs.
type recordArgs struct {
	Name string `json:"name"`
}

func (recordArgs) Kind() string { return "test_record" }

type recordWorker struct {
	river.WorkerDefaults[recordArgs]
	mu   sync.Mutex
	runs map[string]int
}

func (w *recordWorker) Work(ctx context.Context, job *river.Job[recordArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs[job.Args.Name]++
	return nil
}

func (w *recordWorker) count(name string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs[name]
}

type bundle struct {
	db     *store.DB
	queue  *jobs.Queue
	worker *recordWorker
	done   <-chan *river.Event
}

// setup opens a migrated database of dialect d with a running queue whose
// workers also include extra.
func setup(t *testing.T, db *store.DB, extra func(*river.Workers), periodic ...*river.PeriodicJob) *bundle {
	t.Helper()
	ctx := context.Background()
	if _, err := jobs.Migrate(ctx, db); err != nil {
		t.Fatalf("jobs.Migrate: %v", err)
	}
	w := &recordWorker{runs: map[string]int{}}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	if extra != nil {
		extra(workers)
	}
	q, err := jobs.New(db, jobs.Config{Workers: workers, MaxWorkers: 4, Periodic: periodic})
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	done, cancel := q.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	t.Cleanup(cancel)
	if err := q.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return &bundle{db: db, queue: q, worker: w, done: done}
}

// waitFor returns the next completed or failed job event of the given kind.
func (b *bundle) waitFor(t *testing.T, kind string) *river.Event {
	t.Helper()
	timeout := time.After(time.Minute) // a hung queue, not a timing assertion
	for {
		select {
		case ev := <-b.done:
			if ev.Job.Kind == kind {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s job finished", kind)
		}
	}
}

func (b *bundle) jobCount(t *testing.T, kind string) int {
	t.Helper()
	var n int
	if err := b.db.Reader().QueryRow(`SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatalf("count river_job: %v", err)
	}
	return n
}

func TestEnqueueFollowsTheTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := setup(t, db, nil)
		ctx := context.Background()

		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := b.queue.EnqueueTx(ctx, tx, recordArgs{Name: "rolled-back"}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			_, err := b.queue.EnqueueTx(ctx, tx, recordArgs{Name: "committed"}, nil)
			return err
		})
		if err != nil {
			t.Fatalf("enqueue in a committed transaction: %v", err)
		}

		ev := b.waitFor(t, "test_record")
		if ev.Kind != river.EventKindJobCompleted {
			t.Fatalf("job ended %s, want completed", ev.Kind)
		}
		if got := b.worker.count("committed"); got != 1 {
			t.Fatalf("the committed job ran %d times, want 1", got)
		}
		if got := b.worker.count("rolled-back"); got != 0 {
			t.Fatalf("the rolled-back job ran %d times, want 0", got)
		}
		if n := b.jobCount(t, "test_record"); n != 1 {
			t.Fatalf("river_job holds %d test_record jobs, want 1 (the rolled-back one must not exist)", n)
		}
	})
}

func TestUniqueJobIsNotDuplicated(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(db, jobs.Config{}) // enqueue-only: nothing runs the jobs away
		if err != nil {
			t.Fatal(err)
		}
		opts := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
		var first, second *rivertype.JobInsertResult
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			first, err = q.EnqueueTx(ctx, tx, recordArgs{Name: "connection-7"}, opts)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			second, err = q.EnqueueTx(ctx, tx, recordArgs{Name: "connection-7"}, opts)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if first.UniqueSkippedAsDuplicate || !second.UniqueSkippedAsDuplicate {
			t.Fatalf("skipped as duplicate: first %v, second %v; want false, true", first.UniqueSkippedAsDuplicate, second.UniqueSkippedAsDuplicate)
		}
		if first.Job.ID != second.Job.ID {
			t.Fatalf("the duplicate returned job %d, want the existing %d", second.Job.ID, first.Job.ID)
		}
		// Different arguments are a different job.
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			res, err := q.EnqueueTx(ctx, tx, recordArgs{Name: "connection-8"}, opts)
			if err == nil && res.UniqueSkippedAsDuplicate {
				t.Error("a job with other arguments was skipped as a duplicate")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		db.Reader().QueryRow(`SELECT count(*) FROM river_job`).Scan(&n)
		if n != 2 {
			t.Fatalf("river_job holds %d jobs, want 2", n)
		}
	})
}

func TestPeriodicJobRuns(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		periodic := river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return recordArgs{Name: "hourly"}, nil },
			&river.PeriodicJobOpts{RunOnStart: true})
		b := setup(t, db, nil, periodic)
		b.waitFor(t, "test_record")
		if got := b.worker.count("hourly"); got != 1 {
			t.Fatalf("the periodic job ran %d times at start, want 1", got)
		}
	})
}

// blockArgs is a job that runs until the test releases it.
type blockArgs struct{}

func (blockArgs) Kind() string { return "test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started   chan struct{}
	release   chan struct{}
	cancelled chan struct{}
}

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	close(w.started)
	select {
	case <-w.release:
		return nil
	case <-ctx.Done():
		close(w.cancelled)
		return ctx.Err()
	}
}

func TestStopLetsRunningJobsFinish(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := &blockWorker{started: make(chan struct{}), release: make(chan struct{}), cancelled: make(chan struct{})}
		b := setup(t, db, func(ws *river.Workers) { river.AddWorker(ws, w) })
		var id int64
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			res, err := b.queue.EnqueueTx(ctx, tx, blockArgs{}, nil)
			if err == nil {
				id = res.Job.ID
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		<-w.started

		stopped := make(chan error, 1)
		go func() { stopped <- b.queue.Stop(ctx) }()
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned (%v) while a job was still running", err)
		case <-w.cancelled:
			t.Fatal("Stop cancelled the running job instead of letting it finish")
		default:
		}
		close(w.release)
		if err := <-stopped; err != nil {
			t.Fatalf("Stop: %v", err)
		}
		select {
		case <-w.cancelled:
			t.Fatal("the running job was cancelled")
		default:
		}
		job, err := b.queue.Client().JobGet(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if job.State != rivertype.JobStateCompleted {
			t.Fatalf("after a graceful stop the job is %s, want completed", job.State)
		}
	})
}

func TestCheckSchema(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := jobs.CheckSchema(ctx, db); !errors.Is(err, store.ErrSchemaOutdated) {
			t.Fatalf("CheckSchema before Migrate = %v, want ErrSchemaOutdated", err)
		}
		applied, known, err := jobs.Status(ctx, db)
		if err != nil || len(applied) != 0 || len(known) == 0 {
			t.Fatalf("Status before Migrate = %v, %v, %v; want nothing applied of a known list", applied, known, err)
		}
		first, err := jobs.Migrate(ctx, db)
		if err != nil || len(first) == 0 {
			t.Fatalf("Migrate = %v, %v", first, err)
		}
		again, err := jobs.Migrate(ctx, db)
		if err != nil || len(again) != 0 {
			t.Fatalf("second Migrate = %v, %v; want nothing applied", again, err)
		}
		if err := jobs.CheckSchema(ctx, db); err != nil {
			t.Fatalf("CheckSchema after Migrate: %v", err)
		}
		applied, known, err = jobs.Status(ctx, db)
		if err != nil || len(applied) != len(known) {
			t.Fatalf("Status after Migrate: applied %v of %v, %v", applied, known, err)
		}
	})
}
