package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution/api"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
)

// bank is the API of the seeded demo bank on a real database and a fake
// clock, served over real HTTP. It remembers every secret the test used
// (passwords, answers, codes, tokens) and, when the test ends, checks that
// none reached an error response or an audit detail.
type bank struct {
	t     *testing.T
	db    *store.DB
	app   *bankapp.App
	clock *clock.Fake
	demo  *bankseed.DemoBank
	srv   *httptest.Server

	mu        sync.Mutex
	secrets   []string // never in an error body or an audit detail
	sensitive []string // passwords, answers and codes: never in any body
	bodies    []response
}

func newBank(t *testing.T, db *store.DB) *bank {
	t.Helper()
	app, clk := bankapptest.New(t, db, policy.Policy{})
	demo, err := bankseed.Demo(context.Background(), db, app.Members, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	h, err := api.New(app)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", h) // as `ledgersync bank serve` mounts it
	b := &bank{t: t, db: db, app: app, clock: clk, demo: demo, srv: httptest.NewServer(mux)}
	t.Cleanup(b.srv.Close)
	b.sensitive = append(b.sensitive, demo.Password)
	for _, a := range demo.Answers {
		b.sensitive = append(b.sensitive, a.Answer)
	}
	t.Cleanup(b.checkSecrets)
	return b
}

// response is what a request got.
type response struct {
	Path   string
	Status int
	Header http.Header
	Body   []byte
	// The JSON fields the tests read.
	Token       string     `json:"token"`
	ExpiresAt   time.Time  `json:"expires_at"`
	DeviceToken string     `json:"device_token"`
	Challenge   *challenge `json:"challenge"`
	Message     string     `json:"message"`
	Error       string     `json:"error"`
	Method      string     `json:"method"`
	Attempts    *int       `json:"attempts_left"`
}

type challenge struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Prompt    string `json:"prompt"`
	Questions []struct {
		ID     string `json:"id"`
		Prompt string `json:"prompt"`
	} `json:"questions"`
	Options []struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"options"`
	Attempts  *int      `json:"attempts_left"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (c *challenge) attempts() int {
	if c.Attempts == nil {
		return -1
	}
	return *c.Attempts
}

func (r *response) attempts() int {
	if r.Attempts == nil {
		return -1
	}
	return *r.Attempts
}

// do sends a request with a JSON body (nil for none) and the bearer token
// (if any).
func (b *bank) do(method, path string, body any, token string) *response {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			b.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.srv.URL+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "LedgerSync-test/1.0 (aggregator)")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := b.srv.Client().Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	out := &response{Path: path, Status: res.StatusCode, Header: res.Header, Body: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil && path != "/api/v1/openapi.json" {
			b.t.Fatalf("%s %s: %d, body is not JSON: %v: %s", method, path, res.StatusCode, err, raw)
		}
	}
	b.mu.Lock()
	b.bodies = append(b.bodies, *out)
	if out.Token != "" {
		b.secrets = append(b.secrets, out.Token)
	}
	if out.DeviceToken != "" {
		b.secrets = append(b.secrets, out.DeviceToken)
	}
	b.mu.Unlock()
	return out
}

// must fails the test unless the response has status.
func (r *response) must(t *testing.T, status int) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// mustError fails the test unless the response is the JSON error code with
// status.
func (r *response) mustError(t *testing.T, status int, code string) *response {
	t.Helper()
	r.must(t, status)
	if r.Error != code || r.Message == "" {
		t.Fatalf("error %q (message %q), want %q with a message: %s", r.Error, r.Message, code, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error with Content-Type %q", ct)
	}
	return r
}

// mustChallenge fails the test unless the response is a 202 with a
// challenge of type typ.
func (r *response) mustChallenge(t *testing.T, typ string) *challenge {
	t.Helper()
	r.must(t, http.StatusAccepted)
	if r.Challenge == nil || r.Challenge.Type != typ || r.Challenge.ID == "" || r.Challenge.Prompt == "" {
		t.Fatalf("want a %s challenge: %s", typ, r.Body)
	}
	return r.Challenge
}

// mustToken fails the test unless the response is a 201 with a token.
func (r *response) mustToken(t *testing.T) *response {
	t.Helper()
	r.must(t, http.StatusCreated)
	if r.Token == "" || r.DeviceToken == "" || r.ExpiresAt.IsZero() {
		t.Fatalf("want a token, its expiry and a device token: %s", r.Body)
	}
	return r
}

// login posts a sign-in.
func (b *bank) login(username, password, deviceToken string) *response {
	b.t.Helper()
	b.keepSecret(password)
	body := map[string]string{"username": username, "password": password}
	if deviceToken != "" {
		body["device_token"] = deviceToken
	}
	return b.do(http.MethodPost, "/api/v1/sessions", body, "")
}

// answer posts an answer to a challenge.
func (b *bank) answer(id string, body any) *response {
	b.t.Helper()
	return b.do(http.MethodPost, "/api/v1/challenges/"+id, body, "")
}

// rightAnswers answers every question of c with the demo answers.
func (b *bank) rightAnswers(c *challenge) map[string]any {
	b.t.Helper()
	answers := map[string]string{}
	for _, q := range c.Questions {
		found := false
		for _, a := range b.demo.Answers {
			if a.Question == q.Prompt {
				answers[q.ID], found = a.Answer, true
			}
		}
		if !found {
			b.t.Fatalf("question %q is not a demo question", q.Prompt)
		}
	}
	return map[string]any{"answers": answers}
}

// wrongAnswers answers every question of c wrongly.
func wrongAnswers(c *challenge) map[string]any {
	answers := map[string]string{}
	for _, q := range c.Questions {
		answers[q.ID] = "definitely not it"
	}
	return map[string]any{"answers": answers}
}

// member is a demo member by username.
func (b *bank) member(username string) bankseed.DemoMember {
	b.t.Helper()
	m, ok := b.demo.Member(username)
	if !ok {
		b.t.Fatalf("no demo member %q", username)
	}
	return m
}

var codeRE = regexp.MustCompile(`code is (\d+)`)

// code reads the newest code sent to number (E.164) from the dev outbox.
func (b *bank) code(number string) string {
	b.t.Helper()
	e, err := b.app.Outbox.Latest(context.Background(), number, "")
	if err != nil {
		b.t.Fatal(err)
	}
	m := codeRE.FindStringSubmatch(e.Body)
	if m == nil {
		b.t.Fatalf("no code in %q", e.Body)
	}
	b.keepSecret(m[1])
	return m[1]
}

// keepSecret adds a password, answer or code the test used to what no
// sign-in response, error or audit detail may hold.
func (b *bank) keepSecret(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !slices.Contains(b.sensitive, s) {
		b.sensitive = append(b.sensitive, s)
	}
}

// outboxCount is how many messages went to number.
func (b *bank) outboxCount(number string) int {
	b.t.Helper()
	es, err := b.app.Outbox.List(context.Background(), notify.OutboxFilter{To: number, Limit: 500})
	if err != nil {
		b.t.Fatal(err)
	}
	return len(es)
}

// signIn signs username in through whatever challenges come, answering
// them right (questions, else a text to the first phone), and returns the
// 201.
func (b *bank) signIn(username, deviceToken string) *response {
	b.t.Helper()
	res := b.login(username, b.demo.Password, deviceToken)
	for range 4 {
		if res.Status != http.StatusAccepted {
			break
		}
		c := res.Challenge
		switch c.Type {
		case "question":
			res = b.answer(c.ID, b.rightAnswers(c))
		case "choose_delivery":
			res = b.answer(c.ID, map[string]string{"option_id": c.Options[0].ID})
		case "code":
			res = b.answer(c.ID, map[string]string{"answer": b.code(b.member(username).Phones[0].Number)})
		default:
			b.t.Fatalf("signIn cannot answer a %s challenge", c.Type)
		}
	}
	return res.mustToken(b.t)
}

// checkSecrets fails the test if a secret reached an error response, or a
// password, answer or code any response, or any secret an audit detail.
func (b *bank) checkSecrets() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.bodies {
		body := string(r.Body)
		// Data responses may hold any digits or words; sign-in responses
		// and errors may not hold a password, answer or code (tokens, which
		// are random, are taken out first).
		scan := body
		for _, s := range b.secrets {
			scan = strings.ReplaceAll(scan, s, "")
		}
		signIn := strings.HasPrefix(r.Path, "/api/v1/sessions") || strings.HasPrefix(r.Path, "/api/v1/challenges/")
		for _, s := range b.sensitive {
			if (signIn || r.Status >= 400) && strings.Contains(scan, s) {
				b.t.Errorf("a response (%d) holds a password, answer or code: %s", r.Status, body)
			}
		}
		if r.Status >= 400 {
			for _, s := range b.secrets {
				if strings.Contains(body, s) {
					b.t.Errorf("an error response (%d) holds a token: %s", r.Status, body)
				}
			}
		}
	}
	evs, err := audit.List(context.Background(), b.db.Reader(), audit.Filter{Scope: bankapp.MemberRealm, Limit: 1000})
	if err != nil {
		b.t.Error(err)
		return
	}
	all := append(append([]string{}, b.sensitive...), b.secrets...)
	for _, ev := range evs {
		for k, v := range ev.Detail {
			for _, s := range all {
				if len(s) >= 3 && strings.Contains(v, s) {
					b.t.Errorf("audit %s detail %s holds a secret", ev.Action, k)
				}
			}
		}
	}
}
