package console_test

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
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
	"github.com/ledgersync/ledgersync/internal/institution/console"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Staff and member credentials of the tests.
const (
	tellerUser     = "teller1"
	adminUser      = "admin1"
	staffPassword  = "correct horse battery staple"
	memberPassword = "Demo-pass-2026"
)

// bank is a demo institution with its console, on a fresh SQLite.
type bank struct {
	t       testing.TB
	app     *bankapp.App
	clock   *clock.Fake
	handler http.Handler
	teller  *institution.Staff
	admin   *institution.Staff
}

func newBank(t testing.TB, p policy.Policy) *bank {
	t.Helper()
	app, clk := bankapptest.New(t, storetest.Open(t, store.SQLite), p)
	return newBankFrom(t, app, clk)
}

func newBankFrom(t testing.TB, app *bankapp.App, clk *clock.Fake) *bank {
	t.Helper()
	h, err := console.New(app)
	if err != nil {
		t.Fatal(err)
	}
	b := &bank{t: t, app: app, clock: clk, handler: h}
	ctx := context.Background()
	if b.teller, err = console.CreateStaff(ctx, app, tellerUser, staffPassword, "Tina Teller", institution.Teller); err != nil {
		t.Fatal(err)
	}
	if b.admin, err = console.CreateStaff(ctx, app, adminUser, staffPassword, "Ada Admin", institution.Admin); err != nil {
		t.Fatal(err)
	}
	return b
}

// member is an enrolled member with a password, three questions, a phone
// and two accounts.
type member struct {
	*institution.Member
	acct *account.Account
}

// The member enrolled 60 days ago, so the enrolment's personal-information
// events (password, questions) are outside the red-flag window.
func (b *bank) addMember(number, first, last string) *member {
	b.t.Helper()
	ctx := context.Background()
	db := b.app.DB.Writer()
	today := b.clock.Now()
	b.clock.Set(today.Add(-60 * day))
	defer b.clock.Set(today)
	now := b.clock.Now()
	m := &institution.Member{
		Number: number, FirstName: first, LastName: last, Email: strings.ToLower(first) + "@example.com",
		PhoneOnFile: "+1202555" + number[len(number)-4:], SSNFirst4: "1234", SSNLast4: "6789", BirthYear: 1980,
		Address: []string{"1 Main St", "Washington, DC 20001"},
	}
	if err := institution.CreateMember(ctx, db, m, now); err != nil {
		b.t.Fatal(err)
	}
	a, err := account.Create(ctx, db, bankapp.MemberRealm, strings.ToLower(first)+" "+number, now)
	if err != nil {
		b.t.Fatal(err)
	}
	if problems, err := b.app.Members.ChangePassword(ctx, a.ID, memberPassword, password.Personal{FirstName: first, LastName: last}, auth.Meta{}); err != nil || len(problems) > 0 {
		b.t.Fatalf("member password: %v %v", problems, err)
	}
	if err := institution.LinkSecurityAccount(ctx, db, m.ID, a.ID); err != nil {
		b.t.Fatal(err)
	}
	m.SecurityAccountID = a.ID
	answers := []challenge.Answer{{QuestionID: "MFA5", Text: "blue"}, {QuestionID: "MFA6", Text: "rex"}, {QuestionID: "MFA1", Text: "paris"}}
	if err := b.app.Members.SetQuestions(ctx, a, answers, auth.Meta{}); err != nil {
		b.t.Fatal(err)
	}
	if _, err := phone.Add(ctx, db, b.app.Phones, a.ID, phone.New{Number: "(202) 555-01" + number[len(number)-2:], Kind: phone.Mobile, Role: phone.Primary}, now); err != nil {
		b.t.Fatal(err)
	}
	for i, typ := range []institution.AccountType{institution.Checking, institution.Savings} {
		acc := &institution.Account{MemberID: m.ID, Number: fmt.Sprintf("%s%02d", number, i), Type: typ, StatementCycleDay: 28, OpenedAt: now.AddDate(-1, 0, 0)}
		if err := institution.OpenAccount(ctx, db, acc); err != nil {
			b.t.Fatal(err)
		}
	}
	a, err = account.Get(ctx, b.app.DB.Reader(), a.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	return &member{Member: m, acct: a}
}

// lockOut blocks the member's password with three wrong ones (S4).
func (b *bank) lockOut(m *member) {
	b.t.Helper()
	for range 3 {
		if _, err := b.app.Members.CheckPassword(context.Background(), m.acct.Username, "wrong password 1A!", auth.Meta{IP: "198.51.100.7"}); err == nil {
			b.t.Fatal("a wrong password was accepted")
		}
	}
	if _, err := b.app.Members.CheckPassword(context.Background(), m.acct.Username, memberPassword, auth.Meta{}); err != auth.ErrPasswordBlocked {
		b.t.Fatalf("after three wrong passwords the right one gives %v, want ErrPasswordBlocked", err)
	}
}

// events returns the audit events of the member, oldest first.
func (b *bank) events(m *member) []*audit.Event {
	b.t.Helper()
	evs, err := audit.List(context.Background(), b.app.DB.Reader(), audit.Filter{Scope: bankapp.MemberRealm, Subject: fmt.Sprintf("account:%d", m.SecurityAccountID), Limit: 1000})
	if err != nil {
		b.t.Fatal(err)
	}
	return evs
}

// lastEvent is the member's newest event with action, or nil.
func (b *bank) lastEvent(m *member, action string) *audit.Event {
	evs := b.events(m)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == action {
			return evs[i]
		}
	}
	return nil
}

// inTx runs fn in a write transaction.
func (b *bank) inTx(fn func(tx *sql.Tx) error) {
	b.t.Helper()
	if err := b.app.DB.InTx(context.Background(), fn); err != nil {
		b.t.Fatal(err)
	}
}

// client is a browser stand-in for the scenario tests: it keeps the
// cookies (the __Host- cookies are Secure, which a cookie jar would not
// send over the test's plain requests) and the last CSRF token it saw.
type client struct {
	t       testing.TB
	h       http.Handler
	cookies map[string]string
	csrf    string
}

func (b *bank) client() *client {
	return &client{t: b.t, h: b.handler, cookies: map[string]string{}}
}

// response is what the client got.
type response struct {
	Code     int
	Body     string
	Header   http.Header
	Location string
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *client) do(method, path string, form url.Values, header http.Header) *response {
	c.t.Helper()
	var body io.Reader = http.NoBody
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	path, _, _ = strings.Cut(path, "#") // a browser keeps the fragment to itself
	r := httptest.NewRequest(method, "https://bank.example"+path, body)
	r.RemoteAddr = "203.0.113.5:41000"
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, vs := range header {
		r.Header.Del(k)
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	for name, value := range c.cookies {
		r.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, r)
	res := w.Result()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	out := &response{Code: w.Code, Body: w.Body.String(), Header: res.Header, Location: res.Header.Get("Location")}
	if m := csrfField.FindStringSubmatch(out.Body); m != nil {
		c.csrf = html.UnescapeString(m[1])
	}
	return out
}

func (c *client) get(path string) *response { return c.do(http.MethodGet, path, nil, nil) }

// post sends a form with the client's CSRF token, unless the form names
// one itself.
func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	form = maps.Clone(form) // the caller's form is not changed
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", c.csrf)
	}
	return c.do(http.MethodPost, path, form, nil)
}

// signIn signs the client in as a staff member and checks it landed on
// the console.
func (c *client) signIn(username string) {
	c.t.Helper()
	c.get("/staff/login")
	res := c.post("/staff/login", url.Values{"username": {username}, "password": {staffPassword}})
	if res.Code != http.StatusSeeOther || res.Location != "/staff/" {
		c.t.Fatalf("sign-in as %s: %d → %q\n%s", username, res.Code, res.Location, res.Body)
	}
	if res := c.get("/staff/"); res.Code != http.StatusOK {
		c.t.Fatalf("console home after sign-in: %d", res.Code)
	}
}

// want fails the test unless the response has the status and contains
// every text.
func (r *response) want(t testing.TB, status int, texts ...string) {
	t.Helper()
	if r.Code != status {
		t.Fatalf("status %d, want %d\n%s", r.Code, status, r.Body)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("the page lacks %q\n%s", s, r.Body)
		}
	}
}

// secretOn extracts the one-time secret from its page.
var secretRE = regexp.MustCompile(`id="secret"[^>]*>([^<]+)<`)

func secretOn(t testing.TB, r *response) string {
	t.Helper()
	m := secretRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no secret on the page\n%s", r.Body)
	}
	return html.UnescapeString(m[1])
}

func memberPath(m *member) string { return fmt.Sprintf("/staff/members/%d", m.ID) }

// day is 24 hours.
const day = 24 * time.Hour
