package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ledgersync/ledgersync/internal/browsertest"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
)

// chrome is a member in Chromium on a member site served over plain HTTP
// on 127.0.0.1, which Chromium treats as a secure context, so the __Host-
// cookies work.
type chrome struct {
	t   *testing.T
	b   *bank
	ctx context.Context
	url string
}

func newChrome(t *testing.T, b *bank) *chrome {
	t.Helper()
	ctx := browsertest.New(t)
	srv := httptest.NewServer(b.h)
	t.Cleanup(srv.Close)
	return &chrome{t: t, b: b, ctx: ctx, url: srv.URL}
}

func (c *chrome) do(steps ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	if err := chromedp.Do(c.ctx, steps...); err != nil {
		c.t.Fatal(err)
	}
}

func (c *chrome) open(path string) { c.t.Helper(); c.do(chromedp.Navigate(c.url + path)) }

// submit clicks a button that sends a form and waits for the next page.
func (c *chrome) submit(sel string) {
	c.t.Helper()
	if _, err := chromedp.RunResponse(c.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		c.t.Fatalf("click %s: %v", sel, err)
	}
}

func (c *chrome) text(sel string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		c.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (c *chrome) wantText(sel string, want ...string) {
	c.t.Helper()
	got := c.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			c.t.Fatalf("%s says %q, want %q", sel, got, w)
		}
	}
}

func (c *chrome) eval(js string) string {
	c.t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		c.t.Fatalf("%s: %v", js, err)
	}
	return s
}

// poll waits until a script is true.
func (c *chrome) poll(js string) {
	c.t.Helper()
	if _, err := chromedp.Run(c.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		c.t.Fatalf("waiting for %s: %v", js, err)
	}
}

func (c *chrome) fill(id, value string) {
	c.t.Helper()
	c.do(chromedp.SendKeys(chromedp.ID(id), value, chromedp.NodeVisible))
}

// signIn types the username and password; it returns on the page after.
func (c *chrome) signIn(username, pw string) {
	c.t.Helper()
	c.open("/login")
	c.fill("username", username)
	c.submit("main button[type=submit]")
	c.fill("password", pw)
	c.submit("main button[type=submit]")
}

// answerQuestion answers the question the page asks from the demo answers.
func (c *chrome) answerQuestions() {
	c.t.Helper()
	n, err := chromedp.Run(c.ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name=answer]').length`))
	if err != nil || n == 0 {
		c.t.Fatalf("no question on the page: %v", err)
	}
	for i := range n {
		id := "answer-" + string(rune('0'+i))
		label := c.text(`label[for="` + id + `"]`)
		c.fill(id, demoAnswers[label])
	}
	c.submit("main form button[type=submit]")
}

// skipTwoStep passes the two-step prompt if it shows.
func (c *chrome) skipTwoStep() {
	c.t.Helper()
	if strings.Contains(c.text("h1"), "two-step") {
		c.submit("#skip")
	}
}

// Sign-in with the rotating question, the watermark on every page, "Hide my
// typing", the two-step prompt skipped; screenshots of the login, the
// question and home.
func TestBrowserLoginWithRotatingQuestion(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.alice()
	c := newChrome(t, b)
	c.open("/login")
	c.fill("username", "alice")
	c.submit("main button[type=submit]")
	c.wantText("h1", "Enter your password")
	if src := c.eval(`document.getElementById('login-watermark').getAttribute('src')`); src != "/static/watermarks/lighthouse.svg" {
		t.Fatalf("watermark %q", src)
	}
	if w := c.eval(`String(document.getElementById('login-watermark').naturalWidth)`); w == "0" {
		t.Fatal("the watermark image did not load")
	}
	browsertest.Screenshot(t, c.ctx, "member-login-watermark")
	c.fill("password", demoPassword)
	c.submit("main button[type=submit]")
	c.wantText("h1", "Answer your security question")
	// Hide my typing (S12): the eye turns the answer into dots and back.
	c.do(chromedp.Click(chromedp.CSS("button[data-reveal]"), chromedp.NodeVisible))
	if typ := c.eval(`document.getElementById('answer-0').type + ' ' + document.querySelector('button[data-reveal]').getAttribute('aria-pressed')`); typ != "password true" {
		t.Fatalf("after Hide my typing: %q", typ)
	}
	browsertest.Screenshot(t, c.ctx, "member-login-question")
	c.answerQuestions()
	c.wantText("h1", "Set up two-step sign-in")
	c.submit("#skip")
	c.wantText("h1", "Welcome, Alice")
	c.wantText("#accounts", "Checking", "••••2345", "$6,828.51")
	if src := c.eval(`document.querySelector('#watermark img').getAttribute('src')`); !strings.Contains(src, "lighthouse") {
		t.Fatalf("home watermark %q", src)
	}
	browsertest.Screenshot(t, c.ctx, "member-home")
}

// Three wrong passwords disable the password (S4).
func TestBrowserThreeWrongPasswords(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.alice()
	c := newChrome(t, b)
	c.open("/login")
	c.fill("username", "alice")
	c.submit("main button[type=submit]")
	for range 3 {
		c.fill("password", "Not-the-password-1")
		c.submit("main button[type=submit]")
		c.wantText("#error", "not right")
	}
	c.fill("password", demoPassword)
	c.submit("main button[type=submit]")
	c.wantText("#error", "disabled", "Call us")
}

// A PIN by text to the primary mobile, read from the outbox; then "More
// options" and a call to the landline, which passes.
func TestBrowserPINByTextThenMoreOptionsCall(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.member(memberSpec{Number: "200001", First: "Dana", Last: "Doe", Username: "dana", Watermark: "compass", QuestionMode: "two_of_three",
		Phones: []phone.New{{Number: aliceMobile, Kind: phone.Mobile, Role: phone.Primary}, {Number: aliceLand, Kind: phone.Landline, Role: phone.Recovery}}})
	c := newChrome(t, b)
	c.signIn("dana", demoPassword)
	c.wantText("h1", "Confirm it's you")
	c.wantText("#challenge", "Get a code by text", "(•••) •••-0111")
	c.submit("#send-code")
	c.wantText("#sent-to", "We sent a code by text to (•••) •••-0111")
	if code := b.code(aliceMobile, notify.SMS); len(code) != 6 {
		t.Fatalf("texted code %q", code)
	}
	browsertest.Screenshot(t, c.ctx, "member-challenge-pin")
	c.submit("#more-options") // a link: RunResponse waits for its page too
	c.wantText("#options", "Text me at (•••) •••-0111 (primary)", "Call me at (•••) •••-0112 (recovery)")
	if strings.Contains(c.text("#options"), "Text me at (•••) •••-0112") {
		t.Fatal("a landline is offered a text")
	}
	browsertest.Screenshot(t, c.ctx, "member-challenge-more-options")
	if _, err := chromedp.RunResponse(c.ctx, chromedp.Click(chromedp.Search(`//button[contains(., "Call me at (•••) •••-0112")]`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	c.wantText("#sent-to", "We are calling (•••) •••-0112 now")
	c.fill("code", b.code(aliceLand, notify.Voice))
	c.submit("main form button[type=submit]")
	c.skipTwoStep()
	c.wantText("h1", "Welcome, Dana")
}

// bob (High) is asked for a code at every login (S18).
func TestBrowserHighMemberChallengedAtEveryLogin(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.bob()
	c := newChrome(t, b)
	for range 2 {
		c.signIn("bob", demoPassword)
		c.answerQuestions()
		c.wantText("h1", "Confirm it's you")
		c.wantText("#why", "Your security level is High")
		c.submit("#send-code")
		c.fill("code", b.code(bobMobile, notify.SMS))
		c.submit("main form button[type=submit]")
		c.skipTwoStep()
		c.wantText("h1", "Welcome, Bob")
		c.submit("header form button[type=submit]") // sign out
		c.wantText("h1", "Signed out")
	}
}

// The idle warning (S23) on a security screen: at 3 idle minutes it offers
// "Stay signed in", which extends the session; 5 idle minutes later the
// page goes to the sign-out page. The fake clock moves; the page's poll is
// nudged with a focus event rather than waited for.
func TestBrowserIdleWarningAndTimeout(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.alice()
	c := newChrome(t, b)
	c.signIn("alice", demoPassword)
	c.answerQuestions()
	c.skipTwoStep()
	c.open("/settings")
	c.wantText("h1", "Security settings")
	nudge := chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('focus'))`)
	b.clock.Advance(3 * time.Minute)
	c.do(nudge, chromedp.WaitVisible(chromedp.ID("idle-warning")))
	c.wantText("#idle-warning", "Your session will end in 2 minutes", "Stay signed in")
	browsertest.Screenshot(t, c.ctx, "member-idle-warning")
	c.do(chromedp.Click(chromedp.ID("idle-stay"), chromedp.NodeVisible), chromedp.WaitNotVisible(chromedp.ID("idle-warning")))
	b.clock.Advance(4 * time.Minute) // 4 minutes after "stay": not yet over
	c.do(nudge, chromedp.WaitVisible(chromedp.ID("idle-warning")))
	b.clock.Advance(time.Minute + time.Second)
	if _, err := chromedp.RunResponse(c.ctx, nudge); err != nil {
		t.Fatal(err)
	}
	c.wantText("h1", "Signed out for inactivity")
	c.wantText("main", "5 minutes on security screens")
	c.open("/settings")
	c.wantText("h1", "Sign in to online banking")
}

// A form posted without its CSRF token is refused (S24).
func TestBrowserPostWithoutCSRFToken(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.alice()
	c := newChrome(t, b)
	c.open("/login")
	c.fill("username", "alice")
	c.eval(`document.querySelector('main input[name=csrf_token]').remove(); ''`)
	resp, err := chromedp.RunResponse(c.ctx, chromedp.Click(chromedp.CSS("main button[type=submit]"), chromedp.NodeVisible))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 403 {
		t.Fatalf("a form without its token: %d, want 403", resp.Status)
	}
	c.wantText("body", "did not come from this site")
}

// After a finished login its password step cannot be posted again (S25).
func TestBrowserReplayedLoginStep(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.alice()
	c := newChrome(t, b)
	c.open("/login")
	c.fill("username", "alice")
	c.submit("main button[type=submit]")
	flowID := c.eval(`document.querySelector('input[name=flow]').value`)
	c.fill("password", demoPassword)
	c.submit("main button[type=submit]")
	c.answerQuestions()
	c.skipTwoStep()
	c.wantText("h1", "Welcome, Alice")
	got := c.eval(`fetch('/login/password', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
		body: new URLSearchParams({flow: '` + flowID + `', password: '` + demoPassword + `',
			csrf_token: document.querySelector('meta[name=csrf-token]').content})}).then(r => r.status + ' ' + (r.ok ? '' : 'refused'))`)
	if got != "409 refused" {
		t.Fatalf("replaying the password step: %q, want 409", got)
	}
	c.open("/login/password?flow=" + flowID)
	c.wantText("#problem", "already used")
}

// Enrolment by activation code (S7), end to end, with the strength meter.
func TestBrowserEnrolment(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.member(memberSpec{Number: "300001", First: "Erin", Last: "Evans", Email: "erin@example.com", PhoneOnFile: "+12025550141", NotEnrolled: true,
		Accounts: []institution.Account{{Number: "3000015555", Type: institution.Checking}}})
	c := newChrome(t, b)
	c.open("/enrol")
	c.fill("number", "300001")
	c.fill("last_name", "Evans")
	c.submit("main button[type=submit]")
	c.wantText("main", "By text message to (•••) •••-0141")
	c.submit("main button[type=submit]")
	c.fill("code", b.code("+12025550141", notify.SMS))
	c.submit("main form button[type=submit]")
	c.wantText("h1", "Choose a username")
	c.fill("username", "sunny day 42")
	c.submit("main button[type=submit]")
	c.wantText("h1", "Choose a password")
	c.fill("password", "password")
	c.poll(`document.getElementById('strength-text').textContent.includes('very weak')`)
	c.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('password').value = ''`))
	c.fill("password", "Lantern-Fjord-Maple-27")
	c.poll(`/Strength: (good|strong)/.test(document.getElementById('strength-text').textContent)`)
	c.fill("confirm", "Lantern-Fjord-Maple-27")
	c.submit("main button[type=submit]")
	c.wantText("h1", "Choose your security questions")
	c.do(chromedp.SetValue(chromedp.ID("q1"), "MFA5"), chromedp.SetValue(chromedp.ID("q2"), "MFA6"))
	c.fill("a1", "blue")
	c.fill("a2", "rex")
	c.do(chromedp.SetValue(chromedp.ID("q3"), "custom"), chromedp.Evaluate[chromedp.Void](`document.getElementById('q3').dispatchEvent(new Event('change'))`))
	c.fill("custom3", "Where did we go in 1999?")
	c.fill("a3", "lisbon")
	c.submit("main button[type=submit]")
	c.wantText("h1", "Your phone numbers")
	c.fill("number", "202-555-0141")
	c.submit("main form:not([action$=done]) button[type=submit]")
	c.wantText("#phones", "(•••) •••-0141", "mobile", "primary")
	c.submit("#phones-done")
	c.wantText("h1", "Choose your security image")
	c.do(chromedp.Click(chromedp.CSS(`input[value=sailboat]`), chromedp.NodeVisible))
	c.submit("main button[type=submit]")
	c.wantText("#notice", "You are set up for online banking")
	c.fill("username", "sunny day 42")
	c.submit("main button[type=submit]")
	if src := c.eval(`document.getElementById('login-watermark').getAttribute('src')`); !strings.Contains(src, "sailboat") {
		t.Fatalf("the new member's watermark: %q", src)
	}
	c.fill("password", "Lantern-Fjord-Maple-27")
	c.submit("main button[type=submit]")
	c.wantText("h1", "Answer your security question")
}
