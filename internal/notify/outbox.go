package notify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/store"
)

// DevOutbox is a development Sender: it delivers nothing, it stores every
// message, Body in clear, in the notify_outbox table, where the demo's
// "outbox" page and the tests read the codes that were "sent". Reading the
// Body is its purpose, so it holds secrets in clear: production must never
// use it, and the wiring in internal/cli must refuse it outside demo or
// development mode.
type DevOutbox struct {
	db    *store.DB
	clock clock.Clock
}

// NewDevOutbox returns the development outbox on db, stamping messages with
// c's time. Development and tests only: see DevOutbox.
func NewDevOutbox(db *store.DB, c clock.Clock) *DevOutbox {
	return &DevOutbox{db: db, clock: c}
}

// OutboxEntry is one stored message. Body is in clear.
type OutboxEntry struct {
	ID        int64
	Channel   Channel
	To        string
	Subject   string
	Body      string
	Purpose   string
	Sensitive bool
	CreatedAt time.Time
}

// OutboxFilter selects outbox entries. Empty fields match everything.
type OutboxFilter struct {
	To      string // compared without regard to case
	Channel Channel
	Purpose string
	Since   time.Time // entries created at or after
	Limit   int       // 0 means 50; at most 500
}

// Send validates m and stores it; the id is the entry's ID in decimal.
func (o *DevOutbox) Send(ctx context.Context, m Message) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	var id int64
	err := o.db.Writer().QueryRowContext(ctx, `
		INSERT INTO notify_outbox (channel, recipient, subject, body, purpose, sensitive, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING id`,
		string(m.Channel), m.To, m.Subject, m.Body, m.Purpose, m.Sensitive, o.clock.Now().UTC(),
	).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("notify: store the %s to %s in the outbox: %w", m.Channel, m.To, store.Err(err))
	}
	return strconv.FormatInt(id, 10), nil
}

const outboxColumns = `id, channel, recipient, subject, body, purpose, sensitive, created_at`

// List returns the entries matching f, newest first.
func (o *DevOutbox) List(ctx context.Context, f OutboxFilter) ([]*OutboxEntry, error) {
	return listOutbox(ctx, o.db.Reader(), f)
}

// Latest returns the newest entry sent to to on channel ch (any channel when
// ch is empty), or an error wrapping store.ErrNotFound.
func (o *DevOutbox) Latest(ctx context.Context, to string, ch Channel) (*OutboxEntry, error) {
	entries, err := listOutbox(ctx, o.db.Reader(), OutboxFilter{To: to, Channel: ch, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("notify: outbox: no %s to %s: %w", channelOrAny(ch), to, store.ErrNotFound)
	}
	return entries[0], nil
}

func channelOrAny(ch Channel) string {
	if ch == "" {
		return "message"
	}
	return string(ch)
}

func listOutbox(ctx context.Context, q store.Querier, f OutboxFilter) ([]*OutboxEntry, error) {
	switch {
	case f.Limit <= 0:
		f.Limit = 50
	case f.Limit > 500:
		f.Limit = 500
	}
	if f.Channel != "" && !f.Channel.Valid() {
		return nil, fmt.Errorf("notify: outbox: channel %q is not sms, voice or email", f.Channel)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+outboxColumns+` FROM notify_outbox
		WHERE ($1 = '' OR lower(recipient) = lower($1))
		  AND ($2 = '' OR channel = $2)
		  AND ($3 = '' OR purpose = $3)
		  AND created_at >= $4
		ORDER BY id DESC
		LIMIT $5`,
		f.To, string(f.Channel), f.Purpose, f.Since.UTC(), f.Limit)
	if err != nil {
		return nil, fmt.Errorf("notify: list the outbox: %w", err)
	}
	defer rows.Close()
	var out []*OutboxEntry
	for rows.Next() {
		var e OutboxEntry
		var ch string
		if err := rows.Scan(&e.ID, &ch, &e.To, &e.Subject, &e.Body, &e.Purpose, &e.Sensitive, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("notify: list the outbox: %w", err)
		}
		e.Channel = Channel(ch)
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notify: list the outbox: %w", err)
	}
	return out, nil
}
