package web

import (
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/password"
)

// site is the member site of one institution.
type site struct {
	app   *bankapp.App
	pages map[string]*template.Template
	log   *slog.Logger
	// decoyKey keys the decoy watermark shown for a username nobody has,
	// so the page after the username looks the same whether or not the
	// username exists (S22).
	decoyKey []byte
	// hasher hashes and checks the members' confirmation codes (S21).
	hasher *password.Hasher
}

// New builds the member site on the bank's services and returns its
// handler, to be mounted at "/".
func New(app *bankapp.App) (http.Handler, error) {
	if app == nil || app.DB == nil || app.Clock == nil || app.Members == nil || app.MemberSessions == nil || app.Devices == nil {
		return nil, errors.New("web: the bank's services are missing; build them with bankapp.New")
	}
	pages, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if app.Hasher == nil || len(app.DecoyKey) == 0 {
		return nil, errors.New("web: the bank's hasher and decoy key are missing; build them with bankapp.New")
	}
	logger := app.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &site{app: app, pages: pages, log: logger, decoyKey: app.DecoyKey, hasher: app.Hasher}
	return s.handler(), nil
}

// handler wraps the route table in what every request goes through: the
// security headers, the session (loaded, and counted as activity unless it
// is the idle warning's poll) and the CSRF check of every state change.
// Static files skip the session: fetching a stylesheet is not activity.
func (s *site) handler() http.Handler {
	sessions := s.app.MemberSessions
	root := http.NewServeMux()
	root.Handle("GET /static/", staticHandler())
	root.Handle("/", sessions.Middleware(sessions.RequireCSRF(s.routes())))
	return securityHeaders(root)
}

func (s *site) now() time.Time { return s.app.Clock.Now() }
