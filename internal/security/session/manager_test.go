package session_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// site is a small web app on a Manager: the real middleware chain and
// handlers that call the Manager the way the product's handlers will.
type site struct {
	t       *testing.T
	db      *store.DB
	m       *session.Manager
	clock   *clock.Fake
	handler http.Handler
	account int64
}

func newSite(t *testing.T, db *store.DB, cfg session.Config) *site {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "ls"
	}
	cfg.Realm = realm
	clk := clock.NewFake(t0)
	m, err := session.NewManager(cfg, db, clk)
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, db: db, m: m, clock: clk, account: newAccount(t, db, "alice "+strings.TrimPrefix(cfg.Name, "__Host-"))}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start", func(w http.ResponseWriter, r *http.Request) {
		if _, err := m.Start(w, r, db.Writer(), session.Params{Area: session.AreaSecurity}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, m.CSRFToken(r))
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		sess, ok := session.FromContext(r.Context())
		if !ok {
			fmt.Fprint(w, "none")
			return
		}
		fmt.Fprintf(w, "session %d account %d level %q csrf %s", sess.ID, sess.AccountID, sess.Level, m.CSRFToken(r))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if _, err := m.Authenticate(w, r, db.Writer(), s.account, session.LevelPassword); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if err := m.SetArea(r, db.Writer(), session.AreaDefault); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, m.CSRFToken(r))
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := m.Destroy(w, r, db.Writer()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("POST /password", func(w http.ResponseWriter, r *http.Request) {
		n, err := m.DestroyOthers(r, db.Writer())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, n)
	})
	mux.HandleFunc("/act", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "done") })
	mux.Handle("GET /session/status", m.StatusHandler())
	s.handler = m.Middleware(m.RequireCSRF(mux))
	return s
}

// do sends a request with the cookie (if any) and, for a POST, the form.
func (s *site) do(method, path string, cookie *http.Cookie, form url.Values, header http.Header) *httptest.ResponseRecorder {
	s.t.Helper()
	var body io.Reader = http.NoBody
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, "https://bank.example"+path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	if cookie != nil {
		r.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, r)
	return w
}

func (s *site) sessionCookie(w *httptest.ResponseRecorder) *http.Cookie {
	s.t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == s.m.CookieName() {
			return c
		}
	}
	return nil
}

// start opens an anonymous session and returns its cookie and CSRF token.
func (s *site) start() (*http.Cookie, string) {
	s.t.Helper()
	w := s.do("GET", "/start", nil, nil, nil)
	c := s.sessionCookie(w)
	if w.Code != http.StatusOK || c == nil {
		s.t.Fatalf("GET /start: %d %q, cookie %v", w.Code, w.Body, c)
	}
	return c, w.Body.String()
}

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range []struct {
			cfg      session.Config
			name     string
			sameSite http.SameSite
		}{
			{session.Config{Name: "ls"}, "__Host-ls", http.SameSiteLaxMode},
			{session.Config{Name: "__Host-bank", SameSite: http.SameSiteStrictMode}, "__Host-bank", http.SameSiteStrictMode},
		} {
			s := newSite(t, db, tc.cfg)
			w := s.do("GET", "/start", nil, nil, nil)
			c := s.sessionCookie(w)
			if c == nil {
				t.Fatalf("%s: no session cookie in %v", tc.name, w.Header())
			}
			if c.Name != tc.name || !strings.HasPrefix(c.Name, "__Host-") || !c.Secure || !c.HttpOnly ||
				c.SameSite != tc.sameSite || c.Path != "/" || c.Domain != "" || c.MaxAge != 0 || !c.Expires.IsZero() {
				t.Errorf("cookie %+v; want %s, Secure, HttpOnly, SameSite %v, Path=/, no Domain, no expiry", c, tc.name, tc.sameSite)
			}
			if id, secret, ok := strings.Cut(c.Value, "."); !ok || len(id) != 22 || len(secret) != 22 {
				t.Errorf("cookie value is not <id>.<secret> of 128 bits each: %d chars", len(c.Value))
			}
			if got := w.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("a response setting a session has Cache-Control %q", got)
			}
		}
		for _, bad := range []session.Config{
			{Name: "", Realm: realm},
			{Name: "l s", Realm: realm},
			{Name: "ls"},
			{Name: "ls", Realm: realm, SameSite: http.SameSiteNoneMode},
		} {
			if _, err := session.NewManager(bad, db, clock.NewFake(t0)); err == nil {
				t.Errorf("NewManager(%+v) accepted", bad)
			}
		}
	})
}

func TestMiddlewareCountsRequestsAsActivityButNotThePoll(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db, session.Config{})

		// Activity at 3 min carries a security-area session past 5 min.
		c, _ := s.start()
		s.clock.Set(t0.Add(3 * time.Minute))
		if w := s.do("GET", "/whoami", c, nil, nil); !strings.HasPrefix(w.Body.String(), "session ") {
			t.Fatalf("at 3 min: %q", w.Body)
		}
		s.clock.Set(t0.Add(8*time.Minute - time.Second))
		if w := s.do("GET", "/whoami", c, nil, nil); !strings.HasPrefix(w.Body.String(), "session ") {
			t.Fatalf("at 7m59s after activity at 3 min: %q", w.Body)
		}

		// The warning page's poll reads the time left without extending it.
		s.clock.Set(t0)
		c, _ = s.start()
		s.clock.Set(t0.Add(3 * time.Minute))
		w := s.do("GET", "/session/status", c, nil, http.Header{session.PollHeader: {"1"}})
		var st struct {
			Active           bool      `json:"active"`
			ExpiresAt        time.Time `json:"expires_at"`
			RemainingSeconds int64     `json:"remaining_seconds"`
			Warn             bool      `json:"warn"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil {
			t.Fatalf("status %q: %v", w.Body, err)
		}
		if !st.Active || st.RemainingSeconds != 120 || !st.Warn || !st.ExpiresAt.Equal(t0.Add(5*time.Minute)) {
			t.Fatalf("status at 3 min idle: %+v; want 2 min left, warn, ends at 5 min", st)
		}
		s.clock.Set(t0.Add(5 * time.Minute))
		w = s.do("GET", "/whoami", c, nil, nil)
		if w.Body.String() != "none" {
			t.Fatalf("at 5 min after only polls: %q, want no session", w.Body)
		}
		if got := s.sessionCookie(w); got == nil || got.MaxAge >= 0 {
			t.Fatalf("the expired cookie was not cleared: %v", got)
		}

		// Without the header the status request is activity ("stay signed in").
		s.clock.Set(t0)
		c, _ = s.start()
		s.clock.Set(t0.Add(3 * time.Minute))
		s.do("GET", "/session/status", c, nil, nil)
		s.clock.Set(t0.Add(5 * time.Minute))
		if w := s.do("GET", "/whoami", c, nil, nil); w.Body.String() == "none" {
			t.Fatal("the status request without the poll header did not extend the session")
		}
		// Long after the deadline the status says the session has ended.
		s.clock.Set(t0.Add(20 * time.Minute))
		w = s.do("GET", "/session/status", c, nil, http.Header{session.PollHeader: {"1"}})
		if !strings.Contains(w.Body.String(), `"active":false`) {
			t.Fatalf("status of an ended session: %q", w.Body)
		}
	})
}

func TestMiddlewareClearsAnInvalidCookie(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db, session.Config{})
		good, _ := s.start()
		id, _, _ := strings.Cut(good.Value, ".")
		for name, v := range map[string]string{
			"garbage":      "not-a-session",
			"wrong secret": id + ".AAAAAAAAAAAAAAAAAAAAAA",
		} {
			w := s.do("GET", "/whoami", &http.Cookie{Name: s.m.CookieName(), Value: v}, nil, nil)
			if w.Body.String() != "none" {
				t.Errorf("%s: handler saw %q", name, w.Body)
			}
			c := s.sessionCookie(w)
			if c == nil || c.MaxAge >= 0 || c.Value != "" || !c.Secure || c.Path != "/" {
				t.Errorf("%s: cookie not cleared: %+v", name, c)
			}
		}
		// A request without a cookie gets none.
		if w := s.do("GET", "/whoami", nil, nil, nil); s.sessionCookie(w) != nil || w.Body.String() != "none" {
			t.Errorf("no cookie: %q, Set-Cookie %v", w.Body, w.Header().Values("Set-Cookie"))
		}
		// The good one still works and is not re-set on a plain request.
		if w := s.do("GET", "/whoami", good, nil, nil); !strings.HasPrefix(w.Body.String(), "session ") || s.sessionCookie(w) != nil {
			t.Errorf("good cookie: %q, Set-Cookie %v", w.Body, w.Header().Values("Set-Cookie"))
		}
	})
}

func TestLoginRotatesTheCookie(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db, session.Config{})
		anon, csrf := s.start()
		w := s.do("POST", "/login", anon, url.Values{"csrf_token": {csrf}}, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("login: %d %q", w.Code, w.Body)
		}
		fresh := s.sessionCookie(w)
		if fresh == nil || fresh.Value == anon.Value || !fresh.Secure || !fresh.HttpOnly {
			t.Fatalf("login set no fresh cookie: %+v", fresh)
		}
		if n := len(w.Header().Values("Set-Cookie")); n != 1 {
			t.Fatalf("login set %d cookies, want one", n)
		}
		newCSRF := w.Body.String()
		if newCSRF == csrf {
			t.Fatal("the CSRF token did not change with the session")
		}
		if w := s.do("GET", "/whoami", anon, nil, nil); w.Body.String() != "none" || s.sessionCookie(w) == nil {
			t.Fatalf("the pre-login cookie: %q; want no session and a cleared cookie", w.Body)
		}
		w = s.do("GET", "/whoami", fresh, nil, nil)
		if want := fmt.Sprintf("account %d level %q csrf %s", s.account, session.LevelPassword, newCSRF); !strings.Contains(w.Body.String(), want) {
			t.Fatalf("after login: %q, want %q", w.Body, want)
		}
		// The old CSRF token is refused with the new cookie.
		if w := s.do("POST", "/act", fresh, url.Values{"csrf_token": {csrf}}, nil); w.Code != http.StatusForbidden {
			t.Fatalf("the pre-login CSRF token after login: %d", w.Code)
		}
	})
}

func TestCredentialChangeEndsOtherSessionsAndLogoutEndsThis(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db, session.Config{})
		login := func() (*http.Cookie, string) {
			anon, csrf := s.start()
			w := s.do("POST", "/login", anon, url.Values{"csrf_token": {csrf}}, nil)
			return s.sessionCookie(w), w.Body.String()
		}
		phone, _ := login()
		laptop, csrf := login()
		w := s.do("POST", "/password", laptop, url.Values{"csrf_token": {csrf}}, nil)
		if w.Body.String() != "1" {
			t.Fatalf("password change ended %q sessions, want 1", w.Body)
		}
		if w := s.do("GET", "/whoami", phone, nil, nil); w.Body.String() != "none" {
			t.Fatalf("the other session survived: %q", w.Body)
		}
		if w := s.do("GET", "/whoami", laptop, nil, nil); w.Body.String() == "none" {
			t.Fatal("the current session was ended")
		}
		w = s.do("POST", "/logout", laptop, url.Values{"csrf_token": {csrf}}, nil)
		if c := s.sessionCookie(w); w.Code != http.StatusOK || c == nil || c.MaxAge >= 0 {
			t.Fatalf("logout: %d, cookie %+v", w.Code, c)
		}
		if w := s.do("GET", "/whoami", laptop, nil, nil); w.Body.String() != "none" {
			t.Fatalf("after logout: %q", w.Body)
		}
	})
}
