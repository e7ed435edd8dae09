package api

import (
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/app"
)

// Routes lists the patterns of the route table, for the test that holds
// openapi.json equal to it.
func Routes() []string {
	var out []string
	for _, rt := range (&server{}).routes() {
		out = append(out, rt.pattern)
	}
	return out
}

// NewWithHeartbeat is New with the event stream's heartbeat every beat, so
// that a test sees heartbeats without waiting 15 seconds.
func NewWithHeartbeat(a *app.App, beat time.Duration) (http.Handler, error) {
	return newServer(a, beat)
}
