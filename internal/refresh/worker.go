package refresh

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// RunArgs is the job that signs in and refreshes.
type RunArgs struct {
	FirmID    int64 `json:"firm_id"`
	RefreshID int64 `json:"refresh_id"`
}

// Kind names the job.
func (RunArgs) Kind() string { return "refresh" }

// ResumeArgs is the job that takes a person's answer to the bank.
type ResumeArgs struct {
	FirmID      int64 `json:"firm_id"`
	ChallengeID int64 `json:"challenge_id"`
}

// Kind names the job.
func (ResumeArgs) Kind() string { return "refresh_resume" }

// SweepArgs is the periodic job that expires challenges and starts the
// scheduled refreshes.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "refresh_sweep" }

// unattendedAttempts bounds the retries of a scheduled refresh whose bank
// is down: River waits attempt⁴ seconds between them (1 s, 16 s, 81 s,
// 256 s). An attended one is not retried for a bank that is down (a person
// is waiting and is told at once), but its job may run twice when a crashed
// process's job is rescued.
const unattendedAttempts = 5

// jobTimeout bounds one run: a sign-in, the downloads and the landing.
const jobTimeout = 10 * time.Minute

func runOpts(attended bool) *river.InsertOpts {
	n := unattendedAttempts
	if attended {
		n = 2
	}
	return &river.InsertOpts{MaxAttempts: n, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

func resumeOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: 2, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type runWorker struct {
	river.WorkerDefaults[RunArgs]
	e *Engine
}

func (w *runWorker) Timeout(*river.Job[RunArgs]) time.Duration { return jobTimeout }

func (w *runWorker) Work(ctx context.Context, job *river.Job[RunArgs]) error {
	lastTry := job.Attempt >= job.MaxAttempts
	err := w.e.Run(ctx, job.Args.FirmID, job.Args.RefreshID, lastTry)
	if err != nil && lastTry {
		w.e.abandon(ctx, job.Args.FirmID, job.Args.RefreshID, err)
	}
	return err
}

type resumeWorker struct {
	river.WorkerDefaults[ResumeArgs]
	e *Engine
}

func (w *resumeWorker) Timeout(*river.Job[ResumeArgs]) time.Duration { return jobTimeout }

func (w *resumeWorker) Work(ctx context.Context, job *river.Job[ResumeArgs]) error {
	err := w.e.Resume(ctx, job.Args.FirmID, job.Args.ChallengeID)
	if err != nil && job.Attempt >= job.MaxAttempts {
		if c, gerr := GetChallenge(ctx, w.e.cfg.DB.Reader(), job.Args.FirmID, job.Args.ChallengeID); gerr == nil {
			w.e.abandon(ctx, c.FirmID, c.RefreshID, err)
		}
	}
	return err
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	e *Engine
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, _, err := w.e.Sweep(ctx)
	return err
}
