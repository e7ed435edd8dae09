// Package flow owns the multi-step processes of the security core and the
// institution (REQUIREMENTS S25): login, enrolment, recovery, a transfer's
// step-up. A flow is a database row bound to the session that started it,
// with an ordered list of steps, and it moves only forward, one step at a
// time, by a compare-and-set: no skipping ahead, no going back, no second
// completion from another window, no use from another session, nothing after
// it expires.
package flow

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

var (
	// ErrWrongStep means the flow is not at the step the caller expected:
	// the member skipped ahead, went back, or another window moved it on.
	ErrWrongStep = errors.New("the process is at another step")
	// ErrCompleted means the flow was completed already.
	ErrCompleted = errors.New("the process was already completed")
	// ErrExpired means the flow ran out of time before it was completed.
	ErrExpired = errors.New("the process has expired")
)

// Flow is one multi-step process.
type Flow struct {
	ID          string // random, 128 bits; may travel in the page: useless without the bound session
	Kind        string
	AccountID   int64 // 0 until the flow knows whose it is
	SessionID   int64 // session.Session.ID of the session that started it
	Steps       []string
	Current     int             // index into Steps
	State       json.RawMessage // a JSON object of non-secret facts gathered so far
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ExpiresAt   time.Time
	CompletedAt time.Time // zero until completed
}

// Step is the name of the step the flow is at.
func (f *Flow) Step() string { return f.Steps[f.Current] }

// Completed reports whether the flow was completed.
func (f *Flow) Completed() bool { return !f.CompletedAt.IsZero() }

// At reports whether a handler for step may act on the flow at now: nil, or
// ErrCompleted, ErrExpired or ErrWrongStep. Handlers call it to choose what
// to render; Advance and Complete check again atomically.
func (f *Flow) At(step string, now time.Time) error {
	switch {
	case f.Completed():
		return fmt.Errorf("flow %s: %w", f.Kind, ErrCompleted)
	case !now.Before(f.ExpiresAt):
		return fmt.Errorf("flow %s: %w", f.Kind, ErrExpired)
	case f.Step() != step:
		return fmt.Errorf("flow %s: at step %q, not %q: %w", f.Kind, f.Step(), step, ErrWrongStep)
	}
	return nil
}

// Params describe a new flow.
type Params struct {
	Kind      string // "login", "enrolment", "recovery", "transfer_step_up", …
	SessionID int64  // required: the flow belongs to this session alone
	AccountID int64  // 0 when not known yet (a login before the username)
	Steps     []string
	TTL       time.Duration
	State     json.RawMessage // a JSON object; "{}" when empty
}

// Start creates a flow at its first step, expiring after p.TTL.
func Start(ctx context.Context, q store.Querier, p Params, now time.Time) (*Flow, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	state, err := object(p.State)
	if err != nil {
		return nil, fmt.Errorf("flow: start %s: %w", p.Kind, err)
	}
	steps, err := json.Marshal(p.Steps)
	if err != nil {
		return nil, fmt.Errorf("flow: start %s: %w", p.Kind, err)
	}
	now = now.UTC()
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails: crypto/rand crashes the program instead
	f := &Flow{
		ID: base64.RawURLEncoding.EncodeToString(id[:]), Kind: p.Kind, AccountID: p.AccountID, SessionID: p.SessionID,
		Steps: slices.Clone(p.Steps), State: state, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(p.TTL),
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO security_flow (id, kind, account_id, session_id, steps, current_step, state, created_at, updated_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9)`,
		f.ID, f.Kind, nullID(f.AccountID), f.SessionID, string(steps), string(state), f.CreatedAt, f.UpdatedAt, f.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("flow: start %s for session %d: %w", p.Kind, p.SessionID, store.Err(err))
	}
	return f, nil
}

func (p Params) validate() error {
	var errs []error
	if p.Kind == "" {
		errs = append(errs, errors.New("kind is empty"))
	}
	if p.SessionID == 0 {
		errs = append(errs, errors.New("a session is required"))
	}
	if p.TTL <= 0 {
		errs = append(errs, errors.New("the time to live must be positive"))
	}
	if len(p.Steps) == 0 {
		errs = append(errs, errors.New("there are no steps"))
	}
	seen := make(map[string]bool, len(p.Steps))
	for _, s := range p.Steps {
		if s == "" || seen[s] {
			errs = append(errs, fmt.Errorf("step names must be non-empty and distinct (%q)", s))
		}
		seen[s] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("flow: start %q: %w", p.Kind, err)
	}
	return nil
}

// Get returns the flow with id if it belongs to sessionID, whatever its
// state; a flow of another session is store.ErrNotFound, exactly like a
// missing one.
func Get(ctx context.Context, q store.Querier, id string, sessionID int64) (*Flow, error) {
	f, err := get(ctx, q, id, sessionID)
	if err != nil {
		return nil, fmt.Errorf("flow: get: %w", err)
	}
	return f, nil
}

// Find returns the flow with id whatever session it belongs to, for the
// machine interfaces whose clients hold no cookie: the JSON API hands out a
// flow's id as its challenge id, and the id alone (128 random bits, valid
// for one login) names it. Browsers' flows are read with Get.
func Find(ctx context.Context, q store.Querier, id string) (*Flow, error) {
	f, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_flow WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("flow: find: %w", store.Err(err))
	}
	return f, nil
}

func get(ctx context.Context, q store.Querier, id string, sessionID int64) (*Flow, error) {
	f, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_flow WHERE id = $1 AND session_id = $2`, id, sessionID))
	return f, store.Err(err)
}

// Option changes a flow together with the step it advances or completes, so
// that what a step learned and the move past it commit as one.
type Option func(*change)

type change struct {
	account sql.NullInt64
	state   json.RawMessage
}

// WithAccount records whose flow it is (a login flow learns it at the
// username step). A flow that already names another account is refused.
func WithAccount(id int64) Option {
	return func(c *change) { c.account = sql.NullInt64{Int64: id, Valid: id != 0} }
}

// WithState replaces the flow's state (a JSON object of non-secret facts).
func WithState(state json.RawMessage) Option { return func(c *change) { c.state = state } }

// Advance moves the flow from expectedStep to the next step, only if the
// flow is bound to sessionID, is at expectedStep, is not completed and has
// not expired at now; a compare-and-set, so of two requests advancing the
// same step at once exactly one succeeds. The last step cannot be advanced
// past: Complete it. Errors: store.ErrNotFound, ErrCompleted, ErrExpired,
// ErrWrongStep.
func Advance(ctx context.Context, q store.Querier, id string, sessionID int64, expectedStep string, now time.Time, opts ...Option) (*Flow, error) {
	return move(ctx, q, id, sessionID, expectedStep, now, false, opts)
}

// Complete marks the flow completed at its last step, expectedStep, under
// the same conditions as Advance. It succeeds once: a second Complete, from
// another window or a replay, is ErrCompleted.
func Complete(ctx context.Context, q store.Querier, id string, sessionID int64, expectedStep string, now time.Time, opts ...Option) (*Flow, error) {
	return move(ctx, q, id, sessionID, expectedStep, now, true, opts)
}

func move(ctx context.Context, q store.Querier, id string, sessionID int64, expectedStep string, now time.Time, complete bool, opts []Option) (*Flow, error) {
	verb := "advance"
	if complete {
		verb = "complete"
	}
	now = now.UTC()
	var c change
	for _, o := range opts {
		o(&c)
	}
	var state sql.NullString
	if c.state != nil {
		s, err := object(c.state)
		if err != nil {
			return nil, fmt.Errorf("flow: %s: %w", verb, err)
		}
		state = sql.NullString{String: string(s), Valid: true}
	}

	// Read, check for a precise error, then compare-and-set on what was read:
	// every change to a flow moves current_step or sets completed_at, so the
	// UPDATE's WHERE fails if anything changed in between.
	f, err := get(ctx, q, id, sessionID)
	if err != nil {
		return nil, fmt.Errorf("flow: %s: %w", verb, err)
	}
	if err := f.At(expectedStep, now); err != nil {
		return nil, fmt.Errorf("flow: %s: %w", verb, err)
	}
	last := f.Current == len(f.Steps)-1
	switch {
	case complete && !last:
		return nil, fmt.Errorf("flow: complete %s: step %q is not the last step: %w", f.Kind, expectedStep, ErrWrongStep)
	case !complete && last:
		return nil, fmt.Errorf("flow: advance %s: step %q is the last step; complete it: %w", f.Kind, expectedStep, ErrWrongStep)
	}
	if c.account.Valid && f.AccountID != 0 && f.AccountID != c.account.Int64 {
		return nil, fmt.Errorf("flow: %s %s: the process belongs to another account", verb, f.Kind)
	}

	next, completedAt := f.Current+1, sql.NullTime{}
	if complete {
		next, completedAt = f.Current, sql.NullTime{Time: now, Valid: true}
	}
	res, err := q.ExecContext(ctx, `
		UPDATE security_flow
		SET current_step = $1, completed_at = $2, updated_at = $3,
		    account_id = COALESCE($4, account_id), state = COALESCE($5, state)
		WHERE id = $6 AND session_id = $7 AND current_step = $8 AND completed_at IS NULL AND expires_at > $3`,
		next, completedAt, now, c.account, state, id, sessionID, f.Current)
	if err != nil {
		return nil, fmt.Errorf("flow: %s %s: %w", verb, f.Kind, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("flow: %s %s: %w", verb, f.Kind, err)
	}
	if n == 0 {
		// Another request got there first; say what it did.
		cur, err := get(ctx, q, id, sessionID)
		if err != nil {
			return nil, fmt.Errorf("flow: %s: %w", verb, err)
		}
		if err := cur.At(expectedStep, now); err != nil {
			return nil, fmt.Errorf("flow: %s: %w", verb, err)
		}
		return nil, fmt.Errorf("flow: %s %s: another request moved it: %w", verb, f.Kind, ErrWrongStep)
	}
	f.Current, f.CompletedAt, f.UpdatedAt = next, completedAt.Time, now
	if c.account.Valid {
		f.AccountID = c.account.Int64
	}
	if state.Valid {
		f.State = json.RawMessage(state.String)
	}
	return f, nil
}

// DeleteExpired removes flows that expired before now (a periodic job) and
// returns how many.
func DeleteExpired(ctx context.Context, q store.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM security_flow WHERE expires_at <= $1`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("flow: delete expired flows: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("flow: delete expired flows: %w", err)
	}
	return n, nil
}

const columns = `id, kind, account_id, session_id, steps, current_step, state, created_at, updated_at, expires_at, completed_at`

type scanner interface{ Scan(dest ...any) error }

func scan(sc scanner) (*Flow, error) {
	var f Flow
	var account sql.NullInt64
	var steps, state string
	var completed sql.NullTime
	if err := sc.Scan(&f.ID, &f.Kind, &account, &f.SessionID, &steps, &f.Current, &state,
		&f.CreatedAt, &f.UpdatedAt, &f.ExpiresAt, &completed); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(steps), &f.Steps); err != nil || f.Current < 0 || f.Current >= len(f.Steps) {
		return nil, fmt.Errorf("flow %s: corrupt steps %s at %d", f.ID, steps, f.Current)
	}
	f.AccountID = account.Int64
	f.State = json.RawMessage(state)
	f.CreatedAt, f.UpdatedAt, f.ExpiresAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC(), f.ExpiresAt.UTC()
	if completed.Valid {
		f.CompletedAt = completed.Time.UTC()
	}
	return &f, nil
}

// object checks that s is a JSON object and returns it ("{}" for empty).
func object(s json.RawMessage) (json.RawMessage, error) {
	if len(s) == 0 {
		return json.RawMessage("{}"), nil
	}
	var m map[string]any
	if err := json.Unmarshal(s, &m); err != nil || m == nil {
		return nil, errors.New("the state must be a JSON object")
	}
	return slices.Clone(s), nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
