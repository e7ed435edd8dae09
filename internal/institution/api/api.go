package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/session"
)

// Realm is the session realm of the API's bearer tokens: a token of the
// member site (realm "institution") is never accepted here, nor the other
// way round.
const Realm = "institution-api"

// ChallengeTTL is how long a challenge can be answered after it is issued
// (DESIGN §1: about 180 seconds, after which the attempt is "canceled or
// aborted").
const ChallengeTTL = 180 * time.Second

// maxBody bounds what a client can make us read.
const maxBody = 16 << 10

// server is the API of one institution.
type server struct {
	app      *bankapp.App
	log      *slog.Logger
	sessions session.Policy
	seal     *sealer
	decoys   *decoys
	mux      *http.ServeMux
}

// New builds the API on the bank's services and returns its handler, to be
// mounted at "/api/v1/".
func New(app *bankapp.App) (http.Handler, error) {
	if app == nil || app.DB == nil || app.Clock == nil || app.Members == nil {
		return nil, errors.New("api: the bank's services are missing; build them with bankapp.New")
	}
	if len(app.SealKey) == 0 || len(app.DecoyKey) == 0 {
		return nil, errors.New("api: the bank's keys are missing; build them with bankapp.New")
	}
	pol := app.Policy.Sessions()
	if err := pol.Validate(); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	seal, err := newSealer(app.SealKey)
	if err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	logger := app.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &server{app: app, log: logger, sessions: pol, seal: seal, decoys: newDecoys(app.DecoyKey)}
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

// handler is an API operation: it parses, calls the engine or the domain,
// and writes its success; a returned error is written by serve.
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

// fail writes err as a JSON error. Errors that are not a refusal are
// logged (by route pattern: a path can hold a challenge id) and answered
// with a 500 that says nothing of the cause.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		// Engine and domain errors never carry a password, answer or code.
		s.log.ErrorContext(r.Context(), "institution api: request failed", "method", r.Method, "route", r.Pattern, "err", err)
		ae = &apiError{Status: http.StatusInternalServerError, Code: "internal_error",
			Message: "The request could not be completed. Try again in a moment."}
	}
	writeError(w, ae)
}

func (s *server) now() time.Time { return s.app.Clock.Now() }

// meta describes the request for the engine. The client address is the
// connection's: the API trusts no forwarding header (put it behind a proxy
// that rewrites RemoteAddr, or none).
func (s *server) meta(r *http.Request) auth.Meta {
	return auth.Meta{IP: clientIP(r), UserAgent: r.UserAgent()}
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
