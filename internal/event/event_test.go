package event_test

import (
	"context"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/event"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Two buses on one database stand for two processes: what one publishes,
// the other's subscribers of that firm receive, and other firms' do not.
func TestPublishReachesOtherProcessesOfTheFirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		worker, err := event.New(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer worker.Close()
		web := worker
		if db.Dialect() == store.Postgres {
			if web, err = event.New(ctx, db, nil); err != nil {
				t.Fatal(err)
			}
			defer web.Close()
		}
		mine, cancel := web.Subscribe(1)
		defer cancel()
		theirs, cancelTheirs := web.Subscribe(2)
		defer cancelTheirs()

		sent := event.Event{Type: event.Challenge, FirmID: 1, ConnectionID: 7, ChallengeID: 9, Status: "pending", At: time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)}
		if err := worker.Publish(ctx, sent); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-mine:
			if got != sent {
				t.Fatalf("received %+v, want %+v", got, sent)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the firm's subscriber received nothing")
		}
		if err := worker.Publish(ctx, event.Event{Type: event.Status, FirmID: 1, ConnectionID: 8, Status: "ok"}); err != nil {
			t.Fatal(err)
		}
		<-mine // the second one arrived, so the first would have reached firm 2 by now
		select {
		case got := <-theirs:
			t.Fatalf("another firm's subscriber received %+v", got)
		default:
		}

		cancel()
		if err := worker.Publish(ctx, sent); err != nil {
			t.Fatal(err)
		}
	})
}
