package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/store"
)

// CookiePrefix starts every session cookie's name. Browsers accept a
// __Host- cookie only when it is Secure, has Path=/ and no Domain, so it
// cannot be planted by a sibling subdomain or over plain HTTP.
const CookiePrefix = "__Host-"

// PollHeader marks a request that must not count as activity: the
// time-remaining poll of the warning page sends it, so that polling does not
// keep an abandoned session alive.
const PollHeader = "X-Session-Poll"

// Config configures a Manager.
type Config struct {
	// Name is the cookie's base name: "ls" (or "__Host-ls") gives the cookie
	// "__Host-ls". Letters, digits, '-' and '_'.
	Name string
	// Realm is the site's login realm ("institution", "ledgersync", …): a
	// session of another realm is never loaded.
	Realm string
	// Policy holds the timeouts; the zero value means DefaultPolicy.
	Policy Policy
	// SameSite is http.SameSiteLaxMode (the default when zero) or
	// http.SameSiteStrictMode.
	SameSite http.SameSite
	// TrustedOrigins are origins (scheme://host[:port]) allowed to send
	// cross-origin state-changing requests; normally none.
	TrustedOrigins []string
	// Logger receives database failures; slog.Default() when nil.
	Logger *slog.Logger
}

// Manager puts sessions on HTTP: it reads and writes the cookie, loads the
// session into the request context, counts requests as activity and guards
// state-changing requests against CSRF.
//
// We keep our own manager rather than a library such as alexedwards/scs
// because the security core needs an injected clock (idle timeouts and the
// 3-minute warning are tested on fake time), a per-area idle timeout, a
// time-remaining read that does not extend the session, and "end every
// other session of this account" after a credential change.
type Manager struct {
	cfg    Config
	cookie string
	db     *store.DB
	clock  clock.Clock
	cop    *http.CrossOriginProtection
	log    *slog.Logger
}

// NewManager validates cfg and returns a Manager over db.
func NewManager(cfg Config, db *store.DB, clk clock.Clock) (*Manager, error) {
	if cfg.Policy == (Policy{}) {
		cfg.Policy = DefaultPolicy()
	}
	if err := cfg.Policy.Validate(); err != nil {
		return nil, err
	}
	name := strings.TrimPrefix(cfg.Name, CookiePrefix)
	if !validCookieName(name) {
		return nil, fmt.Errorf("session: cookie name %q: use letters, digits, '-' and '_'", cfg.Name)
	}
	if cfg.Realm == "" {
		return nil, errors.New("session: a realm is required")
	}
	switch cfg.SameSite {
	case 0, http.SameSiteDefaultMode:
		cfg.SameSite = http.SameSiteLaxMode
	case http.SameSiteLaxMode, http.SameSiteStrictMode:
	default:
		return nil, errors.New("session: SameSite must be Lax or Strict")
	}
	if db == nil || clk == nil {
		return nil, errors.New("session: a database and a clock are required")
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("session: trusted origin: %w", err)
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Manager{cfg: cfg, cookie: CookiePrefix + name, db: db, clock: clk, cop: cop, log: log}, nil
}

// CookieName is the name of the session cookie, "__Host-<name>".
func (m *Manager) CookieName() string { return m.cookie }

// Policy returns the timeouts in force.
func (m *Manager) Policy() Policy { return m.cfg.Policy }

// state is what Middleware puts in the request context. Handlers change it
// through the Manager (Start, Rotate, Destroy), so later code in the same
// request sees the session and CSRF token the browser will hold.
type state struct {
	sess   *Session
	secret []byte // the current cookie's secret, from which the CSRF token derives
}

type ctxKey struct{}

func stateOf(ctx context.Context) *state {
	st, _ := ctx.Value(ctxKey{}).(*state)
	return st
}

// FromContext returns the request's session, loaded by Manager.Middleware,
// or false when the request has none (no cookie, or it had ended).
func FromContext(ctx context.Context) (*Session, bool) {
	st := stateOf(ctx)
	if st == nil || st.sess == nil {
		return nil, false
	}
	return st.sess, true
}

// Middleware loads the session named by the request's cookie into the
// request context (see FromContext) and counts the request as activity,
// unless it carries PollHeader. A cookie that names no live session is
// cleared and the request goes on without a session; a database failure is
// a 503.
func (m *Manager) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &state{}
		ctx := r.Context()
		if c, err := r.Cookie(m.cookie); err == nil {
			now := m.clock.Now()
			s, err := Load(ctx, m.db.Reader(), m.cfg.Realm, c.Value, now)
			if err == nil && r.Header.Get(PollHeader) == "" {
				err = Touch(ctx, m.db.Writer(), m.cfg.Policy, s, now)
			}
			switch {
			case err == nil:
				t, _ := parseToken(c.Value)
				st.sess, st.secret = s, t.secret
			case errors.Is(err, ErrExpired), errors.Is(err, store.ErrNotFound):
				m.clearCookie(w)
			default:
				m.log.ErrorContext(ctx, "session: load", slog.String("error", err.Error()))
				http.Error(w, "Sign-in is unavailable at the moment. Please try again shortly.", http.StatusServiceUnavailable)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, ctxKey{}, st)))
	})
}

var errNoMiddleware = errors.New("session: the request did not pass through Manager.Middleware")

// Start begins a new session for the request (an anonymous one before
// login, with p.AccountID 0), ending the request's current session if it has
// one, and sets the cookie. p.Realm is the Manager's; p.UserAgent and p.IP
// default to the request's.
func (m *Manager) Start(w http.ResponseWriter, r *http.Request, q store.Querier, p Params) (*Session, error) {
	st := stateOf(r.Context())
	if st == nil {
		return nil, errNoMiddleware
	}
	if p.Realm != "" && p.Realm != m.cfg.Realm {
		return nil, fmt.Errorf("session: start: realm %q is not this site's (%s)", p.Realm, m.cfg.Realm)
	}
	p.Realm = m.cfg.Realm
	if p.UserAgent == "" {
		p.UserAgent = r.UserAgent()
	}
	if p.IP == "" {
		p.IP = remoteIP(r)
	}
	if st.sess != nil {
		if err := Destroy(r.Context(), q, st.sess.ID); err != nil {
			return nil, err
		}
		st.sess, st.secret = nil, nil
	}
	s, tok, err := New(r.Context(), q, m.cfg.Policy, p, m.clock.Now())
	if err != nil {
		return nil, err
	}
	m.adopt(w, st, s, tok)
	return s, nil
}

// Rotate gives the request's session a new cookie (see the Rotate
// function) and sets it on w; the old cookie stops working.
func (m *Manager) Rotate(w http.ResponseWriter, r *http.Request, q store.Querier) (*Session, error) {
	st, err := m.current(r)
	if err != nil {
		return nil, err
	}
	tok, err := Rotate(r.Context(), q, m.cfg.Policy, st.sess, m.clock.Now())
	if err != nil {
		return nil, err
	}
	m.adopt(w, st, st.sess, tok)
	return st.sess, nil
}

// Authenticate records a completed login or step-up of account at level on
// the request's session and rotates its cookie (see the Authenticate
// function).
func (m *Manager) Authenticate(w http.ResponseWriter, r *http.Request, q store.Querier, accountID int64, level Level) (*Session, error) {
	st, err := m.current(r)
	if err != nil {
		return nil, err
	}
	tok, err := Authenticate(r.Context(), q, m.cfg.Policy, st.sess, accountID, level, m.clock.Now())
	if err != nil {
		return nil, err
	}
	m.adopt(w, st, st.sess, tok)
	return st.sess, nil
}

// SetArea moves the request's session into area: handlers of login and
// security screens set AreaSecurity (5-minute rule), the others AreaDefault.
// It does nothing when the session is already there.
func (m *Manager) SetArea(r *http.Request, q store.Querier, area Area) error {
	st, err := m.current(r)
	if err != nil {
		return err
	}
	if st.sess.Area == area {
		return nil
	}
	return SetArea(r.Context(), q, m.cfg.Policy, st.sess, area, m.clock.Now())
}

// Destroy ends the request's session (logout) and clears the cookie. A
// request without a session only has its cookie cleared.
func (m *Manager) Destroy(w http.ResponseWriter, r *http.Request, q store.Querier) error {
	st := stateOf(r.Context())
	if st == nil {
		return errNoMiddleware
	}
	if st.sess != nil {
		if err := Destroy(r.Context(), q, st.sess.ID); err != nil {
			return err
		}
	}
	st.sess, st.secret = nil, nil
	m.clearCookie(w)
	return nil
}

// DestroyOthers ends every other session of the request's account, after a
// password or credential change, and returns how many it ended.
func (m *Manager) DestroyOthers(r *http.Request, q store.Querier) (int64, error) {
	st, err := m.current(r)
	if err != nil {
		return 0, err
	}
	if !st.sess.Authenticated() {
		return 0, errors.New("session: end other sessions: the session has no account")
	}
	return DestroyAllForAccount(r.Context(), q, st.sess.AccountID, st.sess.ID)
}

func (m *Manager) current(r *http.Request) (*state, error) {
	st := stateOf(r.Context())
	if st == nil {
		return nil, errNoMiddleware
	}
	if st.sess == nil {
		return nil, fmt.Errorf("session: the request has no session: %w", store.ErrNotFound)
	}
	return st, nil
}

func (m *Manager) adopt(w http.ResponseWriter, st *state, s *Session, tok Token) {
	t, _ := parseToken(string(tok))
	st.sess, st.secret = s, t.secret
	m.setCookie(w, string(tok), 0)
}

// setCookie replaces any session cookie already set on w, so that a handler
// that starts and then authenticates a session sends one cookie, the last.
func (m *Manager) setCookie(w http.ResponseWriter, value string, maxAge int) {
	h := w.Header()
	var kept []string
	for _, v := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(v, m.cookie+"=") {
			kept = append(kept, v)
		}
	}
	h.Del("Set-Cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	// No Max-Age: the cookie dies with the browser; the server enforces the
	// idle and absolute deadlines whatever the browser keeps.
	http.SetCookie(w, &http.Cookie{
		Name: m.cookie, Value: value, Path: "/", MaxAge: maxAge,
		Secure: true, HttpOnly: true, SameSite: m.cfg.SameSite,
	})
	h.Set("Cache-Control", "no-store") // a response that sets a session must never be cached
}

func (m *Manager) clearCookie(w http.ResponseWriter) { m.setCookie(w, "", -1) }

// Status is what the idle warning needs to know.
type Status struct {
	Active    bool          // the request has a live session
	Deadline  time.Time     // when it ends without activity
	Remaining time.Duration // Deadline minus now
	Warn      bool          // Remaining is within the policy's warning time
}

// Status reports the request's session's time left at the Manager's clock,
// without counting as activity.
func (m *Manager) Status(r *http.Request) Status {
	s, ok := FromContext(r.Context())
	if !ok {
		return Status{}
	}
	now := m.clock.Now()
	left := s.TimeRemaining(now)
	return Status{Active: left > 0, Deadline: s.Deadline(), Remaining: left, Warn: left > 0 && left <= m.cfg.Policy.Warning}
}

// StatusHandler answers the warning page's poll with JSON:
// {"active":true,"expires_at":"…","remaining_seconds":120,"warn":true}. The
// page sends PollHeader so that the poll does not extend the session; a
// "stay signed in" button fetches it without the header.
func (m *Manager) StatusHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := m.Status(r)
		body := struct {
			Active           bool       `json:"active"`
			ExpiresAt        *time.Time `json:"expires_at,omitempty"`
			RemainingSeconds int64      `json:"remaining_seconds"`
			Warn             bool       `json:"warn"`
		}{Active: st.Active, RemainingSeconds: int64(st.Remaining / time.Second), Warn: st.Warn}
		if st.Active {
			body.ExpiresAt = &st.Deadline
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(body)
	})
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func validCookieName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
