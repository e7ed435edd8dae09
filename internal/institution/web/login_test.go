package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/security/policy"
)

func watermarkOf(p *page) string {
	m := regexp.MustCompile(`id="login-watermark" src="/static/watermarks/([a-z]+)\.svg"`).FindStringSubmatch(p.Body)
	if m == nil {
		return ""
	}
	return m[1]
}

// A member signs in: username, their watermark, password, the rotating
// question, the two-step prompt skipped, home. The next login asks another
// question.
func TestLoginWithRotatingQuestion(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.get("/login").must(t, http.StatusOK, "Username")
	p := br.post("/login", url.Values{"username": {"Alice"}})
	p.must(t, http.StatusOK, "Signing in as", "alice")
	if wm := watermarkOf(p); wm != "lighthouse" {
		t.Fatalf("alice's watermark: %q, want lighthouse", wm)
	}
	p = br.post("/login/password", url.Values{"password": {demoPassword}})
	p.must(t, http.StatusOK, "Answer your security question")
	first := p.questions()
	if len(first) != 1 {
		t.Fatalf("rotating mode asks one question, got %v", first)
	}
	if !strings.Contains(p.Body, `data-watermark="lighthouse"`) {
		t.Fatal("the watermark is not on the question page")
	}
	p = br.answer("/login/question", nil, demoAnswers)
	p.must(t, http.StatusOK, "Set up two-step sign-in", "Skip for now")
	p = br.post("/login/two-step/skip", nil)
	p.must(t, http.StatusOK, "Welcome, Alice", "Checking", "••••2345", "$6,828.51", "$10,000.00")
	if !strings.Contains(p.Body, `data-watermark="lighthouse"`) {
		t.Fatal("the watermark is not on the home page")
	}

	// Sign out, then in again: another question.
	br.post("/logout", nil).must(t, http.StatusOK, "You have signed out")
	p = br.signIn("alice", demoPassword)
	p.must(t, http.StatusOK, "Answer your security question")
	if second := p.questions(); len(second) != 1 || second[0] == first[0] {
		t.Fatalf("second login asked %v, first %v: the question must rotate", second, first)
	}
}

// A username nobody has gets a watermark too, the same one every time, and
// the same page.
func TestUnknownUsernameShowsADecoyWatermark(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	var seen []string
	for range 3 {
		br.get("/login")
		p := br.post("/login", url.Values{"username": {"mallory smith"}})
		p.must(t, http.StatusOK, "Enter your password", "Is this the security image you chose?")
		seen = append(seen, watermarkOf(p))
	}
	if seen[0] == "" || seen[0] != seen[1] || seen[1] != seen[2] {
		t.Fatalf("decoy watermarks %v: want one image, the same each time", seen)
	}
	br.post("/login/password", url.Values{"password": {"whatever-1A"}}).must(t, http.StatusUnauthorized, "The username or password is not right")
}

// Three wrong passwords disable the password (S4); the right one is then
// refused too, with a message saying to call.
func TestThreeWrongPasswordsDisableThePassword(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.get("/login")
	br.post("/login", url.Values{"username": {"alice"}})
	for i := range 3 {
		p := br.post("/login/password", url.Values{"password": {"Wrong-pass-" + string(rune('1'+i))}})
		p.must(t, http.StatusUnauthorized, "The username or password is not right")
		if strings.Contains(p.Body, "Wrong-pass") {
			t.Fatal("the password was echoed back into the page")
		}
	}
	br.post("/login/password", url.Values{"password": {demoPassword}}).must(t, http.StatusUnauthorized, "Your password is disabled", b.app.Info.Phone)
}

// A state change without the session's CSRF token is refused (S24).
func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.get("/login")
	p := br.post("/login", url.Values{"username": {"alice"}, "csrf_token": {"forged"}})
	if p.Status != http.StatusForbidden {
		t.Fatalf("a forged token: %d, want 403", p.Status)
	}
	p = br.post("/login", url.Values{"username": {"alice"}, "csrf_token": {""}})
	if p.Status != http.StatusForbidden {
		t.Fatalf("no token: %d, want 403", p.Status)
	}
}

// The password step of a finished login cannot be posted again (S25).
func TestReplayedLoginStepIsRefused(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.get("/login")
	br.post("/login", url.Values{"username": {"alice"}})
	flowID := br.last.field("flow")
	br.finishLogin(br.post("/login/password", url.Values{"password": {demoPassword}})).must(t, http.StatusOK, "Welcome, Alice")
	p := br.post("/login/password", url.Values{"password": {demoPassword}, "flow": {flowID}})
	p.must(t, http.StatusConflict, "already used")
	// Skipping ahead is refused the same way: a new login cannot jump to the questions.
	br.get("/").must(t, http.StatusOK, "Welcome, Alice")
	br.post("/logout", nil).must(t, http.StatusOK, "signed out")
	br.get("/login").must(t, http.StatusOK, "Username")
	br.post("/login", url.Values{"username": {"alice"}}).must(t, http.StatusOK, "Enter your password")
	br.post("/login/question", url.Values{"question": {"MFA5"}, "answer": {"blue"}}).must(t, http.StatusConflict, "already used")
}

// Every response carries the security headers; pages are not cached.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	br := b.browser()
	for _, path := range []string{"/login", "/static/app.css"} {
		p := br.get(path)
		h := p.Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, h.Get("Content-Security-Policy"))
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: frame %q referrer %q", path, h.Get("X-Frame-Options"), h.Get("Referrer-Policy"))
		}
	}
	if cc := br.get("/login").Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("login page Cache-Control %q", cc)
	}
	p := br.get("/login")
	if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " onclick=") || strings.Contains(p.Body, "style=") {
		t.Error("inline script or style in the page")
	}
}
