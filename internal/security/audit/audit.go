// Package audit owns the append-only security event stream (REQUIREMENTS
// S31): every login, failure, block, profile change and staff action of the
// institution and of LedgerSync is one Event. The message center, red flags
// and anomaly reports read from it; the database refuses to change or delete
// a row once written.
package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Event is one security event. Detail holds non-secret facts only: never a
// password, answer, code, credential or token.
type Event struct {
	ID         int64
	EventID    string // unique; Append fills it when empty
	OccurredAt time.Time
	Scope      string // whose log: "institution" or "firm:<id>"
	Actor      string // "member:<id>", "staff:<id>", "system"
	Action     string // "password.failed", "method.blocked", …
	Subject    string // what it happened to: "member:<id>"
	IP         string
	Detail     map[string]string
}

func (e *Event) validate() error {
	var errs []error
	if e.Scope == "" {
		errs = append(errs, errors.New("scope is empty"))
	}
	if e.Actor == "" {
		errs = append(errs, errors.New("actor is empty"))
	}
	if e.Action == "" {
		errs = append(errs, errors.New("action is empty"))
	}
	if e.OccurredAt.IsZero() {
		errs = append(errs, errors.New("occurred_at is zero"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("audit: invalid event %q: %w", e.Action, err)
	}
	return nil
}

// Append writes e and sets e.ID (and e.EventID when it was empty). Pass the
// transaction of the change being audited, so that the change and its event
// commit together or not at all. Appending an EventID that exists already is
// store.ErrConflict: a retried write adds nothing.
func Append(ctx context.Context, q store.Querier, e *Event) error {
	if err := e.validate(); err != nil {
		return err
	}
	if e.EventID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		e.EventID = hex.EncodeToString(b[:])
	}
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return fmt.Errorf("audit: encode detail of %q: %w", e.Action, err)
		}
	}
	err := q.QueryRowContext(ctx, `
		INSERT INTO audit_event (event_id, occurred_at, scope, actor, action, subject, ip, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`,
		e.EventID, e.OccurredAt.UTC(), e.Scope, e.Actor, e.Action, e.Subject, e.IP, string(detail),
	).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("audit: append %q: %w", e.Action, store.Err(err))
	}
	return nil
}

const columns = `id, event_id, occurred_at, scope, actor, action, subject, ip, detail`

// Get returns the event with the given id in scope, or store.ErrNotFound.
func Get(ctx context.Context, q store.Querier, scope string, id int64) (*Event, error) {
	row := q.QueryRowContext(ctx, `SELECT `+columns+` FROM audit_event WHERE scope = $1 AND id = $2`, scope, id)
	e, err := scan(row)
	if err != nil {
		return nil, fmt.Errorf("audit: event %d: %w", id, store.Err(err))
	}
	return e, nil
}

// Filter selects events of one scope. Empty fields match everything.
type Filter struct {
	Scope   string // required
	Subject string
	Action  string
	Since   time.Time
	AfterID int64 // for paging: only events with a larger id
	Limit   int   // 0 means 100
	Newest  bool  // the most recent Limit events, newest first
}

// List returns the events matching f, oldest first (newest first with
// f.Newest).
func List(ctx context.Context, q store.Querier, f Filter) ([]*Event, error) {
	if f.Scope == "" {
		return nil, errors.New("audit: list: scope is required")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	order := "id"
	if f.Newest {
		order = "id DESC"
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+columns+` FROM audit_event
		WHERE scope = $1
		  AND ($2 = '' OR subject = $2)
		  AND ($3 = '' OR action = $3)
		  AND occurred_at >= $4
		  AND id > $5
		ORDER BY `+order+`
		LIMIT $6`,
		f.Scope, f.Subject, f.Action, f.Since.UTC(), f.AfterID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit: list %s: %w", f.Scope, err)
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: list %s: %w", f.Scope, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: list %s: %w", f.Scope, err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (*Event, error) {
	var e Event
	var detail string
	if err := s.Scan(&e.ID, &e.EventID, &e.OccurredAt, &e.Scope, &e.Actor, &e.Action, &e.Subject, &e.IP, &detail); err != nil {
		return nil, err
	}
	e.OccurredAt = e.OccurredAt.UTC()
	if detail != "" && detail != "{}" {
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return nil, fmt.Errorf("decode detail of event %d: %w", e.ID, err)
		}
	}
	return &e, nil
}
