package ofxinterop

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
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
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// bank is the demo bank with its OFX server on an httptest server at
// 127.0.0.1, as a client on this machine reaches it.
type bank struct {
	db    *store.DB
	app   *bankapp.App
	clock *clock.Fake
	demo  *bankseed.DemoBank
	url   string // the OFX endpoint: http(s)://127.0.0.1:PORT/ofx
	// caFile is the PEM certificate a TLS client must trust (TLS only).
	caFile string
	rec    *recorder
}

// startBank seeds the demo bank on a fresh SQLite database and serves its
// OFX Direct Connect handler over plain HTTP, or over HTTPS when tls is set
// (Python's ofxclient speaks nothing else). The real clients stamp their
// requests with the wall clock (DTCLIENT, a DTSTART of "now minus N days"),
// so the bank's fake clock is set to the wall clock before seeding: the
// demo history then ends today, wherever and whenever the test runs.
func startBank(t *testing.T, tls bool) *bank {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	app, clk := bankapptest.New(t, db, policy.Seed())
	clk.Set(time.Now())
	demo, err := bankseed.Demo(context.Background(), db, app.Members, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	h, err := ofxserver.New(app)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ofx", h)
	mux.Handle("/ofx/", h)
	rec := &recorder{next: mux}
	srv := httptest.NewUnstartedServer(rec)
	b := &bank{db: db, app: app, clock: clk, demo: demo, rec: rec}
	if tls {
		srv.StartTLS()
		b.caFile = filepath.Join(t.TempDir(), "bank.pem")
		cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(b.caFile, cert, 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	t.Cleanup(func() { rec.log(t) }) // shown with -v, or when the test fails
	b.url = srv.URL + "/ofx"
	return b
}

// member returns the demo member called username.
func (b *bank) member(t *testing.T, username string) bankseed.DemoMember {
	t.Helper()
	m, ok := b.demo.Member(username)
	if !ok {
		t.Fatalf("no demo member %q", username)
	}
	return m
}

// accountOf returns the member's open account of type typ.
func (b *bank) accountOf(t *testing.T, username string, typ institution.AccountType) *institution.Account {
	t.Helper()
	for _, a := range b.accounts(t, username) {
		if a.Type == typ {
			return a
		}
	}
	t.Fatalf("%s has no open %s account", username, typ)
	return nil
}

// accounts returns the member's open accounts as the database has them.
func (b *bank) accounts(t *testing.T, username string) []*institution.Account {
	t.Helper()
	all, err := institution.Accounts(context.Background(), b.db.Reader(), b.member(t, username).MemberID)
	if err != nil {
		t.Fatal(err)
	}
	var open []*institution.Account
	for _, a := range all {
		if !a.Closed() {
			open = append(open, a)
		}
	}
	return open
}

// account reads the account again (its balance now).
func (b *bank) account(t *testing.T, number string) *institution.Account {
	t.Helper()
	a, err := institution.AccountByNumber(context.Background(), b.db.Reader(), number)
	if err != nil {
		t.Fatalf("account %s: %v", number, err)
	}
	return a
}

// posted returns the FITIDs and amounts of the account's posted
// transactions dated from `from` (a day; zero for all) to the bank's today:
// what a statement download from `from` must carry.
func (b *bank) posted(t *testing.T, number string, from time.Time) map[string]int64 {
	t.Helper()
	a := b.account(t, number)
	f := institution.TransactionFilter{To: b.clock.Now()}
	if !from.IsZero() {
		f.From = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	}
	txns, err := institution.Transactions(context.Background(), b.db.Reader(), a.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, tx := range txns {
		out[tx.FITID] = tx.Amount
	}
	if len(out) == 0 {
		t.Fatalf("account %s has no posted transactions since %s: the comparison would prove nothing", number, f.From.Format(time.DateOnly))
	}
	return out
}

// seen is one request the OFX server answered, as the recorder saw it; the
// signon's secrets are cleared before it is kept.
type seen struct {
	proto, method, path        string
	contentType, accept, agent string
	version                    int          // the OFX header's VERSION
	request                    *ofx.Request // nil when it did not decode
	parseErr                   error
	status                     int // HTTP
	replyType                  string
	reply                      []byte
}

// recorder keeps every request the OFX server is sent and what it
// answered, so that a test can compare what a client asked for (its
// DTSTART) with what the database holds, and report a refusal precisely.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	all  []seen
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	req.Body = io.NopCloser(bytes.NewReader(body))
	s := seen{proto: req.Proto, method: req.Method, path: req.URL.Path,
		contentType: req.Header.Get("Content-Type"), accept: req.Header.Get("Accept"), agent: req.Header.Get("User-Agent")}
	if req.Method == http.MethodPost {
		doc, err := ofx.Parse(bytes.NewReader(body))
		if err == nil {
			s.version = doc.Version
			s.request, err = ofx.DecodeRequest(doc)
		}
		s.parseErr = err
		if s.request != nil {
			son := &s.request.Signon
			son.UserPass, son.UserCred1, son.UserCred2, son.AuthToken, son.AccessToken = "", "", "", "", ""
			son.MFAAnswers = nil
		}
	}
	cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
	r.next.ServeHTTP(cw, req)
	s.status, s.replyType, s.reply = cw.status, w.Header().Get("Content-Type"), cw.body.Bytes()
	r.mu.Lock()
	r.all = append(r.all, s)
	r.mu.Unlock()
}

// requests returns what was seen so far.
func (r *recorder) requests() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.all)
}

// statementRequest returns the last statement request for the account.
func (r *recorder) statementRequest(t *testing.T, number string) ofx.StatementRequest {
	t.Helper()
	all := r.requests()
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].request == nil {
			continue
		}
		for _, s := range append(slices.Clone(all[i].request.Statements), all[i].request.CCStatements...) {
			if s.Account.AcctID == number {
				return s
			}
		}
	}
	t.Fatalf("the server saw no statement request for account %s", number)
	return ofx.StatementRequest{}
}

// log writes what each request looked like and what the server answered
// (status codes, not the body: it holds account data, never secrets), for
// the report of a failure and for the server's authors.
func (r *recorder) log(t *testing.T) {
	t.Helper()
	for i, s := range r.requests() {
		line := []string{s.proto, s.method, s.path, "Content-Type=" + q(s.contentType), "Accept=" + q(s.accept), "User-Agent=" + q(s.agent)}
		if s.request != nil {
			son := s.request.Signon
			line = append(line, "VERSION="+itoa(s.version), "APPID="+son.AppID, "APPVER="+son.AppVer, "CLIENTUID="+q(son.ClientUID))
		}
		if s.parseErr != nil {
			line = append(line, "unreadable request: "+s.parseErr.Error())
		}
		line = append(line, "→ HTTP "+itoa(s.status), "Content-Type="+q(s.replyType), "statuses "+replyStatuses(s.reply))
		t.Logf("request %d: %s", i+1, strings.Join(line, " "))
	}
}

// replyStatuses lists the OFX status codes of a reply (signon first).
func replyStatuses(body []byte) string {
	doc, err := ofx.Parse(bytes.NewReader(body))
	if err != nil || doc.Root == nil {
		return fmt.Sprintf("(not OFX: %v)", err)
	}
	var codes []string
	for _, st := range doc.Root.All("STATUS") {
		c := st.ValueAt("CODE")
		if m := st.ValueAt("MESSAGE"); m != "" {
			c += " " + q(m)
		}
		codes = append(codes, c)
	}
	return "[" + strings.Join(codes, ", ") + "]"
}

type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (w *captureWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}
