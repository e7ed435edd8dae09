package refresh

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/ledgersync/ledgersync/internal/blob"
	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/event"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/jobs"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
)

// ChallengeTTL is how long a person has to answer a challenge: the banks'
// three-minute rule.
const ChallengeTTL = 180 * time.Second

// Defaults of Config.
const (
	DefaultOverlap      = 15 * 24 * time.Hour  // re-pulled each refresh, for late postings and amendments
	DefaultFirstHistory = 365 * 24 * time.Hour // what a connection's first refresh pulls
)

// Config is what an Engine needs.
type Config struct {
	DB     *store.DB
	Box    *secretbox.Box // seals the challenges' state and answers
	Blobs  blob.Store     // statement PDFs and check images
	Events *event.Bus
	Clock  clock.Clock
	Logger *slog.Logger
	// Connectors by kind: the institution directory names the kind.
	Connectors map[connector.Kind]connector.Connector
	// Overlap and FirstHistory bound the transactions asked for; zero means
	// the defaults.
	Overlap, FirstHistory time.Duration
}

// Engine runs refreshes.
type Engine struct {
	cfg   Config
	queue *jobs.Queue

	failAt func(step string) error // tests: stop at a step, as a crash would
}

// The errors surfaces show.
var (
	// ErrInProgress: the connection already has a refresh in flight.
	ErrInProgress = errors.New("this connection is already being refreshed")
	// ErrChallengeExpired: the 180 seconds are over.
	ErrChallengeExpired = errors.New("the 180 seconds to answer are over: update account canceled or aborted; refresh again when the client is ready")
	// ErrChallengeClosed: the challenge was already answered or canceled.
	ErrChallengeClosed = errors.New("this challenge was already answered or canceled")
	// ErrConfirmLastAttempt: the bank locks the sign-in after one more wrong
	// answer, so the answer must come with confirm_last_attempt.
	ErrConfirmLastAttempt = errors.New("this is the last attempt before the bank locks the sign-in: confirm to send the answer")
)

// AnswerError is an answer that does not fit its challenge.
type AnswerError struct{ Field, Problem string }

func (e *AnswerError) Error() string { return e.Field + ": " + e.Problem }

// New validates cfg and returns an Engine. It cannot start refreshes until
// UseQueue gives it a queue.
func New(cfg Config) (*Engine, error) {
	switch {
	case cfg.DB == nil:
		return nil, errors.New("refresh: a database is required")
	case cfg.Box == nil:
		return nil, errors.New("refresh: a secret box is required")
	case cfg.Blobs == nil:
		return nil, errors.New("refresh: a blob store is required")
	case cfg.Events == nil:
		return nil, errors.New("refresh: an event bus is required")
	case len(cfg.Connectors) == 0:
		return nil, errors.New("refresh: at least one connector is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Overlap == 0 {
		cfg.Overlap = DefaultOverlap
	}
	if cfg.FirstHistory == 0 {
		cfg.FirstHistory = DefaultFirstHistory
	}
	return &Engine{cfg: cfg}, nil
}

// UseQueue gives the engine the queue it enqueues its jobs on.
func (e *Engine) UseQueue(q *jobs.Queue) { e.queue = q }

// Clock is the engine's clock.
func (e *Engine) Clock() clock.Clock { return e.cfg.Clock }

// Register adds the engine's workers to w, for a queue that runs jobs.
func (e *Engine) Register(w *river.Workers) {
	river.AddWorker(w, &runWorker{e: e})
	river.AddWorker(w, &resumeWorker{e: e})
	river.AddWorker(w, &sweepWorker{e: e})
}

// Periodic is the engine's periodic job: every interval it expires
// unanswered challenges and starts the scheduled refreshes that are due.
func (e *Engine) Periodic(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

// Start queues a refresh of firm's connection. trigger Schedule makes it
// unattended; any other trigger means a person is waiting. A connection
// with a refresh in flight returns that refresh with ErrInProgress.
func (e *Engine) Start(ctx context.Context, firmID, connectionID int64, trigger Trigger) (*Refresh, error) {
	if !trigger.Valid() {
		return nil, fmt.Errorf("refresh: unknown trigger %q", trigger)
	}
	if e.queue == nil {
		return nil, errors.New("refresh: the engine has no job queue")
	}
	r, err := e.start(ctx, firmID, connectionID, trigger)
	if errors.Is(err, ErrInProgress) && r != nil && r.State == ChallengePending && e.expireDue(ctx, firmID, connectionID) {
		// The refresh in flight was only waiting on a challenge whose
		// time is up (the sweep had not come by yet): start afresh.
		r, err = e.start(ctx, firmID, connectionID, trigger)
	}
	return r, err
}

// expireDue closes the connection's open challenges whose time is up, and
// reports whether it closed any.
func (e *Engine) expireDue(ctx context.Context, firmID, connectionID int64) bool {
	open, err := OpenChallenges(ctx, e.cfg.DB.Reader(), firmID, connectionID)
	if err != nil {
		return false
	}
	closed := false
	now := e.cfg.Clock.Now()
	for _, c := range open {
		if !now.Before(c.ExpiresAt) && e.close(ctx, c, ChallengeExpired) == nil {
			closed = true
		}
	}
	return closed
}

func (e *Engine) start(ctx context.Context, firmID, connectionID int64, trigger Trigger) (*Refresh, error) {
	attended := trigger != TriggerSchedule
	now := e.cfg.Clock.Now()
	var r *Refresh
	args := RunArgs{FirmID: firmID}
	opts := runOpts(attended)
	err := e.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := firm.GetConnection(ctx, tx, firmID, connectionID); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO refresh (firm_id, connection_id, trigger, attended, state, created_at)
			VALUES ($1, $2, $3, $4, 'queued', $5) RETURNING id`, firmID, connectionID, trigger, attended, now).Scan(&id)
		if err != nil {
			return store.Err(err)
		}
		args.RefreshID = id
		if _, err := e.queue.EnqueueTx(ctx, tx, args, opts); err != nil {
			return err
		}
		r = &Refresh{ID: id, FirmID: firmID, ConnectionID: connectionID, Trigger: trigger, Attended: attended, State: Queued, CreatedAt: now}
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		active, aerr := Active(ctx, e.cfg.DB.Reader(), firmID, connectionID)
		if aerr != nil {
			return nil, fmt.Errorf("refresh: %w", ErrInProgress)
		}
		return active, ErrInProgress
	}
	if err != nil {
		return nil, fmt.Errorf("refresh connection %d: %w", connectionID, err)
	}
	e.queue.Wake(ctx, args, opts)
	e.publish(ctx, event.Event{Type: event.Status, FirmID: firmID, ConnectionID: connectionID, RefreshID: r.ID, Status: string(Queued)})
	return r, nil
}

// Answer relays a person's answer to firm's challenge: accepted once, while
// the challenge is pending and unexpired; the resume job takes it to the
// bank. On the last attempt before the bank locks the sign-in, confirmLast
// must be set.
func (e *Engine) Answer(ctx context.Context, firmID, challengeID int64, a connector.Answer, confirmLast bool) error {
	now := e.cfg.Clock.Now()
	var c *Challenge
	args := ResumeArgs{FirmID: firmID, ChallengeID: challengeID}
	opts := resumeOpts()
	expired := false
	err := e.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = GetChallenge(ctx, tx, firmID, challengeID); err != nil {
			return err
		}
		if c.Status != ChallengeOpen {
			return ErrChallengeClosed
		}
		if !now.Before(c.ExpiresAt) {
			expired = true
			return nil
		}
		if c.LastAttempt() && !confirmLast {
			return ErrConfirmLastAttempt
		}
		if err := checkAnswer(c, a); err != nil {
			return err
		}
		plain, err := json.Marshal(a)
		if err != nil {
			return err
		}
		sealed, err := e.cfg.Box.Seal(plain, answerAAD(c.ID))
		if err != nil {
			return err
		}
		err = execOne(ctx, tx, `UPDATE refresh_challenge SET status = 'answered', answer = $1, answered_at = $2
			WHERE id = $3 AND firm_id = $4 AND status = 'pending'`, sealed, now, c.ID, firmID)
		if errors.Is(err, errNoRow) {
			return ErrChallengeClosed
		}
		if err != nil {
			return err
		}
		_, err = e.queue.EnqueueTx(ctx, tx, args, opts)
		return err
	})
	if err != nil {
		return fmt.Errorf("answer challenge %d: %w", challengeID, err)
	}
	if expired {
		if err := e.close(ctx, c, ChallengeExpired); err != nil && !errors.Is(err, ErrChallengeClosed) {
			return err
		}
		return fmt.Errorf("answer challenge %d: %w", challengeID, ErrChallengeExpired)
	}
	e.queue.Wake(ctx, args, opts)
	e.publish(ctx, event.Event{Type: event.Challenge, FirmID: firmID, ConnectionID: c.ConnectionID, RefreshID: c.RefreshID, ChallengeID: c.ID, Status: string(ChallengeAnswered)})
	return nil
}

// Cancel gives up firm's pending challenge: the refresh ends "update account
// canceled or aborted".
func (e *Engine) Cancel(ctx context.Context, firmID, challengeID int64) error {
	c, err := GetChallenge(ctx, e.cfg.DB.Reader(), firmID, challengeID)
	if err != nil {
		return fmt.Errorf("cancel challenge %d: %w", challengeID, err)
	}
	if err := e.close(ctx, c, ChallengeCanceled); err != nil {
		return fmt.Errorf("cancel challenge %d: %w", challengeID, err)
	}
	return nil
}

// close ends a pending challenge unanswered (expired or canceled), and its
// refresh with it.
func (e *Engine) close(ctx context.Context, c *Challenge, status ChallengeStatus) error {
	now := e.cfg.Clock.Now()
	detail := "The 180 seconds to answer the bank ran out."
	if status == ChallengeCanceled {
		detail = "The bank's challenge was canceled."
	}
	err := e.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		err := execOne(ctx, tx, `UPDATE refresh_challenge SET status = $1, answer = NULL
			WHERE id = $2 AND firm_id = $3 AND status = 'pending'`, status, c.ID, c.FirmID)
		if errors.Is(err, errNoRow) {
			return ErrChallengeClosed
		}
		if err != nil {
			return err
		}
		err = e.finishTx(ctx, tx, c.FirmID, c.RefreshID, c.ConnectionID, firm.StatusCanceled, detail, nil, now)
		if errors.Is(err, errAlreadyDone) {
			return nil // the challenge closes all the same
		}
		return err
	})
	if err != nil {
		return err
	}
	e.publish(ctx, event.Event{Type: event.Challenge, FirmID: c.FirmID, ConnectionID: c.ConnectionID, RefreshID: c.RefreshID, ChallengeID: c.ID, Status: string(status)})
	e.publish(ctx, event.Event{Type: event.Status, FirmID: c.FirmID, ConnectionID: c.ConnectionID, RefreshID: c.RefreshID, Status: string(firm.StatusCanceled)})
	return nil
}

// checkAnswer refuses an answer that does not fit the challenge, before it
// is stored: the bank would count it as a wrong attempt.
func checkAnswer(c *Challenge, a connector.Answer) error {
	switch c.Type {
	case connector.Question:
		if len(c.Questions) <= 1 && strings.TrimSpace(a.Text) != "" {
			return nil
		}
		for _, q := range c.Questions {
			if strings.TrimSpace(a.Answers[q.ID]) == "" {
				return &AnswerError{Field: "answers." + q.ID, Problem: "answer the question \"" + q.Prompt + "\""}
			}
		}
	case connector.Code:
		if strings.TrimSpace(a.Text) == "" {
			return &AnswerError{Field: "answer", Problem: "type the code the bank sent"}
		}
	case connector.ChooseDelivery:
		for _, o := range c.Options {
			if o.ID == a.OptionID {
				return nil
			}
		}
		return &AnswerError{Field: "option_id", Problem: "choose one of the bank's options"}
	}
	return nil
}

func stateAAD(id int64) []byte  { return secretbox.RowAAD("refresh_challenge", id, "state") }
func answerAAD(id int64) []byte { return secretbox.RowAAD("refresh_challenge", id, "answer") }

// EncryptedColumns are the sealed columns this package owns, for key
// rotation.
func EncryptedColumns() []secretbox.Column {
	return []secretbox.Column{
		{Table: "refresh_challenge", IDColumn: "id", Column: "state", AAD: stateAAD},
		{Table: "refresh_challenge", IDColumn: "id", Column: "answer", AAD: answerAAD},
	}
}

// publish announces e; a lost event costs only a late screen update.
func (e *Engine) publish(ctx context.Context, ev event.Event) {
	if ev.At.IsZero() {
		ev.At = e.cfg.Clock.Now()
	}
	if err := e.cfg.Events.Publish(context.WithoutCancel(ctx), ev); err != nil {
		e.cfg.Logger.Warn("refresh: event not published", "err", err, "type", ev.Type, "connection_id", ev.ConnectionID)
	}
}
