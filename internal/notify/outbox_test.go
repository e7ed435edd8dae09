package notify_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestDevOutboxStoresAndLists(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFake(now)
		o := notify.NewDevOutbox(db, clk)
		var _ notify.Sender = o

		send := func(m notify.Message) int64 {
			t.Helper()
			id, err := o.Send(ctx, m)
			if err != nil {
				t.Fatalf("Send(%v): %v", m, err)
			}
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				t.Fatalf("Send returned id %q, want a decimal row id", id)
			}
			clk.Advance(time.Minute)
			return n
		}
		first := send(notify.Message{Channel: notify.SMS, To: "+15551234567", Body: "Your code is 111111", Purpose: "login_code", Sensitive: true})
		send(notify.Message{Channel: notify.Voice, To: "+15551234567", Body: "Your code is 222222", Purpose: "login_code", Sensitive: true})
		send(notify.Message{Channel: notify.Email, To: "Alice@Example.com", Subject: "Activate", Body: "Code 333333", Purpose: "activation", Sensitive: true})
		last := send(notify.Message{Channel: notify.SMS, To: "+15551234567", Body: "Your code is 444444", Purpose: "login_code", Sensitive: true})

		// An invalid message is refused and not stored.
		if _, err := o.Send(ctx, notify.Message{Channel: notify.SMS, To: "555", Body: "x", Purpose: "login_code"}); !errors.Is(err, notify.ErrInvalidMessage) {
			t.Fatalf("Send(invalid) = %v, want ErrInvalidMessage", err)
		}

		all, err := o.List(ctx, notify.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 || all[0].ID != last || all[3].ID != first {
			t.Fatalf("List() returned %d entries (newest %v); want 4, newest first", len(all), all)
		}
		e := all[1]
		want := notify.OutboxEntry{ID: e.ID, Channel: notify.Email, To: "Alice@Example.com", Subject: "Activate", Body: "Code 333333",
			Purpose: "activation", Sensitive: true, CreatedAt: now.Add(2 * time.Minute)}
		if *e != want {
			t.Fatalf("stored email = %+v, want %+v", *e, want)
		}

		tests := []struct {
			name   string
			filter notify.OutboxFilter
			bodies []string
		}{
			{"by number", notify.OutboxFilter{To: "+15551234567"}, []string{"Your code is 444444", "Your code is 222222", "Your code is 111111"}},
			{"by number and channel", notify.OutboxFilter{To: "+15551234567", Channel: notify.SMS}, []string{"Your code is 444444", "Your code is 111111"}},
			{"email in another case", notify.OutboxFilter{To: "alice@example.COM"}, []string{"Code 333333"}},
			{"by purpose", notify.OutboxFilter{Purpose: "activation"}, []string{"Code 333333"}},
			{"since", notify.OutboxFilter{Since: now.Add(2 * time.Minute)}, []string{"Your code is 444444", "Code 333333"}},
			{"limit", notify.OutboxFilter{To: "+15551234567", Limit: 1}, []string{"Your code is 444444"}},
			{"nobody", notify.OutboxFilter{To: "+15550000000"}, nil},
		}
		for _, tt := range tests {
			got, err := o.List(ctx, tt.filter)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var bodies []string
			for _, e := range got {
				bodies = append(bodies, e.Body)
			}
			if len(bodies) != len(tt.bodies) {
				t.Fatalf("%s: bodies %q, want %q", tt.name, bodies, tt.bodies)
			}
			for i := range bodies {
				if bodies[i] != tt.bodies[i] {
					t.Fatalf("%s: bodies %q, want %q", tt.name, bodies, tt.bodies)
				}
			}
		}
		if _, err := o.List(ctx, notify.OutboxFilter{Channel: "fax"}); err == nil {
			t.Fatal("List with an unknown channel succeeded")
		}

		latest, err := o.Latest(ctx, "+15551234567", notify.Voice)
		if err != nil || latest.Body != "Your code is 222222" {
			t.Fatalf("Latest(voice) = %+v, %v; want the 222222 call", latest, err)
		}
		latest, err = o.Latest(ctx, "+15551234567", "")
		if err != nil || latest.ID != last {
			t.Fatalf("Latest(any channel) = %+v, %v; want entry %d", latest, err, last)
		}
		if _, err := o.Latest(ctx, "bob@example.com", notify.Email); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Latest(nobody) = %v, want ErrNotFound", err)
		}
	})
}
