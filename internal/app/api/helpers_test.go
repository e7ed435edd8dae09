package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/app/api"
	"github.com/ledgersync/ledgersync/internal/blob"
	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/demobanktest"
	"github.com/ledgersync/ledgersync/internal/jobs"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// staffPassword is every test staff member's password: long enough for the
// modern policy's sole-factor minimum.
const staffPassword = "correct horse battery staple 42"

// options of newEnv.
type options struct {
	bank      bool          // serve the demo bank and list it in the directory
	heartbeat time.Duration // the event stream's; 0 is the API's own
}

// env is LedgerSync (its own database, real River workers, a fake clock)
// behind the firm API over real HTTP, and, when asked, the demo bank on a
// database of its own. It remembers every secret the test used or was
// given, every response and every log line, and when the test ends checks
// that no secret reached a response it must not be in, or a log.
type env struct {
	t     *testing.T
	db    *store.DB
	ls    *app.App
	clock *clock.Fake
	srv   *httptest.Server
	bank  *demobanktest.Bank // nil without options.bank
	inst  *firm.Institution  // the demo bank's JSON API in the directory

	logs *lockedBuffer

	mu        sync.Mutex
	tokens    []string // bearer tokens: only in the response that gave them
	sensitive []string // passwords, answers, codes: in no response
	bodies    []*response
}

func newEnv(t *testing.T, db *store.DB, o options) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, db: db, logs: &lockedBuffer{}}
	box, err := secretbox.Open([]byte("firm api test master key 32 byte"), filepath.Join(t.TempDir(), secretbox.KeysetFileName), true)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	e.clock = clock.NewFake(bankapptest.Start)
	e.ls, err = app.New(ctx, app.Config{
		DB: db, Clock: e.clock, Logger: slog.New(slog.NewTextHandler(e.logs, nil)), Box: box, Blobs: blobs, Hasher: hasher, Workers: true,
		Connectors: map[connector.Kind]connector.Connector{connector.InstAPI: instapi.New(instapi.Options{Clock: e.clock})},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ls.Start(ctx); err != nil {
		_ = e.ls.Close(ctx)
		t.Fatal(err)
	}
	var h http.Handler
	if o.heartbeat > 0 {
		h, err = api.NewWithHeartbeat(e.ls, o.heartbeat)
	} else {
		h, err = api.New(e.ls)
	}
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", h) // as `ledgersync serve` mounts it
	e.srv = httptest.NewServer(mux)
	// Cleanups run last first: the secrets are checked once the server,
	// the workers and the bank have stopped writing.
	t.Cleanup(e.checkSecrets)
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.ls.Close(stop)
	})
	t.Cleanup(e.srv.Close)
	e.keep(staffPassword)
	if o.bank {
		e.bank = demobanktest.Start(t, storetest.Open(t, db.Dialect()))
		e.keep(e.bank.Demo.Password)
		for _, a := range e.bank.Demo.Answers {
			e.keep(a.Answer)
		}
		e.inst, err = firm.AddInstitution(ctx, db.Writer(), firm.Institution{Name: "Demo Community Bank", Kind: connector.InstAPI, APIURL: e.bank.APIURL()}, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// keep adds a password, answer or code to what no response may hold.
func (e *env) keep(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.sensitive, s) {
		e.sensitive = append(e.sensitive, s)
	}
}

// staff is a firm with a staff member, and a token acting for it.
type staff struct {
	firm  *firm.Firm
	email string
	token string
}

// newStaff creates a firm and its owner, and gets a token for them.
func (e *env) newStaff(firmName, email string) *staff {
	e.t.Helper()
	ctx := context.Background()
	f, err := firm.Create(ctx, e.db.Writer(), firmName, "", e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.ls.AddStaff(ctx, f.ID, email, staffPassword, "Pat Owner", firm.Owner); err != nil {
		e.t.Fatal(err)
	}
	s := &staff{firm: f, email: email}
	s.token = e.issue(email, staffPassword, f.ID).must(e.t, http.StatusCreated).Token
	return s
}

// issue asks for a token (firmID 0: leave firm_id out).
func (e *env) issue(email, pw string, firmID int64) *response {
	e.t.Helper()
	e.keep(pw)
	body := map[string]any{"email": email, "password": pw}
	if firmID != 0 {
		body["firm_id"] = firmID
	}
	return e.do(http.MethodPost, "/api/v1/tokens", body, "")
}

// response is what a request got.
type response struct {
	Method string      `json:"-"`
	Path   string      `json:"-"`
	Status int         `json:"-"`
	Header http.Header `json:"-"`
	Body   []byte      `json:"-"`
	// The JSON fields many tests read.
	Token   string `json:"token"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// do sends a request with a body (nil for none; a string or []byte as it
// is, anything else as JSON) and the bearer token (if any).
func (e *env) do(method, path string, body any, token string) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	out := &response{Method: method, Path: path, Status: res.StatusCode, Header: res.Header, Body: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && len(raw) > 0 && path != "/api/v1/openapi.json" {
		if err := json.Unmarshal(raw, out); err != nil {
			// Lists are objects too; anything else is a bug.
			e.t.Fatalf("%s %s: %d, body is not a JSON object: %v: %s", method, path, res.StatusCode, err, raw)
		}
	}
	e.mu.Lock()
	e.bodies = append(e.bodies, out)
	if out.Token != "" {
		e.tokens = append(e.tokens, out.Token)
	}
	e.mu.Unlock()
	return out
}

// must fails the test unless the response has status.
func (r *response) must(t *testing.T, status int) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", r.Method, r.Path, r.Status, status, r.Body)
	}
	return r
}

// mustError fails the test unless the response is the JSON error code with
// status and a message.
func (r *response) mustError(t *testing.T, status int, code string) *response {
	t.Helper()
	r.must(t, status)
	if r.Error != code || r.Message == "" {
		t.Fatalf("%s %s: error %q (message %q), want %q with a message: %s", r.Method, r.Path, r.Error, r.Message, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s %s: error with Content-Type %q", r.Method, r.Path, ct)
	}
	return r
}

// decode reads the body into v.
func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%s %s: %v: %s", r.Method, r.Path, err, r.Body)
	}
}

// The JSON the tests read back.

type clientJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

type connectionJSON struct {
	ID               int64          `json:"id"`
	ClientID         int64          `json:"client_id"`
	Label            string         `json:"label"`
	Schedule         string         `json:"schedule"`
	Status           string         `json:"status"`
	StatusMessage    string         `json:"status_message"`
	StatusDetail     string         `json:"status_detail"`
	LastSuccessAt    *time.Time     `json:"last_success_at"`
	HasSharedAnswers bool           `json:"has_shared_answers"`
	Restricted       bool           `json:"restricted"`
	ContactPhone     string         `json:"contact_phone"`
	Refresh          *refreshJSON   `json:"refresh"`
	Challenge        *challengeJSON `json:"challenge"`
	Accounts         []accountJSON  `json:"accounts"`
}

type refreshJSON struct {
	ID           int64   `json:"id"`
	ConnectionID int64   `json:"connection_id"`
	Trigger      string  `json:"trigger"`
	Attended     bool    `json:"attended"`
	State        string  `json:"state"`
	Outcome      *string `json:"outcome"`
	Detail       string  `json:"detail"`
	Counts       struct {
		Challenges      int `json:"challenges"`
		Accounts        int `json:"accounts"`
		TransactionsNew int `json:"transactions_new"`
		StatementsNew   int `json:"statements_new"`
	} `json:"counts"`
	Challenges []challengeJSON `json:"challenges"`
}

type challengeJSON struct {
	ID           int64  `json:"id"`
	ConnectionID int64  `json:"connection_id"`
	RefreshID    int64  `json:"refresh_id"`
	Type         string `json:"type"`
	Prompt       string `json:"prompt"`
	Options      []struct {
		ID      string `json:"id"`
		Label   string `json:"label"`
		Channel string `json:"channel"`
	} `json:"options"`
	AttemptsLeft *int      `json:"attempts_left"`
	LastAttempt  bool      `json:"last_attempt"`
	Rejected     bool      `json:"rejected"`
	Status       string    `json:"status"`
	ExpiresAt    time.Time `json:"expires_at"`
	SecondsLeft  int       `json:"seconds_left"`
}

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type accountJSON struct {
	ID           int64     `json:"id"`
	ConnectionID int64     `json:"connection_id"`
	Name         string    `json:"name"`
	Mask         string    `json:"mask"`
	Status       string    `json:"status"`
	Balance      moneyJSON `json:"balance"`
}

type transactionJSON struct {
	ID          int64     `json:"id"`
	Status      string    `json:"status"`
	Date        string    `json:"date"`
	Amount      moneyJSON `json:"amount"`
	Description string    `json:"description"`
	CheckImages *struct {
		Front string `json:"front"`
		Back  string `json:"back"`
	} `json:"check_images"`
}

func (c *challengeJSON) attempts() int {
	if c.AttemptsLeft == nil {
		return -1
	}
	return *c.AttemptsLeft
}

// createClient adds a client through the API.
func (e *env) createClient(token, name string) clientJSON {
	e.t.Helper()
	var c clientJSON
	e.do(http.MethodPost, "/api/v1/clients", map[string]string{"name": name}, token).must(e.t, http.StatusCreated).decode(e.t, &c)
	return c
}

// connectBob connects a client to the demo member bob through the API.
func (e *env) connectBob(token string, clientID int64) connectionJSON {
	e.t.Helper()
	var c connectionJSON
	e.do(http.MethodPost, "/api/v1/connections", map[string]any{
		"client_id": clientID, "institution_id": e.inst.ID, "label": "Bob's bank",
		"username": "bob", "password": e.bank.Demo.Password, "schedule": "manual",
	}, token).must(e.t, http.StatusCreated).decode(e.t, &c)
	return c
}

// getChallenge reads a challenge through the API.
func (e *env) getChallenge(token string, id int64) challengeJSON {
	e.t.Helper()
	var c challengeJSON
	e.do(http.MethodGet, "/api/v1/challenges/"+itoa(id), nil, token).must(e.t, http.StatusOK).decode(e.t, &c)
	return c
}

// getConnection reads a connection through the API.
func (e *env) getConnection(token string, id int64) connectionJSON {
	e.t.Helper()
	var c connectionJSON
	e.do(http.MethodGet, "/api/v1/connections/"+itoa(id), nil, token).must(e.t, http.StatusOK).decode(e.t, &c)
	return c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sse is one frame of the event stream: an event with its data, or a
// comment.
type sse struct {
	Event   string
	Data    string
	Comment string
}

// eventJSON is an event's data.
type eventJSON struct {
	Type         string `json:"type"`
	FirmID       int64  `json:"firm_id"`
	ConnectionID int64  `json:"connection_id"`
	RefreshID    int64  `json:"refresh_id"`
	ChallengeID  int64  `json:"challenge_id"`
	Status       string `json:"status"`
}

// stream is an open GET /api/v1/events.
type stream struct {
	t      *testing.T
	frames chan sse
	resp   *http.Response
}

// openStream opens the event stream with token and returns once it is
// subscribed (its first comment has arrived).
func (e *env) openStream(token string) *stream {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/api/v1/events", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		e.t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &stream{t: e.t, frames: make(chan sse, 256), resp: res}
	e.t.Cleanup(func() { cancel(); res.Body.Close() })
	go func() {
		defer close(s.frames)
		sc := bufio.NewScanner(res.Body)
		var f sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if f != (sse{}) {
					s.frames <- f
				}
				f = sse{}
			case strings.HasPrefix(line, ":"):
				f.Comment = strings.TrimSpace(strings.TrimPrefix(line, ":"))
			case strings.HasPrefix(line, "event: "):
				f.Event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				f.Data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	s.next(func(f sse) bool { return strings.HasPrefix(f.Comment, "subscribed") }, "the subscription comment")
	return s
}

// next waits for the first frame that matches, skipping the others; the
// deadline only ends a test that would otherwise hang.
func (s *stream) next(match func(sse) bool, what string) sse {
	s.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case f, ok := <-s.frames:
			if !ok {
				s.t.Fatalf("the event stream ended waiting for %s", what)
			}
			if match(f) {
				return f
			}
		case <-deadline:
			s.t.Fatalf("no %s on the event stream", what)
		}
	}
}

// closed waits for the server to end the stream.
func (s *stream) closed() {
	s.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case _, ok := <-s.frames:
			if !ok {
				return
			}
		case <-deadline:
			s.t.Fatal("the server never ended the event stream")
		}
	}
}

// event waits for an event of typ whose data matches.
func (s *stream) event(typ string, match func(eventJSON) bool, what string) eventJSON {
	s.t.Helper()
	var ev eventJSON
	s.next(func(f sse) bool {
		if f.Event != typ {
			return false
		}
		var got eventJSON
		if err := json.Unmarshal([]byte(f.Data), &got); err != nil {
			s.t.Fatalf("event data %q: %v", f.Data, err)
		}
		if got.Type != typ || !match(got) {
			return false
		}
		ev = got
		return true
	}, what)
	return ev
}

// challengeRaised waits for a new challenge of refresh refreshID other
// than the ones in seen.
func (s *stream) challengeRaised(refreshID int64, seen ...int64) eventJSON {
	s.t.Helper()
	return s.event("challenge", func(ev eventJSON) bool {
		return ev.RefreshID == refreshID && ev.Status == "pending" && !slices.Contains(seen, ev.ChallengeID)
	}, "new challenge of refresh "+itoa(refreshID))
}

// lockedBuffer is a log destination safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// dataPath says a response holds the bank's data, whose digits may match
// a six-digit code by chance.
func dataPath(path string) bool {
	for _, p := range []string{"/api/v1/accounts", "/api/v1/transactions/", "/api/v1/statements/", "/api/v1/connections/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// checkSecrets fails the test if a password, answer or code reached any
// response (a code: any but the bank data's), a token any response but the
// one that issued it, or any secret a log line.
func (e *env) checkSecrets() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range e.bodies {
		body := string(r.Body)
		for _, s := range e.sensitive {
			code := len(s) == 6 && strings.Trim(s, "0123456789") == ""
			if strings.Contains(body, s) && !(code && dataPath(r.Path)) {
				e.t.Errorf("%s %s (%d) holds a password, answer or code: %s", r.Method, r.Path, r.Status, body)
			}
		}
		for _, tok := range e.tokens {
			if strings.Contains(body, tok) && r.Token != tok {
				e.t.Errorf("%s %s (%d) holds a token it did not issue", r.Method, r.Path, r.Status)
			}
		}
	}
	logs := e.logs.String()
	for _, s := range append(slices.Clone(e.sensitive), e.tokens...) {
		if strings.Contains(logs, s) {
			e.t.Errorf("a log line holds a secret")
		}
	}
}
