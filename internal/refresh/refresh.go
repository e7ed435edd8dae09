package refresh

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Trigger says what started a refresh.
type Trigger string

// The triggers. Schedule is the only unattended one.
const (
	TriggerWeb      Trigger = "web"
	TriggerAPI      Trigger = "api"
	TriggerCLI      Trigger = "cli"
	TriggerPortal   Trigger = "portal"
	TriggerSchedule Trigger = "schedule"
)

// Valid reports whether t is one of the triggers.
func (t Trigger) Valid() bool {
	switch t {
	case TriggerWeb, TriggerAPI, TriggerCLI, TriggerPortal, TriggerSchedule:
		return true
	}
	return false
}

// State is where a refresh stands.
type State string

// The refresh states.
const (
	Queued           State = "queued"
	Running          State = "running"
	ChallengePending State = "challenge_pending"
	Done             State = "done"
)

// Refresh is one attempt to refresh a connection.
type Refresh struct {
	ID           int64
	FirmID       int64
	ConnectionID int64
	Trigger      Trigger
	Attended     bool
	State        State
	Outcome      firm.Status // when Done
	Detail       string
	// Challenges is how many challenges were relayed to a person: a
	// refresh that ends ok with none needed nobody.
	Challenges          int
	Accounts            int
	TransactionsNew     int
	TransactionsUpdated int
	StatementsNew       int
	ChecksNew           int
	CreatedAt           time.Time
	StartedAt           time.Time // zero until a worker takes it
	FinishedAt          time.Time // zero until Done
}

// ChallengeStatus is where a relayed challenge stands.
type ChallengeStatus string

// The challenge statuses.
const (
	ChallengeOpen     ChallengeStatus = "pending"  // waiting for a person
	ChallengeAnswered ChallengeStatus = "answered" // an answer waits for the resume job
	ChallengeExpired  ChallengeStatus = "expired"
	ChallengeCanceled ChallengeStatus = "canceled"
	ChallengeUsed     ChallengeStatus = "done" // the answer went to the bank
)

// Challenge is a challenge relayed to a person: what to show. The
// connector's state and the answer never leave this package.
type Challenge struct {
	ID           int64
	FirmID       int64
	RefreshID    int64
	ConnectionID int64
	Type         connector.ChallengeType
	Prompt       string
	Questions    []connector.QuestionPrompt
	Options      []connector.Option
	AttemptsLeft int  // -1 when the bank does not say
	Rejected     bool // the previous answer was not accepted
	Status       ChallengeStatus
	CreatedAt    time.Time
	ExpiresAt    time.Time
	AnsweredAt   time.Time
}

// LastAttempt says the next wrong answer locks the bank's method: the
// answer then needs an explicit confirmation.
func (c *Challenge) LastAttempt() bool { return c.AttemptsLeft == 1 }

// SecondsLeft is how long the challenge stays answerable at now.
func (c *Challenge) SecondsLeft(now time.Time) int {
	d := c.ExpiresAt.Sub(now)
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

const refreshColumns = `id, firm_id, connection_id, trigger, attended, state, outcome, detail, challenges,
	accounts, transactions_new, transactions_updated, statements_new, checks_new, created_at, started_at, finished_at`

func scanRefresh(row interface{ Scan(...any) error }) (*Refresh, error) {
	var r Refresh
	var started, finished sql.NullTime
	err := row.Scan(&r.ID, &r.FirmID, &r.ConnectionID, &r.Trigger, &r.Attended, &r.State, &r.Outcome, &r.Detail,
		&r.Challenges, &r.Accounts, &r.TransactionsNew, &r.TransactionsUpdated, &r.StatementsNew, &r.ChecksNew,
		&r.CreatedAt, &started, &finished)
	if err != nil {
		return nil, store.Err(err)
	}
	r.StartedAt, r.FinishedAt = started.Time, finished.Time
	return &r, nil
}

// Get returns firm's refresh id.
func Get(ctx context.Context, q store.Querier, firmID, id int64) (*Refresh, error) {
	r, err := scanRefresh(q.QueryRowContext(ctx, `SELECT `+refreshColumns+` FROM refresh WHERE firm_id = $1 AND id = $2`, firmID, id))
	if err != nil {
		return nil, fmt.Errorf("refresh %d: %w", id, err)
	}
	return r, nil
}

// List returns a connection's refreshes, newest first (connectionID 0: the
// firm's).
func List(ctx context.Context, q store.Querier, firmID, connectionID int64, limit int) ([]*Refresh, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return queryRefreshes(ctx, q, `SELECT `+refreshColumns+` FROM refresh
		WHERE firm_id = $1 AND ($2 = 0 OR connection_id = $2) ORDER BY id DESC LIMIT $3`, firmID, connectionID, limit)
}

func queryRefreshes(ctx context.Context, q store.Querier, query string, args ...any) ([]*Refresh, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list refreshes: %w", store.Err(err))
	}
	defer rows.Close()
	var out []*Refresh
	for rows.Next() {
		r, err := scanRefresh(rows)
		if err != nil {
			return nil, fmt.Errorf("list refreshes: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Active returns the connection's refresh in flight, or ErrNotFound.
func Active(ctx context.Context, q store.Querier, firmID, connectionID int64) (*Refresh, error) {
	r, err := scanRefresh(q.QueryRowContext(ctx, `SELECT `+refreshColumns+` FROM refresh
		WHERE firm_id = $1 AND connection_id = $2 AND state <> 'done'`, firmID, connectionID))
	if err != nil {
		return nil, err
	}
	return r, nil
}

// AutomationRate is the share of a firm's finished refreshes since since
// that needed nobody (ended ok without a challenge relayed to a person), and
// how many there were.
func AutomationRate(ctx context.Context, q store.Querier, firmID int64, since time.Time) (rate float64, total int, err error) {
	var unattendedOK int
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN outcome IN ('ok', 'account_closed') AND challenges = 0 THEN 1 ELSE 0 END), 0)
		FROM refresh WHERE firm_id = $1 AND state = 'done' AND created_at >= $2`, firmID, since).Scan(&total, &unattendedOK)
	if err != nil {
		return 0, 0, fmt.Errorf("automation rate: %w", store.Err(err))
	}
	if total == 0 {
		return 0, 0, nil
	}
	return float64(unattendedOK) / float64(total), total, nil
}

const challengeColumns = `id, firm_id, refresh_id, connection_id, type, prompt, questions, options, attempts_left,
	rejected, status, created_at, expires_at, answered_at`

func scanChallenge(row interface{ Scan(...any) error }) (*Challenge, error) {
	var c Challenge
	var questions, options string
	var answered sql.NullTime
	err := row.Scan(&c.ID, &c.FirmID, &c.RefreshID, &c.ConnectionID, &c.Type, &c.Prompt, &questions, &options,
		&c.AttemptsLeft, &c.Rejected, &c.Status, &c.CreatedAt, &c.ExpiresAt, &answered)
	if err != nil {
		return nil, store.Err(err)
	}
	c.AnsweredAt = answered.Time
	if err := json.Unmarshal([]byte(questions), &c.Questions); err != nil {
		return nil, fmt.Errorf("challenge %d questions: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(options), &c.Options); err != nil {
		return nil, fmt.Errorf("challenge %d options: %w", c.ID, err)
	}
	return &c, nil
}

// GetChallenge returns firm's challenge id.
func GetChallenge(ctx context.Context, q store.Querier, firmID, id int64) (*Challenge, error) {
	c, err := scanChallenge(q.QueryRowContext(ctx, `SELECT `+challengeColumns+` FROM refresh_challenge WHERE firm_id = $1 AND id = $2`, firmID, id))
	if err != nil {
		return nil, fmt.Errorf("challenge %d: %w", id, err)
	}
	return c, nil
}

// Challenges returns a refresh's challenges in the order they came.
func Challenges(ctx context.Context, q store.Querier, firmID, refreshID int64) ([]*Challenge, error) {
	return queryChallenges(ctx, q, `SELECT `+challengeColumns+` FROM refresh_challenge
		WHERE firm_id = $1 AND refresh_id = $2 ORDER BY id`, firmID, refreshID)
}

// OpenChallenges returns the firm's challenges waiting for a person
// (connectionID 0: all connections), oldest first.
func OpenChallenges(ctx context.Context, q store.Querier, firmID, connectionID int64) ([]*Challenge, error) {
	return queryChallenges(ctx, q, `SELECT `+challengeColumns+` FROM refresh_challenge
		WHERE firm_id = $1 AND ($2 = 0 OR connection_id = $2) AND status = 'pending' ORDER BY id`, firmID, connectionID)
}

func queryChallenges(ctx context.Context, q store.Querier, query string, args ...any) ([]*Challenge, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list challenges: %w", store.Err(err))
	}
	defer rows.Close()
	var out []*Challenge
	for rows.Next() {
		c, err := scanChallenge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// errNoRow is an UPDATE that matched nothing.
var errNoRow = errors.New("no row changed")

func execOne(ctx context.Context, q store.Querier, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return store.Err(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errNoRow
	}
	return nil
}
