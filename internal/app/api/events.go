package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/event"
)

// events streams the firm's events as Server-Sent Events until the client
// goes away: "event: challenge" (raised, answered, expired, canceled) and
// "event: status" (a refresh queued, running, ended), each with the event's
// JSON as data; the data is what changed, to be read with the other routes.
// A comment every heartbeat keeps the connection alive through proxies and
// re-checks the token: an open stream is activity, but a token that has
// ended (its 12 hours, rotated, deleted, its staff member removed from the
// firm) ends the stream with "event: end".
func (s *server) events(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()
	rc := http.NewResponseController(w)
	// Subscribed before the headers go out: a client that has them sees
	// every event from then on.
	evs, cancel := s.app.Events.Subscribe(c.firmID)
	defer cancel()
	// A server-wide write timeout is meant for requests, not for a stream;
	// a writer that cannot lift it is fine as it is.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no") // nginx: do not hold events back
	w.WriteHeader(http.StatusOK)
	send := func(frame string) bool {
		if _, err := io.WriteString(w, frame); err != nil {
			return false // the client went away
		}
		err := rc.Flush()
		if errors.Is(err, http.ErrNotSupported) {
			// A wrapper in front of the API hides the connection's Flush:
			// events would sit in a buffer, so say so and stop.
			s.log.ErrorContext(ctx, "firm api: the event stream cannot flush through this server's response writer")
		}
		return err == nil
	}
	if !send("retry: 5000\n: subscribed to the firm's events\n\n") {
		return nil
	}
	beat := time.NewTicker(s.heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-evs:
			data, err := json.Marshal(e)
			if err != nil {
				s.log.ErrorContext(ctx, "firm api: event not encoded", "type", e.Type, "err", err)
				continue
			}
			if !send(fmt.Sprintf("event: %s\ndata: %s\n\n", eventName(e.Type), data)) {
				return nil
			}
		case <-beat.C:
			if _, err := s.authorize(ctx, c.token.Hash); err != nil {
				ae := refusal(err)
				if ae == nil {
					s.log.ErrorContext(ctx, "firm api: event stream check failed", "err", err)
					ae = &apiError{Code: "internal_error", Message: "The stream could not go on. Connect again in a moment."}
				}
				data, _ := json.Marshal(errorBody{Error: ae.Code, Message: ae.Message})
				send(fmt.Sprintf("event: end\ndata: %s\n\n", data))
				return nil
			}
			if !send(": heartbeat\n\n") {
				return nil
			}
		}
	}
}

// eventName is the SSE event name of t: one word, so it cannot break the
// stream's framing whatever a publisher puts in it.
func eventName(t event.Type) string {
	switch t {
	case event.Challenge, event.Status:
		return string(t)
	}
	return "message"
}
