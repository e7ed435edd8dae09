package ofxserver_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/institution/ofxserver"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
)

const (
	demoPassword = bankseed.DemoPassword
	wrongPass    = "Wrong-pass-2026"
)

// demoAnswers are the demo members' answers by question id.
var demoAnswers = map[string]string{"MFA5": "blue", "MFA6": "rex", "MFA1": "paris"}

// bank is one OFX server over a database holding the demo bank, with its
// own fake clock and policy; several may share a database.
type bank struct {
	db    *store.DB
	app   *bankapp.App
	clock *clock.Fake
	demo  *bankseed.DemoBank
	srv   *httptest.Server
	rec   *recorder
}

// seedDemo builds the demo bank on db (the seed policy) and returns its
// server.
func seedDemo(t *testing.T, db *store.DB, rec *recorder) *bank {
	t.Helper()
	app, clk := bankapptest.New(t, db, policy.Policy{})
	demo, err := bankseed.Demo(context.Background(), db, app.Members, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, db, app, clk, demo, rec)
}

// another is a second server on b's database (the demo bank already there)
// with its own clock and policy p (the seed policy when zero).
func (b *bank) another(t *testing.T, p policy.Policy) *bank {
	t.Helper()
	app, clk := bankapptest.New(t, b.db, p)
	return serve(t, b.db, app, clk, b.demo, b.rec)
}

func serve(t *testing.T, db *store.DB, app *bankapp.App, clk *clock.Fake, demo *bankseed.DemoBank, rec *recorder) *bank {
	t.Helper()
	h, err := ofxserver.New(app)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ofx", h)
	mux.Handle("/ofx/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &bank{db: db, app: app, clock: clk, demo: demo, srv: srv, rec: rec}
}

// client is a Direct Connect client of b speaking version, as QWIN 2700,
// with CLIENTUID uid ("" for none).
func (b *bank) client(version int, uid string) *directconnect.Client {
	return &directconnect.Client{
		URL: b.srv.URL + "/ofx", HTTP: &http.Client{Transport: b.rec, Timeout: 30 * time.Second}, Version: version,
		AppID: "QWIN", AppVer: "2700", Org: "DEMOBANK", FID: "9001", ClientUID: uid, Now: b.clock.Now,
	}
}

func (b *bank) member(t *testing.T, username string) bankseed.DemoMember {
	t.Helper()
	m, ok := b.demo.Member(username)
	if !ok {
		t.Fatalf("no demo member %q", username)
	}
	return m
}

// account is the member's open account of type typ.
func (b *bank) account(t *testing.T, username string, typ institution.AccountType) *institution.Account {
	t.Helper()
	m := b.member(t, username)
	for _, a := range m.Accounts {
		if a.Type == typ && !a.Closed {
			acct, err := institution.AccountByNumber(context.Background(), b.db.Reader(), a.Number)
			if err != nil {
				t.Fatal(err)
			}
			return acct
		}
	}
	t.Fatalf("%s has no open %s account", username, typ)
	return nil
}

// latestCode is the code in the newest text (or call) to number.
func (b *bank) latestCode(t *testing.T, number string, ch notify.Channel) string {
	t.Helper()
	e, err := b.app.Outbox.Latest(context.Background(), number, ch)
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`\b\d{6,10}\b`).FindString(e.Body)
	if code == "" {
		t.Fatalf("no code in %q", e.Body)
	}
	b.rec.secret(code)
	return code
}

// register approves the member's pending Direct Connect program, as the
// member does in the site's settings.
func (b *bank) register(t *testing.T, username string) {
	t.Helper()
	ctx := context.Background()
	m := b.member(t, username)
	devs, err := device.List(ctx, b.db.Reader(), m.SecurityAccountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		if strings.HasPrefix(d.Label, "Direct Connect") && !d.Registered {
			if err := device.Register(ctx, b.db.Writer(), m.SecurityAccountID, d.ID, b.clock.Now()); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("%s has no pending Direct Connect program", username)
}

// messages counts the member's message-center entries that say text.
func (b *bank) messages(t *testing.T, username, text string) int {
	t.Helper()
	m := b.member(t, username)
	msgs, err := audit.Messages(context.Background(), b.db.Reader(), bankapp.MemberRealm, subject(m.SecurityAccountID), 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, msg := range msgs {
		if strings.Contains(msg.Text, text) {
			n++
		}
	}
	return n
}

func subject(accountID int64) string { return "account:" + itoa(accountID) }

// do posts req with c and fails the test on a transport or HTTP error.
func do(t *testing.T, c *directconnect.Client, req *ofx.Request) *ofx.Response {
	t.Helper()
	resp, err := c.Do(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func wantSignon(t *testing.T, resp *ofx.Response, code int) {
	t.Helper()
	if got := resp.Signon.Status; got.Code != code {
		t.Fatalf("SONRS status %d %q, want %d", got.Code, got.Message, code)
	}
	if resp.Signon.Language != "ENG" || resp.Signon.FI == nil || resp.Signon.FI.Org != "DEMOBANK" || resp.Signon.DTServer.IsZero() {
		t.Errorf("SONRS lacks DTSERVER, LANGUAGE or FI: %+v", resp.Signon)
	}
}

// statementRequest asks for the account's statement with the default date
// range.
func statementRequest(son ofx.SignonRequest, acct ofx.Account, images bool) *ofx.Request {
	return &ofx.Request{Signon: son, Statements: []ofx.StatementRequest{{TrnUID: directconnect.NewTrnUID(), CltCookie: "7",
		Account: acct, IncTran: &ofx.IncTran{Include: true}, IncImages: images}}}
}

func checking(number string) ofx.Account {
	return ofx.Account{BankID: "123456780", AcctID: number, AcctType: "CHECKING"}
}

// recorder is the tests' HTTP transport: it keeps every text a response
// shows a person (STATUS messages, MFA phrase labels, plain-text errors)
// and the secrets the tests used, so a test can check that none of those
// texts holds one.
type recorder struct {
	mu      sync.Mutex
	texts   []string
	secrets []string
}

func newRecorder() *recorder {
	r := &recorder{}
	r.secret(demoPassword)
	r.secret(wrongPass)
	for _, a := range demoAnswers {
		r.secret(a)
	}
	return r
}

func (r *recorder) secret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, s)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.note(resp.Header.Get("Content-Type"), body)
	return resp, nil
}

func (r *recorder) note(contentType string, body []byte) {
	var texts []string
	switch {
	case strings.HasPrefix(contentType, "application/x-ofx"):
		doc, err := ofx.Parse(bytes.NewReader(body))
		if err != nil {
			return
		}
		for _, name := range []string{"MESSAGE", "MFAPHRASELABEL"} {
			for _, e := range doc.Root.All(name) {
				texts = append(texts, e.Value)
			}
		}
	case strings.HasPrefix(contentType, "text/"):
		texts = append(texts, string(body))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.texts = append(r.texts, texts...)
}

// leaks returns the secrets found in text, answers as whole words.
func (r *recorder) leaks(text string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.secrets {
		if regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(s) + `\b`).MatchString(text) {
			out = append(out, s)
		}
	}
	return out
}

// checkNoSecrets fails when a text a response showed or an audit event's
// detail holds a password, an answer or a code.
func (r *recorder) checkNoSecrets(t *testing.T, db *store.DB) {
	t.Helper()
	r.mu.Lock()
	texts := append([]string(nil), r.texts...)
	r.mu.Unlock()
	if len(texts) == 0 {
		t.Fatal("no response text was recorded")
	}
	for _, text := range texts {
		if l := r.leaks(text); len(l) > 0 {
			t.Errorf("a response shows %q: %q", l, text)
		}
	}
	var after int64
	n := 0
	for {
		evs, err := audit.List(context.Background(), db.Reader(), audit.Filter{Scope: bankapp.MemberRealm, AfterID: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			for k, v := range ev.Detail {
				if l := r.leaks(v); len(l) > 0 {
					t.Errorf("audit event %s detail %s shows %q", ev.Action, k, l)
				}
			}
			after = ev.ID
			n++
		}
		if len(evs) < 500 {
			break
		}
	}
	if n == 0 {
		t.Error("no audit event to check")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
