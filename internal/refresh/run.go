package refresh

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/event"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
)

// attempt is one refresh in a worker's hands: the connection, what to sign
// in with, and how far it got.
type attempt struct {
	r        *Refresh
	conn     *firm.Connection
	c        connector.Connector
	login    connector.Login
	shared   map[string]string // normalised question → answer
	autoUsed bool              // a shared answer was sent: never send it twice
	lastTry  bool              // the job's last attempt: a transient failure is final
}

// Run is the refresh job: sign in, relay or answer what the bank asks, land
// the data. It is safe to run again after a crash: a refresh already done
// or waiting on a person is left alone.
func (e *Engine) Run(ctx context.Context, firmID, refreshID int64, lastTry bool) error {
	r, err := Get(ctx, e.cfg.DB.Reader(), firmID, refreshID)
	if err != nil {
		return err
	}
	if r.State == Done || r.State == ChallengePending {
		return nil
	}
	a, err := e.begin(ctx, r, lastTry)
	if err != nil {
		return e.finish(ctx, r, firm.StatusInstitutionDown, "The connection could not be read: "+err.Error(), nil)
	}
	step, err := a.c.Login(ctx, a.login)
	return e.advance(ctx, a, step, err)
}

// Resume is the resume job: it takes the answer of a challenge to the bank,
// at most once, and goes on from there.
func (e *Engine) Resume(ctx context.Context, firmID, challengeID int64) error {
	var (
		c              *Challenge
		state, sealed  []byte
		answerConsumed bool
	)
	err := e.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, err = GetChallenge(ctx, tx, firmID, challengeID); err != nil {
			return err
		}
		if c.Status != ChallengeAnswered {
			answerConsumed = c.Status == ChallengeUsed
			return nil
		}
		if err := tx.QueryRowContext(ctx, `SELECT state, answer FROM refresh_challenge WHERE id = $1 AND firm_id = $2`,
			c.ID, firmID).Scan(&state, &sealed); err != nil {
			return store.Err(err)
		}
		// The answer goes to the bank at most once: it is spent before it
		// is sent, so a crash after this point cannot send it twice.
		if err := execOne(ctx, tx, `UPDATE refresh_challenge SET status = 'done', answer = NULL WHERE id = $1 AND firm_id = $2`, c.ID, firmID); err != nil {
			return err
		}
		return execOne(ctx, tx, `UPDATE refresh SET state = 'running' WHERE id = $1 AND firm_id = $2 AND state = 'challenge_pending'`, c.RefreshID, firmID)
	})
	if err != nil {
		return fmt.Errorf("resume challenge %d: %w", challengeID, err)
	}
	r, err := Get(ctx, e.cfg.DB.Reader(), firmID, c.RefreshID)
	if err != nil {
		return err
	}
	if sealed == nil {
		if answerConsumed && r.State != Done {
			// A resume that died after spending the answer: the bank's
			// session is gone with it.
			return e.finish(ctx, r, firm.StatusCanceled, "The refresh was interrupted after the answer was sent; refresh again.", nil)
		}
		return nil
	}
	plainState, err := e.cfg.Box.Open(state, stateAAD(c.ID))
	if err != nil {
		return e.finish(ctx, r, firm.StatusCanceled, "The challenge could not be read back; refresh again.", nil)
	}
	plainAnswer, err := e.cfg.Box.Open(sealed, answerAAD(c.ID))
	if err != nil {
		return e.finish(ctx, r, firm.StatusCanceled, "The answer could not be read back; refresh again.", nil)
	}
	var ans connector.Answer
	if err := json.Unmarshal(plainAnswer, &ans); err != nil {
		return e.finish(ctx, r, firm.StatusCanceled, "The answer could not be read back; refresh again.", nil)
	}
	a, err := e.begin(ctx, r, true)
	if err != nil {
		return e.finish(ctx, r, firm.StatusInstitutionDown, "The connection could not be read: "+err.Error(), nil)
	}
	ch := &connector.Challenge{Type: c.Type, Prompt: c.Prompt, Questions: c.Questions, Options: c.Options,
		AttemptsLeft: c.AttemptsLeft, ExpiresAt: c.ExpiresAt, State: plainState}
	step, err := a.c.Answer(ctx, a.login, ch, ans)
	return e.advance(ctx, a, step, err)
}

// begin marks r running and loads what signing in needs.
func (e *Engine) begin(ctx context.Context, r *Refresh, lastTry bool) (*attempt, error) {
	now := e.cfg.Clock.Now()
	q := e.cfg.DB.Reader()
	conn, err := firm.GetConnection(ctx, q, r.FirmID, r.ConnectionID)
	if err != nil {
		return nil, err
	}
	inst, err := firm.GetInstitution(ctx, q, conn.InstitutionID)
	if err != nil {
		return nil, err
	}
	c, ok := e.cfg.Connectors[inst.Kind]
	if !ok {
		return nil, fmt.Errorf("no connector for %s connections", inst.Kind)
	}
	secrets, err := firm.ConnectionSecrets(ctx, q, e.cfg.Box, r.FirmID, r.ConnectionID)
	if err != nil {
		return nil, err
	}
	if r.State == Queued {
		if _, err := e.cfg.DB.Writer().ExecContext(ctx, `UPDATE refresh SET state = 'running', started_at = $1
			WHERE id = $2 AND firm_id = $3 AND state = 'queued'`, now, r.ID, r.FirmID); err != nil {
			return nil, store.Err(err)
		}
		r.State, r.StartedAt = Running, now
		e.publish(ctx, event.Event{Type: event.Status, FirmID: r.FirmID, ConnectionID: r.ConnectionID, RefreshID: r.ID, Status: string(Running)})
	}
	norm := make(map[string]string, len(secrets.SharedAnswers))
	for q, a := range secrets.SharedAnswers {
		norm[normalise(q)] = a
	}
	return &attempt{
		r: r, conn: conn, c: c, shared: norm, lastTry: lastTry,
		login: connector.Login{Institution: inst.Connector(), Credentials: secrets.Credentials, Device: secrets.Device, Attended: r.Attended},
	}, nil
}

func normalise(question string) string {
	return strings.Join(strings.Fields(strings.ToLower(question)), " ")
}

// advance takes a sign-in step to its end for this job: signed in (land the
// data), a challenge (answer it from the shared answers, relay it to a
// person, or, unattended, stop), or a failure.
func (e *Engine) advance(ctx context.Context, a *attempt, step connector.Step, err error) error {
	for {
		if err != nil {
			return e.failed(ctx, a, err)
		}
		if step.Session != nil {
			return e.land(ctx, a, step.Session)
		}
		ch := step.Challenge
		if ch == nil {
			return e.finish(ctx, a.r, firm.StatusInstitutionDown, "The bank's answer was neither a sign-in nor a challenge.", nil)
		}
		if ch.Rejected && a.autoUsed {
			// A shared answer was wrong: never send it again, and never let
			// a stale answer lock the client out.
			return e.finish(ctx, a.r, firm.StatusActionRequired,
				"The bank did not accept a security answer the client shared; update the shared answers, then refresh.", nil)
		}
		if answers, ok := a.sharedAnswers(ch); ok {
			a.autoUsed = true
			step, err = a.c.Answer(ctx, a.login, ch, answers)
			continue
		}
		if !a.r.Attended {
			return e.finish(ctx, a.r, firm.StatusActionRequired, firm.StatusActionRequired.Message(), nil)
		}
		return e.relay(ctx, a, ch)
	}
}

// sharedAnswers answers a question challenge whose every question the
// client shared an answer to.
func (a *attempt) sharedAnswers(ch *connector.Challenge) (connector.Answer, bool) {
	if ch.Type != connector.Question || len(ch.Questions) == 0 || len(a.shared) == 0 || a.autoUsed {
		return connector.Answer{}, false
	}
	out := connector.Answer{Answers: map[string]string{}}
	for _, q := range ch.Questions {
		ans, ok := a.shared[normalise(q.Prompt)]
		if !ok {
			return connector.Answer{}, false
		}
		out.Answers[q.ID] = ans
	}
	if len(ch.Questions) == 1 {
		out.Text = out.Answers[ch.Questions[0].ID]
	}
	return out, true
}

// relay persists a challenge for a person and ends the job.
func (e *Engine) relay(ctx context.Context, a *attempt, ch *connector.Challenge) error {
	now := e.cfg.Clock.Now()
	expires := now.Add(ChallengeTTL)
	if !ch.ExpiresAt.IsZero() && ch.ExpiresAt.After(now) && ch.ExpiresAt.Before(expires) {
		expires = ch.ExpiresAt
	}
	e.markFirmOptions(ctx, a, ch.Options)
	questions, _ := json.Marshal(nonNil(ch.Questions))
	options, _ := json.Marshal(nonNil(ch.Options))
	detail := ""
	if ch.Rejected {
		detail = "The bank did not accept the answer."
		if ch.AttemptsLeft >= 0 {
			detail += fmt.Sprintf(" %d attempts left.", ch.AttemptsLeft)
		}
	}
	var id int64
	err := e.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO refresh_challenge (firm_id, refresh_id, connection_id, type, prompt,
			questions, options, attempts_left, rejected, state, status, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $12) RETURNING id`,
			a.r.FirmID, a.r.ID, a.r.ConnectionID, ch.Type, ch.Prompt, string(questions), string(options),
			ch.AttemptsLeft, ch.Rejected, []byte{}, now, expires).Scan(&id)
		if err != nil {
			return store.Err(err)
		}
		if ch.Device != nil {
			if err := firm.SetDeviceState(ctx, tx, e.cfg.Box, a.r.FirmID, a.r.ConnectionID, ch.Device); err != nil {
				return err
			}
		}
		sealed, err := e.cfg.Box.Seal(ch.State, stateAAD(id))
		if err != nil {
			return err
		}
		if err := execOne(ctx, tx, `UPDATE refresh_challenge SET state = $1 WHERE id = $2`, sealed, id); err != nil {
			return err
		}
		err = execOne(ctx, tx, `UPDATE refresh SET state = 'challenge_pending', challenges = challenges + 1, detail = $1
			WHERE id = $2 AND firm_id = $3 AND state = 'running'`, detail, a.r.ID, a.r.FirmID)
		if errors.Is(err, errNoRow) {
			return errAlreadyDone // ended elsewhere meanwhile: relay nothing
		}
		if err != nil {
			return err
		}
		return firm.SetStatus(ctx, tx, a.r.FirmID, a.r.ConnectionID, firm.StatusChallengePending, detail, now, false)
	})
	if errors.Is(err, errAlreadyDone) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("relay the bank's challenge: %w", err)
	}
	e.publish(ctx, event.Event{Type: event.Challenge, FirmID: a.r.FirmID, ConnectionID: a.r.ConnectionID, RefreshID: a.r.ID, ChallengeID: id, Status: string(ChallengeOpen)})
	e.publish(ctx, event.Event{Type: event.Status, FirmID: a.r.FirmID, ConnectionID: a.r.ConnectionID, RefreshID: a.r.ID, Status: string(firm.StatusChallengePending)})
	return nil
}

// markFirmOptions marks the delivery options that reach the firm's own
// phone (the connection's point of contact, or the firm's number): the
// bank shows only the last digits, so those are what is compared.
func (e *Engine) markFirmOptions(ctx context.Context, a *attempt, opts []connector.Option) {
	var phones []string
	if a.conn.ContactPhone != "" {
		phones = append(phones, a.conn.ContactPhone)
	}
	if f, err := firm.Get(ctx, e.cfg.DB.Reader(), a.r.FirmID); err == nil && f.Phone != "" {
		phones = append(phones, f.Phone)
	}
	for i := range opts {
		label := lastDigits(opts[i].Label, 4)
		for _, p := range phones {
			if label != "" && label == lastDigits(p, 4) {
				opts[i].Firm = true
			}
		}
	}
}

// lastDigits is the last n digits of s, or "" when it has fewer.
func lastDigits(s string, n int) string {
	var d []byte
	for i := len(s) - 1; i >= 0 && len(d) < n; i-- {
		if s[i] >= '0' && s[i] <= '9' {
			d = append([]byte{s[i]}, d...)
		}
	}
	if len(d) < n {
		return ""
	}
	return string(d)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// failed maps a connector's error to the connection's status. A bank that
// is down is retried (the job's error) while the refresh is unattended and
// has attempts left.
func (e *Engine) failed(ctx context.Context, a *attempt, err error) error {
	var down *connector.DownError
	switch {
	case errors.Is(err, connector.ErrInvalidCredentials):
		return e.finish(ctx, a.r, firm.StatusInvalidCredentials, "The bank refused the username or password: update the credentials.", nil)
	case errors.Is(err, connector.ErrLocked):
		return e.finish(ctx, a.r, firm.StatusLocked, "The bank has locked this sign-in after too many failed attempts: the client must call the bank.", nil)
	case errors.Is(err, connector.ErrPersonNeeded):
		return e.finish(ctx, a.r, firm.StatusActionRequired, firm.StatusActionRequired.Message(), nil)
	case errors.Is(err, connector.ErrPasswordChange):
		return e.finish(ctx, a.r, firm.StatusActionRequired, "The bank requires a new password: the client must sign in to the bank's own site, then update the credentials here.", nil)
	case errors.Is(err, connector.ErrBlocked):
		return e.finish(ctx, a.r, firm.StatusBlocked, "The bank refused the connection: "+err.Error(), nil)
	case errors.Is(err, connector.ErrChallengeExpired):
		return e.finish(ctx, a.r, firm.StatusCanceled, "The bank no longer accepts an answer to that challenge.", nil)
	case !a.r.Attended && !a.lastTry:
		// Transient (the bank down, a network error, our database busy):
		// River runs the job again with backoff. A person waiting is told
		// at once instead.
		e.cfg.Logger.Info("refresh: failed; retrying with backoff", "refresh_id", a.r.ID, "err", err)
		return err
	case errors.As(err, &down):
		return e.finish(ctx, a.r, firm.StatusInstitutionDown, "The bank is not answering; try again later.", nil)
	default:
		return e.finish(ctx, a.r, firm.StatusInstitutionDown, "The refresh failed: "+err.Error(), nil)
	}
}

// errAlreadyDone is a refresh someone else ended first.
var errAlreadyDone = errors.New("the refresh was already ended")

// finish ends r with outcome, and the connection's status with it.
func (e *Engine) finish(ctx context.Context, r *Refresh, outcome firm.Status, detail string, landed *landing) error {
	now := e.cfg.Clock.Now()
	err := e.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		return e.finishTx(ctx, tx, r.FirmID, r.ID, r.ConnectionID, outcome, detail, landed, now)
	})
	if errors.Is(err, errAlreadyDone) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("record the refresh's outcome: %w", err)
	}
	e.publish(ctx, event.Event{Type: event.Status, FirmID: r.FirmID, ConnectionID: r.ConnectionID, RefreshID: r.ID, Status: string(outcome)})
	return nil
}

func (e *Engine) finishTx(ctx context.Context, tx *sql.Tx, firmID, refreshID, connectionID int64, outcome firm.Status, detail string, landed *landing, now time.Time) error {
	var l landing
	if landed != nil {
		l = *landed
	}
	err := execOne(ctx, tx, `UPDATE refresh SET state = 'done', outcome = $1, detail = $2, finished_at = $3,
		accounts = $4, transactions_new = $5, transactions_updated = $6, statements_new = $7, checks_new = $8
		WHERE id = $9 AND firm_id = $10 AND state <> 'done'`,
		outcome, detail, now, l.accounts, l.txNew, l.txUpdated, l.statementsNew, l.checksNew, refreshID, firmID)
	if errors.Is(err, errNoRow) {
		// Already finished: a rerun after a crash, or the sweep took it for
		// lost. Whatever this run would land must not land.
		return errAlreadyDone
	}
	if err != nil {
		return err
	}
	success := outcome == firm.StatusOK || outcome == firm.StatusAccountClosed
	return firm.SetStatus(ctx, tx, firmID, connectionID, outcome, detail, now, success)
}
