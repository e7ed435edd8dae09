package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/security/auth"
)

// maxBody bounds what a client can make us read: a connection with its
// shared answers is the largest request, well under this.
const maxBody = 64 << 10

// heartbeat is how often the event stream sends a comment, so that proxies
// and clients see a live connection and a dead one is noticed.
const heartbeat = 15 * time.Second

// server is the API of one App.
type server struct {
	app       *app.App
	log       *slog.Logger
	heartbeat time.Duration
	mux       *http.ServeMux
}

// New builds the API on the assembled App and returns its handler, to be
// mounted at "/api/v1/".
func New(a *app.App) (http.Handler, error) {
	return newServer(a, heartbeat)
}

func newServer(a *app.App, beat time.Duration) (http.Handler, error) {
	if a == nil || a.DB == nil || a.Clock == nil || a.Staff == nil || a.Refresh == nil || a.Events == nil || a.Blobs == nil || a.Box == nil {
		return nil, errors.New("api: LedgerSync's services are missing; build them with app.New")
	}
	logger := a.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &server{app: a, log: logger, heartbeat: beat}
	s.mux = http.NewServeMux()
	for _, rt := range s.routes() {
		s.mux.Handle(rt.pattern, s.serve(rt.handler))
	}
	return securityHeaders(http.HandlerFunc(s.dispatch)), nil
}

// dispatch serves the request by the route table, answering an unknown
// route (404) or a known route with another method (405) in JSON like every
// other error.
func (s *server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	// The mux's own answer is a 404, a 405 with its Allow header, or a
	// redirect to the cleaned path; keep the status and headers, say it in
	// JSON.
	rec := &headerRecorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s is not allowed here; use %s.", r.Method, rec.header.Get("Allow"))})
	case http.StatusNotFound, 0:
		writeError(w, notFound("There is no such API route. See /api/v1/openapi.json."))
	default:
		for k, v := range rec.header {
			if k != "Content-Type" && k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		writeError(w, &apiError{Status: rec.status, Code: "moved", Message: "Use the canonical path: " + rec.header.Get("Location")})
	}
}

// headerRecorder keeps the status and headers the mux's fallback handler
// writes, and drops its text body.
type headerRecorder struct {
	header http.Header
	status int
}

func (h *headerRecorder) Header() http.Header { return h.header }
func (h *headerRecorder) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}
func (h *headerRecorder) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return len(b), nil
}

// handler is an API operation: it parses, calls the domain, and writes its
// success; a returned error is written by serve.
type handler func(w http.ResponseWriter, r *http.Request) error

// serve adapts a handler: its request body is bounded, and its error
// becomes a JSON error. It is the one place errors become statuses.
func (s *server) serve(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail writes err as a JSON error. Errors that are no refusal are logged
// (by route pattern, never the path or a header) and answered with a 500
// that says nothing of the cause.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae := refusal(err)
	if ae == nil && r.Context().Err() != nil {
		return // the client went away: nobody to answer, nothing of ours to log
	}
	if ae == nil {
		// Domain errors never carry a password, answer, code or token.
		s.log.ErrorContext(r.Context(), "firm api: request failed", "method", r.Method, "route", r.Pattern, "err", err)
		ae = &apiError{Status: http.StatusInternalServerError, Code: "internal_error",
			Message: "The request could not be completed. Try again in a moment."}
	}
	writeError(w, ae)
}

func (s *server) now() time.Time { return s.app.Clock.Now() }

// meta describes the request for the sign-in engine. The client address is
// the connection's: the API trusts no forwarding header (put it behind a
// proxy that rewrites RemoteAddr, or none).
func meta(r *http.Request) auth.Meta {
	return auth.Meta{IP: clientIP(r), UserAgent: r.UserAgent()}
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
