package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/web"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// The demo members' password and answers (issue 4).
const (
	demoPassword = "Demo-pass-2026"
	aliceMobile  = "+12025550111"
	aliceLand    = "+12025550112"
	bobMobile    = "+12025550121"
	carolMobile  = "+12025550131"
)

// answers are the demo members' answers, by question label.
var demoAnswers = map[string]string{"Favorite color": "blue", "First pet's name": "rex", "City of birth": "paris"}

// bank is a member site on a real SQLite database and a fake clock.
type bank struct {
	t     testing.TB
	db    *store.DB
	app   *bankapp.App
	clock *clock.Fake
	h     http.Handler
}

func newBank(t testing.TB, p policy.Policy) *bank {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	app, clk := bankapptest.New(t, db, p)
	h, err := web.New(app)
	if err != nil {
		t.Fatal(err)
	}
	return &bank{t: t, db: db, app: app, clock: clk, h: h}
}

// memberSpec describes a member the tests create.
type memberSpec struct {
	Number, First, Last, Username string
	Email, PhoneOnFile            string
	Watermark, QuestionMode       string
	High                          bool
	NoQuestions                   bool
	NotEnrolled                   bool // no online banking yet: enrols with an activation code
	Phones                        []phone.New
	Accounts                      []institution.Account
}

type member struct {
	*institution.Member
	Account  *account.Account // the sign-in; nil until enrolled
	Accounts []*institution.Account
}

func (b *bank) member(spec memberSpec) *member {
	b.t.Helper()
	ctx := context.Background()
	w := b.db.Writer()
	m := &institution.Member{Number: spec.Number, FirstName: spec.First, LastName: spec.Last, Email: spec.Email,
		PhoneOnFile: spec.PhoneOnFile, Address: []string{"12 Elm Street", "Washington, DC 20002"},
		Watermark: spec.Watermark, QuestionMode: spec.QuestionMode, SSNLast4: "1234", BirthYear: 1980}
	if err := institution.CreateMember(ctx, w, m, b.clock.Now()); err != nil {
		b.t.Fatal(err)
	}
	out := &member{Member: m}
	for _, a := range spec.Accounts {
		a.MemberID, a.OpenedAt = m.ID, b.clock.Now().AddDate(-1, 0, 0)
		if a.StatementCycleDay == 0 {
			a.StatementCycleDay = 15
		}
		if err := institution.OpenAccount(ctx, w, &a); err != nil {
			b.t.Fatal(err)
		}
		out.Accounts = append(out.Accounts, &a)
	}
	if spec.NotEnrolled {
		return out
	}
	a, err := account.Create(ctx, w, bankapp.MemberRealm, spec.Username, b.clock.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	if problems, err := b.app.Members.ChangePassword(ctx, a.ID, demoPassword, password.Personal{}, auth.Meta{}); err != nil || len(problems) > 0 {
		b.t.Fatalf("password of %s: %v %v", spec.Username, problems, err)
	}
	if err := institution.LinkSecurityAccount(ctx, w, m.ID, a.ID); err != nil {
		b.t.Fatal(err)
	}
	m.SecurityAccountID = a.ID
	if !spec.NoQuestions {
		if err := b.app.Members.SetQuestions(ctx, a, []challenge.Answer{
			{QuestionID: "MFA5", Text: "blue"}, {QuestionID: "MFA6", Text: "rex"}, {QuestionID: "MFA1", Text: "paris"},
		}, auth.Meta{}); err != nil {
			b.t.Fatal(err)
		}
	}
	for _, n := range spec.Phones {
		if _, err := phone.Add(ctx, w, b.app.Phones, a.ID, n, b.clock.Now()); err != nil {
			b.t.Fatal(err)
		}
	}
	if spec.High {
		if err := b.app.Members.SetSecurityLevel(ctx, a, account.High, auth.Meta{}); err != nil {
			b.t.Fatal(err)
		}
	}
	if out.Account, err = account.Get(ctx, b.db.Reader(), a.ID); err != nil {
		b.t.Fatal(err)
	}
	return out
}

// alice is the demo's Standard member: a mobile and a landline, checking,
// savings and a credit card with history.
func (b *bank) alice() *member {
	b.t.Helper()
	m := b.member(memberSpec{Number: "100001", First: "Alice", Last: "Archer", Username: "alice", Email: "alice@example.com",
		PhoneOnFile: aliceMobile, Watermark: "lighthouse",
		Phones: []phone.New{{Number: aliceMobile, Kind: phone.Mobile, Role: phone.Primary}, {Number: aliceLand, Kind: phone.Landline, Role: phone.Recovery}},
		Accounts: []institution.Account{
			{Number: "1000012345", Type: institution.Checking},
			{Number: "1000019876", Type: institution.Savings},
			{Number: "4000001111", Type: institution.CreditCard, CreditLimit: 500000},
		}})
	b.history(m)
	return m
}

func (b *bank) bob() *member {
	b.t.Helper()
	return b.member(memberSpec{Number: "100002", First: "Bob", Last: "Baker", Username: "bob", Watermark: "oak", High: true,
		Phones:   []phone.New{{Number: bobMobile, Kind: phone.Mobile, Role: phone.Primary}},
		Accounts: []institution.Account{{Number: "1000023456", Type: institution.Checking}}})
}

func (b *bank) carol() *member {
	b.t.Helper()
	return b.member(memberSpec{Number: "100003", First: "Carol", Last: "Chen", Username: "carol", Watermark: "owl", QuestionMode: "two_of_three",
		Phones:   []phone.New{{Number: carolMobile, Kind: phone.Mobile, Role: phone.Primary}},
		Accounts: []institution.Account{{Number: "1000034567", Type: institution.Checking}}})
}

// history gives a member's checking account two months of transactions, a
// check, a pending card purchase and a closed statement.
func (b *bank) history(m *member) {
	b.t.Helper()
	ctx := context.Background()
	chk, card := m.Accounts[0], m.Accounts[2]
	day := func(d int) time.Time { return time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC) }
	err := b.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, t := range []*institution.Transaction{
			{AccountID: chk.ID, FITID: "A1", Type: "DIRECTDEP", Date: day(1), Amount: 350000, Description: "PAYROLL ACME CORP"},
			{AccountID: chk.ID, FITID: "A2", Type: "CHECK", Date: day(5), Amount: -12550, Description: "CHECK 1042", CheckNumber: "1042", Payee: "City Water Utility", Memo: "October water"},
			{AccountID: chk.ID, FITID: "A3", Type: "POS", Date: day(9), Amount: -4599, Description: "GROCERY MART #12"},
			{AccountID: chk.ID, FITID: "A4", Type: "DIRECTDEP", Date: day(20), Amount: 350000, Description: "PAYROLL ACME CORP"},
			{AccountID: m.Accounts[1].ID, FITID: "A5", Type: "CREDIT", Date: day(2), Amount: 1000000, Description: "OPENING DEPOSIT"},
		} {
			if err := institution.Post(ctx, tx, t, b.clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.t.Fatal(err)
	}
	if err := institution.AddPending(ctx, b.db.Writer(), &institution.Transaction{AccountID: card.ID, FITID: "P1", Type: "POS",
		Date: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), Amount: -2350, Description: "COFFEE CORNER"}, b.clock.Now()); err != nil {
		b.t.Fatal(err)
	}
	if _, err := institution.CloseStatement(ctx, b.db.Writer(), chk.ID, time.Date(2026, 9, 16, 0, 0, 0, 0, time.UTC), day(15)); err != nil {
		b.t.Fatal(err)
	}
}

// code is the newest 6-digit code the dev outbox sent to number.
func (b *bank) code(number string, ch notify.Channel) string {
	b.t.Helper()
	e, err := b.app.Outbox.Latest(context.Background(), number, ch)
	if err != nil {
		b.t.Fatalf("no %s to %s: %v", ch, number, err)
	}
	m := regexp.MustCompile(`\b(\d{6})\b`).FindStringSubmatch(e.Body)
	if m == nil {
		b.t.Fatalf("no code in %q", e.Body)
	}
	return m[1]
}

// browser is an HTTP client with cookies, talking TLS so that the
// __Host- cookies are kept.
type browser struct {
	t    testing.TB
	srv  *httptest.Server
	http *http.Client
	last *page
}

// page is a response, with what the tests read from it.
type page struct {
	Status int
	URL    string
	Body   string
	Header http.Header
}

func (b *bank) browser() *browser {
	b.t.Helper()
	srv := httptest.NewTLSServer(b.h)
	b.t.Cleanup(srv.Close)
	return b.browserOn(srv)
}

func (b *bank) browserOn(srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	c := srv.Client()
	c.Jar = jar
	return &browser{t: b.t, srv: srv, http: c}
}

func (br *browser) do(req *http.Request) *page {
	br.t.Helper()
	resp, err := br.http.Do(req)
	if err != nil {
		br.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := &page{Status: resp.StatusCode, URL: resp.Request.URL.RequestURI(), Body: string(body), Header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		br.last = p
	}
	return p
}

func (br *browser) get(path string) *page {
	br.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, br.srv.URL+path, nil)
	return br.do(req)
}

// post sends a form. The CSRF token and the flow of the last page are
// added unless the form has its own.
func (br *browser) post(path string, form url.Values) *page {
	br.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok && br.last != nil {
		form.Set("csrf_token", br.last.csrf())
	}
	if _, ok := form["flow"]; !ok && br.last != nil {
		if f := br.last.field("flow"); f != "" {
			form.Set("flow", f)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, br.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return br.do(req)
}

// field is the value of the first hidden input named name.
func (p *page) field(name string) string {
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(p.Body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func (p *page) csrf() string { return p.field("csrf_token") }

// has reports whether the page's text contains s (HTML entities decoded).
func (p *page) has(s string) bool { return strings.Contains(html.UnescapeString(p.Body), s) }

func (p *page) must(t testing.TB, status int, texts ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", p.URL, p.Status, status, text(p.Body))
	}
	for _, s := range texts {
		if !p.has(s) {
			t.Fatalf("%s: %q not found in\n%s", p.URL, s, text(p.Body))
		}
	}
}

// text is a page's visible text, for failure messages.
func text(body string) string {
	body = regexp.MustCompile(`(?s)<(script|style|head)[^>]*>.*?</(script|style|head)>`).ReplaceAllString(body, "")
	body = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, " ")
	return strings.Join(strings.Fields(html.UnescapeString(body)), " ")
}

// questions are the labels of the questions a page asks, in order.
func (p *page) questions() []string {
	var out []string
	for _, m := range regexp.MustCompile(`<label for="answer-\d+">([^<]*)</label>`).FindAllStringSubmatch(p.Body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// answer posts the answers to the questions on the last page.
func (br *browser) answer(path string, extra url.Values, answers map[string]string) *page {
	br.t.Helper()
	form := url.Values{}
	for k, v := range extra {
		form[k] = v
	}
	ids := regexp.MustCompile(`name="question" value="([^"]*)"`).FindAllStringSubmatch(br.last.Body, -1)
	for i, label := range br.last.questions() {
		form.Add("question", ids[i][1])
		form.Add("answer", answers[label])
	}
	return br.post(path, form)
}

// signIn takes a member through username and password.
func (br *browser) signIn(username, pw string) *page {
	br.t.Helper()
	br.get("/login").must(br.t, http.StatusOK, "Sign in to online banking")
	br.post("/login", url.Values{"username": {username}}).must(br.t, http.StatusOK, "Enter your password")
	return br.post("/login/password", url.Values{"password": {pw}})
}

// home completes a login that reached the every-login question or the
// two-step prompt, answering with the demo answers and skipping two-step.
func (br *browser) finishLogin(p *page) *page {
	br.t.Helper()
	for range 4 {
		switch {
		case strings.Contains(p.URL, "/login/question"):
			p = br.answer("/login/question", nil, demoAnswers)
		case strings.Contains(p.URL, "/login/two-step"):
			p = br.post("/login/two-step/skip", nil)
		default:
			return p
		}
	}
	return p
}

func (br *browser) login(username string) *page {
	br.t.Helper()
	p := br.finishLogin(br.signIn(username, demoPassword))
	p.must(br.t, http.StatusOK, "Your accounts")
	return p
}

func fmtMoney(cents int64) string { return fmt.Sprintf("$%d.%02d", cents/100, cents%100) }
