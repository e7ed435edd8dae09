package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/event"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// The event stream carries the token's firm's events only, as "event:
// <type>" with the event's JSON; a heartbeat comment comes on its own; and
// the stream ends, saying why, once its staff member is removed from the
// firm.
func TestEventStream(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{heartbeat: 20 * time.Millisecond})
		ctx := context.Background()
		a := e.newStaff("Alpha Books", "alpha@firms.example")
		b := e.newStaff("Beta Ledgers", "beta@firms.example")
		st := e.openStream(a.token)
		if cc := st.resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}

		st.next(func(f sse) bool { return f.Comment == "heartbeat" }, "heartbeat")
		for _, ev := range []event.Event{
			{Type: event.Challenge, FirmID: b.firm.ID, ConnectionID: 7, ChallengeID: 70, Status: "pending"},
			{Type: event.Status, FirmID: a.firm.ID, ConnectionID: 8, RefreshID: 80, Status: "running"},
		} {
			if err := e.ls.Events.Publish(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		f := st.next(func(f sse) bool { return f.Event != "" }, "an event")
		var got eventJSON
		if err := json.Unmarshal([]byte(f.Data), &got); err != nil {
			t.Fatal(err)
		}
		if f.Event != "status" || got != (eventJSON{Type: "status", FirmID: a.firm.ID, ConnectionID: 8, RefreshID: 80, Status: "running"}) {
			t.Fatalf("first event %q %+v, want firm A's status (firm B's challenge is not A's)", f.Event, got)
		}

		if _, err := db.Writer().ExecContext(ctx, `DELETE FROM firm_staff WHERE firm_id = $1`, a.firm.ID); err != nil {
			t.Fatal(err)
		}
		end := st.next(func(f sse) bool { return f.Event == "end" }, "the end of the stream")
		var why struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(end.Data), &why); err != nil || why.Error != "unauthenticated" {
			t.Errorf("end: %s", end.Data)
		}
		st.closed()
		e.do(http.MethodGet, "/api/v1/events", nil, a.token).mustError(t, http.StatusUnauthorized, "unauthenticated")
	})
}
