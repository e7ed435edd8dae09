package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
)

const newPassword = "Brand-new-2027"

var wrongAnswers = map[string]string{"Favorite color": "green", "First pet's name": "tom", "City of birth": "rome"}

// forgotAs takes a browser through the username page of a reset.
func (br *browser) forgotAs(username string) *page {
	br.t.Helper()
	br.get("/forgot").must(br.t, http.StatusOK, "Reset your password", "Username")
	return br.post("/forgot", url.Values{"username": {username}})
}

// The whole reset for a member with a phone: the link on both sign-in
// pages, all three questions, a PIN by text (with "more options" offering a
// call), a new password that may not be the old one, then "sign in". The
// member is not signed in by the reset, other sessions end, the old
// password no longer works and the new one does; no step can be replayed.
func TestForgotPasswordWithPIN(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	other := b.browser()
	other.login("alice") // signed in elsewhere with the old password

	br := b.browser()
	br.get("/login").must(t, http.StatusOK, `href="/forgot"`, "Forgot your password?")
	br.post("/login", url.Values{"username": {"alice"}}).must(t, http.StatusOK, "Enter your password", "Forgot your password?")

	p := br.forgotAs("alice")
	p.must(t, http.StatusOK, "Answer your security questions", "answer all three")
	if qs := p.questions(); len(qs) != 3 {
		t.Fatalf("the reset asks %v, want all three questions", qs)
	}
	questionsFlow := p.field("flow")
	p = br.answer("/forgot/questions", nil, demoAnswers)
	p.must(t, http.StatusOK, "Confirm it's you", "Get a code by text", "(•••) •••-0111", "More options")
	// Replaying the questions step is refused.
	br.answer("/forgot/questions", url.Values{"flow": {questionsFlow}}, demoAnswers).must(t, http.StatusConflict, "already used")

	codePage := br.get("/forgot/code?flow=" + questionsFlow + "&via=options")
	codePage.must(t, http.StatusOK, "Text me at (•••) •••-0111 (primary)", "Call me at (•••) •••-0112 (recovery)")
	if codePage.has("Answer my security questions") {
		t.Fatal("the questions are offered again as the second proof")
	}
	p = br.post("/forgot/code/send", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}})
	p.must(t, http.StatusOK, "We sent a code by text to (•••) •••-0111")
	code := b.code(aliceMobile, notify.SMS)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	br.post("/forgot/code", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}, "code": {wrong}}).
		must(t, http.StatusUnauthorized, "That code is not right. You have 2 attempts left.")
	p = br.post("/forgot/code", url.Values{"via": {"pin"}, "phone": {br.last.field("phone")}, "channel": {"sms"}, "code": {code}})
	p.must(t, http.StatusOK, "Choose a new password", "Three of these four", `data-strength="strength"`)
	br.post("/forgot/code", url.Values{"via": {"pin"}, "channel": {"sms"}, "code": {code}}).must(t, http.StatusConflict, "already used")
	br.get(p.URL).must(t, http.StatusOK, "Choose a new password")

	br.post("/forgot/password", url.Values{"password": {demoPassword}, "confirm": {demoPassword}}).
		must(t, http.StatusUnprocessableEntity, "different from your current")
	br.post("/forgot/password", url.Values{"password": {newPassword}, "confirm": {newPassword + "x"}}).
		must(t, http.StatusUnprocessableEntity, "not the same")
	passwordFlow, csrf := br.last.field("flow"), br.last.csrf()
	p = br.post("/forgot/password", url.Values{"password": {newPassword}, "confirm": {newPassword}})
	p.must(t, http.StatusOK, "Your password was changed", `href="/login"`)
	for _, secret := range []string{newPassword, code, "paris", "rex"} {
		if strings.Contains(p.Body, secret) || strings.Contains(codePage.Body, secret) {
			t.Fatalf("a secret reached a page")
		}
	}
	br.post("/forgot/password", url.Values{"flow": {passwordFlow}, "csrf_token": {csrf}, "password": {"Another-one-2028"}, "confirm": {"Another-one-2028"}}).
		must(t, http.StatusConflict, "already used")

	// Not signed in by the reset; the other session was ended.
	br.get("/").must(t, http.StatusOK, "Sign in to online banking")
	other.get("/").must(t, http.StatusOK, "Sign in to online banking")

	br.signIn("alice", demoPassword).must(t, http.StatusUnauthorized, "The username or password is not right")
	br.finishLogin(br.signIn("alice", newPassword)).must(t, http.StatusOK, "Welcome, Alice")
}

// Wrong answers say how many tries are left, never which answer was wrong;
// the third blocks the questions (for the login too) and the page says to
// call. A new reset is then refused even with the right answers.
func TestForgotPasswordWrongAnswersBlockTheQuestions(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	br := b.browser()
	br.forgotAs("alice").must(t, http.StatusOK, "Answer your security questions")
	almost := map[string]string{"Favorite color": "blue", "First pet's name": "rex", "City of birth": "rome"}
	br.answer("/forgot/questions", nil, almost).must(t, http.StatusUnauthorized, "Your answers are not all right. You have 2 attempts left")
	br.answer("/forgot/questions", nil, wrongAnswers).must(t, http.StatusUnauthorized, "You have 1 attempt left")
	br.answer("/forgot/questions", nil, wrongAnswers).must(t, http.StatusForbidden, "Your security questions are blocked", b.app.Info.Phone)
	blocked, err := lockout.IsBlocked(context.Background(), b.db.Reader(), m.Account.ID, lockout.Questions, 3)
	if err != nil || !blocked {
		t.Fatalf("questions blocked: %v %v, want true", blocked, err)
	}
	br.forgotAs("alice").must(t, http.StatusOK, "Answer your security questions")
	br.answer("/forgot/questions", nil, demoAnswers).must(t, http.StatusForbidden, "Your security questions are blocked")
	if _, err := b.app.Outbox.Latest(context.Background(), aliceMobile, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a code was sent after blocked questions: %v", err)
	}
}

// A username nobody has goes through the same pages as a member's, with
// the same statuses and words (only the questions differ, the same three
// every time), and changes nothing: no sign-in, no message, no count
// against anyone.
func TestForgotPasswordUnknownUsername(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	ctx := context.Background()

	walk := func(username string, tries int) (pages []*page, labels [][]string) {
		br := b.browser()
		p := br.forgotAs(username)
		pages, labels = append(pages, p), append(labels, p.questions())
		for range tries {
			p = br.answer("/forgot/questions", nil, wrongAnswers)
			pages, labels = append(pages, p), append(labels, p.questions())
		}
		return pages, labels
	}
	known, _ := walk("alice", 3)
	unknown, labels := walk("mallory", 3)
	_, again := walk("mallory", 0)
	for i := range known {
		if known[i].Status != unknown[i].Status {
			t.Fatalf("page %d: alice %d, mallory %d", i, known[i].Status, unknown[i].Status)
		}
		k, u := text(known[i].Body), text(unknown[i].Body)
		for _, l := range []string{"Favorite color", "First pet's name", "City of birth"} {
			k = strings.ReplaceAll(k, l, "Q")
		}
		for _, l := range labels[0] {
			u = strings.ReplaceAll(u, l, "Q")
		}
		if k != u {
			t.Fatalf("page %d differs:\nalice:   %s\nmallory: %s", i, k, u)
		}
	}
	if len(labels[0]) != 3 || strings.Join(labels[0], "|") != strings.Join(again[0], "|") || strings.Join(labels[0], "|") != strings.Join(labels[1], "|") {
		t.Fatalf("decoy questions %v then %v: want the same three each time", labels, again)
	}
	unknown[len(unknown)-1].must(t, http.StatusForbidden, "Your security questions are blocked", "Call us at")

	if _, err := account.ByUsername(ctx, b.db.Reader(), bankapp.MemberRealm, "mallory"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a sign-in for mallory: %v", err)
	}
	if sent, err := b.app.Outbox.List(ctx, notify.OutboxFilter{}); err != nil || len(sent) != 0 {
		t.Fatalf("the outbox has %d messages (%v), want none", len(sent), err)
	}
	// Alice's counters moved for her own walk only: three tries, blocked.
	states, err := lockout.States(ctx, b.db.Reader(), m.Account.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Method == lockout.Questions && st.Failures != 3 {
			t.Fatalf("alice's question failures %d, want 3 (mallory's must not count)", st.Failures)
		}
	}
}

// A password blocked by three wrong tries is not reset by recovery, even
// with the questions and the PIN right: the member is told to call (S4:
// only the credit union turns it back on), and the password is unchanged.
func TestForgotPasswordDoesNotResetABlockedPassword(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	ctx := context.Background()
	br := b.browser()
	br.get("/login")
	br.post("/login", url.Values{"username": {"alice"}})
	for range 3 {
		br.post("/login/password", url.Values{"password": {"Wrong-pass-1"}}).must(t, http.StatusUnauthorized)
	}
	before, err := account.Get(ctx, b.db.Reader(), m.Account.ID)
	if err != nil {
		t.Fatal(err)
	}

	br.forgotAs("alice")
	p := br.answer("/forgot/questions", nil, demoAnswers)
	p = br.post("/forgot/code/send", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}})
	csrf := p.csrf()
	p = br.post("/forgot/code", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}, "code": {b.code(aliceMobile, notify.SMS)}})
	p.must(t, http.StatusForbidden, "Your password is disabled", b.app.Info.Phone, "Nothing was changed")
	flowID := strings.TrimPrefix(p.URL, "/forgot/password?flow=")
	q := url.Values{"flow": {flowID}, "password": {newPassword}, "confirm": {newPassword}, "csrf_token": {csrf}}
	br.post("/forgot/password", q).must(t, http.StatusForbidden, "Your password is disabled")

	after, err := account.Get(ctx, b.db.Reader(), m.Account.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.PasswordHash != before.PasswordHash {
		t.Fatal("recovery changed a blocked password")
	}
	if blocked, err := lockout.IsBlocked(ctx, b.db.Reader(), m.Account.ID, lockout.Password, 3); err != nil || !blocked {
		t.Fatalf("password blocked after recovery: %v %v, want still blocked", blocked, err)
	}
	br.signIn("alice", newPassword).must(t, http.StatusUnauthorized, "Your password is disabled")
}

// A member without a phone is proven by the three questions alone and goes
// straight to the new password.
func TestForgotPasswordWithoutAPhone(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.member(memberSpec{Number: "300001", First: "Finn", Last: "Fox", Username: "finn", Watermark: "owl",
		Accounts: []institution.Account{{Number: "3000012345", Type: institution.Checking}}})
	br := b.browser()
	br.forgotAs("finn").must(t, http.StatusOK, "Answer your security questions")
	p := br.answer("/forgot/questions", nil, demoAnswers)
	p.must(t, http.StatusOK, "Choose a new password")
	if !strings.HasPrefix(p.URL, "/forgot/password?") {
		t.Fatalf("after the questions: %s, want the new password", p.URL)
	}
	br.post("/forgot/password", url.Values{"password": {newPassword}, "confirm": {newPassword}}).must(t, http.StatusOK, "Your password was changed")
	br.finishLogin(br.signIn("finn", newPassword)).must(t, http.StatusOK, "Welcome, Finn")
}
