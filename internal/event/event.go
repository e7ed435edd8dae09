// Package event carries the notices screens wait for (a challenge raised, a
// connection's status changed) from whichever process caused them to every
// process serving a screen. On SQLite everything runs in one process and
// events go through in-process channels; on PostgreSQL several processes
// share the database and events go through LISTEN/NOTIFY, so an SSE stream
// served by one node sees a challenge raised by a worker on another.
//
// An event says what changed, never the data itself: subscribers read the
// state from the database (filtered by the firm, as every read is). Events
// hold no secret, and a missed event costs only a late screen update.
package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Type names what happened.
type Type string

// The event types.
const (
	// Challenge: a challenge was raised, answered, expired or canceled.
	Challenge Type = "challenge"
	// Status: a connection's status changed (a refresh started, ended).
	Status Type = "status"
)

// Event is one notice, addressed to a firm.
type Event struct {
	Type         Type      `json:"type"`
	FirmID       int64     `json:"firm_id"`
	ConnectionID int64     `json:"connection_id,omitempty"`
	RefreshID    int64     `json:"refresh_id,omitempty"`
	ChallengeID  int64     `json:"challenge_id,omitempty"`
	Status       string    `json:"status,omitempty"` // the connection's or the challenge's, by Type
	At           time.Time `json:"at"`
}

// channel is the PostgreSQL notification channel.
const channel = "ledgersync_event"

// subscriberBuffer is how many events a slow subscriber may lag before
// newer ones are dropped for it.
const subscriberBuffer = 64

// Bus publishes events and delivers them to this process's subscribers.
type Bus struct {
	db     *store.DB // nil: in-process only
	logger *slog.Logger

	mu   sync.Mutex
	subs map[int64]map[*subscription]struct{} // by firm

	stop chan struct{}
	done chan struct{}
}

type subscription struct{ ch chan Event }

// New returns a Bus. On PostgreSQL it listens for other processes' events
// until Close, and returns once it listens; on SQLite (or with db nil)
// events stay in this process.
func New(ctx context.Context, db *store.DB, logger *slog.Logger) (*Bus, error) {
	if logger == nil {
		logger = slog.Default()
	}
	b := &Bus{logger: logger, subs: map[int64]map[*subscription]struct{}{}}
	if db == nil || db.Dialect() != store.Postgres {
		return b, nil
	}
	b.db = db
	b.stop, b.done = make(chan struct{}), make(chan struct{})
	ready := make(chan error, 1)
	go b.listen(ready)
	select {
	case err := <-ready:
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("event: listen on PostgreSQL: %w", err)
		}
	case <-ctx.Done():
		b.Close()
		return nil, ctx.Err()
	}
	return b, nil
}

// Publish sends e to every subscriber of its firm, in every process. Call it
// after the change it announces has committed.
func (b *Bus) Publish(ctx context.Context, e Event) error {
	if b.db == nil {
		b.deliver(e)
		return nil
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("event: %w", err)
	}
	// Delivered back to this process by its own listener, like everyone's.
	if _, err := b.db.PgxPool().Exec(ctx, "SELECT pg_notify($1, $2)", channel, string(payload)); err != nil {
		return fmt.Errorf("event: publish: %w", err)
	}
	return nil
}

// Subscribe returns the events of firmID from now on, until cancel. A
// subscriber that falls behind by more than a buffer loses the newest events
// rather than slowing everyone down.
func (b *Bus) Subscribe(firmID int64) (<-chan Event, func()) {
	s := &subscription{ch: make(chan Event, subscriberBuffer)}
	b.mu.Lock()
	if b.subs[firmID] == nil {
		b.subs[firmID] = map[*subscription]struct{}{}
	}
	b.subs[firmID][s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs[firmID], s)
			if len(b.subs[firmID]) == 0 {
				delete(b.subs, firmID)
			}
			b.mu.Unlock()
		})
	}
}

func (b *Bus) deliver(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs[e.FirmID] {
		select {
		case s.ch <- e:
		default:
		}
	}
}

// Close stops listening.
func (b *Bus) Close() {
	if b.stop == nil {
		return
	}
	close(b.stop)
	<-b.done
}

// listen holds one connection in LISTEN and delivers what arrives,
// reconnecting with backoff when the connection drops.
func (b *Bus) listen(ready chan<- error) {
	defer close(b.done)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-b.stop; cancel() }()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := b.listenOnce(ctx, func() {
			if ready != nil {
				ready <- nil
				ready = nil
			}
		})
		if ctx.Err() != nil {
			return
		}
		if ready != nil { // the first LISTEN failed: New reports it
			ready <- err
			return
		}
		b.logger.Warn("event listener lost its connection; reconnecting", "err", err, "in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// listenOnce listens on one connection until it fails, calling listening
// once LISTEN is in place.
func (b *Bus) listenOnce(ctx context.Context, listening func()) error {
	conn, err := b.db.PgxPool().Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	listening()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				// Leave the pooled connection clean for its next user.
				_, _ = conn.Exec(context.Background(), "UNLISTEN "+channel)
			}
			return err
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			b.logger.Warn("event: a notification that is not an event", "err", err)
			continue
		}
		b.deliver(e)
	}
}
