package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
)

// option finds the "more options" button for a phone and channel.
func (p *page) option(t *testing.T, label string) url.Values {
	t.Helper()
	re := regexp.MustCompile(`(?s)<form method="post" action="/login/verify/send">(.*?)</form>`)
	for _, m := range re.FindAllStringSubmatch(p.Body, -1) {
		if strings.Contains(m[1], ">"+label+"<") {
			f := &page{Body: m[1]}
			return url.Values{"via": {f.field("via")}, "phone": {f.field("phone")}, "channel": {f.field("channel")}}
		}
	}
	t.Fatalf("no option %q in\n%s", label, text(p.Body))
	return nil
}

// A PIN by text to the primary mobile, then "more options": each phone
// with the channels it takes (the landline only calls, S13/S14), and a call
// to the landline passes.
func TestPINByTextThenMoreOptionsCall(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.member(memberSpec{Number: "200001", First: "Dana", Last: "Doe", Username: "dana", Watermark: "compass", QuestionMode: "two_of_three",
		Phones: []phone.New{{Number: aliceMobile, Kind: phone.Mobile, Role: phone.Primary}, {Number: aliceLand, Kind: phone.Landline, Role: phone.Recovery}}})
	br := b.browser()
	p := br.signIn("dana", demoPassword)
	p.must(t, http.StatusOK, "Confirm it's you", "You are using a computer or browser we do not recognise", "Get a code by text", "(•••) •••-0111", "More options")
	p = br.post("/login/verify/send", url.Values{"via": {p.field("via")}, "phone": {p.field("phone")}, "channel": {p.field("channel")}})
	p.must(t, http.StatusOK, "We sent a code by text to (•••) •••-0111")
	texted := b.code(aliceMobile, notify.SMS)
	wrong := "000000"
	if texted == wrong {
		wrong = "111111"
	}
	br.post("/login/verify", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}, "code": {wrong}}).
		must(t, http.StatusUnauthorized, "That code is not right. You have 2 attempts left.")

	p = br.get("/login/verify?flow=" + br.last.field("flow") + "&via=options")
	p.must(t, http.StatusOK, "Text me at (•••) •••-0111 (primary)", "Call me at (•••) •••-0111 (primary)", "Call me at (•••) •••-0112 (recovery)", "Answer my security questions")
	if p.has("Text me at (•••) •••-0112") {
		t.Fatal("a landline is offered a text")
	}
	p = br.post("/login/verify/send", p.option(t, "Call me at (•••) •••-0112 (recovery)"))
	p.must(t, http.StatusOK, "We are calling (•••) •••-0112 now")
	called := b.code(aliceLand, notify.Voice)
	p = br.post("/login/verify", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"voice"}, "code": {called}})
	br.finishLogin(p).must(t, http.StatusOK, "Welcome, Dana")
	if strings.Contains(br.last.Body, called) || strings.Contains(br.last.Body, texted) {
		t.Fatal("a code reached a page")
	}
}

// bob is at the High level: a code at every login, after his question, and
// questions do not count as the code (S18).
func TestHighMemberIsChallengedAtEveryLogin(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.bob()
	br := b.browser()
	for i := range 2 {
		p := br.signIn("bob", demoPassword)
		p.must(t, http.StatusOK, "Answer your security question")
		p = br.answer("/login/question", nil, demoAnswers)
		p.must(t, http.StatusOK, "Confirm it's you", "Your security level is High", "Get a code by text")
		if i == 1 && p.has("do not recognise") {
			t.Fatal("the second login is from a known device; only the level asks")
		}
		if p = br.get("/login/verify?flow=" + p.field("flow") + "&via=options"); p.has("Answer my security questions") {
			t.Fatal("questions are offered to a High member as the code")
		}
		p = br.post("/login/verify/send", p.option(t, "Text me at (•••) •••-0121 (primary)"))
		p = br.post("/login/verify", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}, "code": {b.code(bobMobile, notify.SMS)}})
		br.finishLogin(p).must(t, http.StatusOK, "Welcome, Bob")
		br.post("/logout", nil)
	}
}

// carol answers two of her three questions (her own mode, S9); a wrong
// answer says how many attempts are left.
func TestTwoOfThreeQuestions(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.carol()
	br := b.browser()
	p := br.signIn("carol", demoPassword)
	p.must(t, http.StatusOK, "Confirm it's you")
	flowID := p.field("flow")
	p = br.get("/login/verify?flow=" + flowID + "&via=questions")
	p.must(t, http.StatusOK, "Answer both questions", "Hide my typing", "We will call you instead")
	if q := p.questions(); len(q) != 2 {
		t.Fatalf("two of three asks two questions, got %v", q)
	}
	p = br.answer("/login/verify", url.Values{"via": {"questions"}}, map[string]string{})
	p.must(t, http.StatusUnauthorized, "That answer is not right. You have 2 attempts left")
	p = br.answer("/login/verify", url.Values{"via": {"questions"}}, demoAnswers)
	br.finishLogin(p).must(t, http.StatusOK, "Welcome, Carol")
}

// Three wrong answers block the questions; the login goes on with a code
// (S4: other methods stay available), and the questions are not offered.
func TestBlockedQuestionsLeaveOtherMethods(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.signIn("alice", demoPassword).must(t, http.StatusOK, "Answer your security question")
	wrong := map[string]string{"Favorite color": "green", "First pet's name": "tom", "City of birth": "rome"}
	br.answer("/login/question", nil, wrong).must(t, http.StatusUnauthorized, "You have 2 attempts left")
	br.answer("/login/question", nil, wrong).must(t, http.StatusUnauthorized, "You have 1 attempt left")
	p := br.answer("/login/question", nil, wrong)
	p.must(t, http.StatusOK, "Confirm it's you", "Your security questions are blocked")
	p = br.get("/login/verify?flow=" + p.field("flow") + "&via=options")
	if p.has("Answer my security questions") {
		t.Fatal("blocked questions are still offered")
	}
	p = br.post("/login/verify/send", p.option(t, "Text me at (•••) •••-0111 (primary)"))
	p = br.post("/login/verify", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}, "code": {b.code(aliceMobile, notify.SMS)}})
	br.finishLogin(p).must(t, http.StatusOK, "Welcome, Alice")
}

// A temporary password (S5) must be replaced first, and not by itself.
func TestTemporaryPasswordMustBeChanged(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	temp, _, err := b.app.Members.IssueTemporaryPassword(context.Background(), m.Account.ID, "staff:1", temppass.Facts{}, false, auth.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	br := b.browser()
	p := br.signIn("alice", temp)
	p.must(t, http.StatusOK, "Choose a new password", "temporary password", "Three of these four")
	br.post("/password/change", url.Values{"password": {temp}, "confirm": {temp}}).must(t, http.StatusUnprocessableEntity, "different from your current or temporary")
	br.post("/password/change", url.Values{"password": {"short"}, "confirm": {"short"}}).must(t, http.StatusUnprocessableEntity)
	p = br.post("/password/change", url.Values{"password": {"Brand-new-2027"}, "confirm": {"Brand-new-2027"}})
	br.finishLogin(p).must(t, http.StatusOK, "Welcome, Alice")
	br.post("/logout", nil)
	br.finishLogin(br.signIn("alice", "Brand-new-2027")).must(t, http.StatusOK, "Welcome, Alice")
}

// Questions deleted by staff (S11) are set again before home, one of them
// the member's own (S8); the next login asks from the new set.
func TestDeletedQuestionsAreSetAgain(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	if err := b.app.Members.DeleteQuestions(context.Background(), m.Account.ID, "staff:1", auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	br := b.browser()
	p := br.signIn("alice", demoPassword)
	p.must(t, http.StatusOK, "Confirm it's you") // a new device, and no questions to answer
	p = br.post("/login/verify/send", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}})
	p = br.post("/login/verify", url.Values{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}, "code": {b.code(aliceMobile, notify.SMS)}})
	p.must(t, http.StatusOK, "Set your security questions", "Write my own question")
	form := url.Values{"q1": {"MFA16"}, "a1": {"smith"}, "q2": {"custom"}, "custom2": {"What was my first car's colour?"}, "a2": {"red"}, "q3": {"MFA16"}, "a3": {"jones"}}
	p = br.post("/login/questions", form)
	p.must(t, http.StatusUnprocessableEntity)
	if p.has("smith") || p.has(">red<") {
		t.Fatal("an answer was put back into the form")
	}
	form.Set("q3", "MFA20")
	form.Set("a3", "elm street")
	br.finishLogin(br.post("/login/questions", form)).must(t, http.StatusOK, "Welcome, Alice")
	br.post("/logout", nil)
	p = br.signIn("alice", demoPassword)
	p.must(t, http.StatusOK, "Answer your security question")
	br.finishLogin(br.answer("/login/question", nil, map[string]string{
		"Mother's maiden name": "Smith", "What was my first car's colour?": "RED", "Name of the street you grew up on": "Elm  Street",
	})).must(t, http.StatusOK, "Welcome, Alice")
}

// After the mandatory date (S17) the two-step prompt has no "skip for
// now"; enrolling sends a code to the mobile and the prompt stops.
func TestTwoStepRequiredAfterTheMandatoryDate(t *testing.T) {
	t.Parallel()
	p := policy.Seed()
	p.Risk.TwoFactorMandatoryFrom = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	b := newBank(t, p)
	b.alice()
	br := b.browser()
	br.signIn("alice", demoPassword)
	pg := br.answer("/login/question", nil, demoAnswers)
	pg.must(t, http.StatusOK, "Set up two-step sign-in", "now required")
	if pg.has("Skip for now") {
		t.Fatal("skip is offered after the mandatory date")
	}
	br.post("/login/two-step/skip", nil).must(t, http.StatusForbidden, "can no longer be skipped")
	pg = br.post("/login/two-step/send", url.Values{"phone": {br.last.field("phone")}})
	pg = br.post("/login/two-step/send", url.Values{"number": {"(202) 555-0199"}})
	pg.must(t, http.StatusOK, "We sent a code by text to (•••) •••-0199")
	br.post("/login/two-step", url.Values{"phone": {pg.field("phone")}, "code": {b.code("+12025550199", notify.SMS)}}).must(t, http.StatusOK, "Welcome, Alice")
	br.post("/logout", nil)
	br.signIn("alice", demoPassword)
	br.answer("/login/question", nil, demoAnswers).must(t, http.StatusOK, "Welcome, Alice")
}

// A layered control (S21) refuses the login and leaves a message.
func TestPCRegistrationRequiredDeniesAnUnregisteredComputer(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	if err := institution.SetControls(context.Background(), b.db.Writer(), m.ID, risk.Controls{PCRegistrationRequired: true}); err != nil {
		t.Fatal(err)
	}
	br := b.browser()
	br.signIn("alice", demoPassword).must(t, http.StatusForbidden, "not registered", "message center")
	msgs, err := audit.Messages(context.Background(), b.db.Reader(), bankapp.MemberRealm, "account:"+itoa(m.Account.ID), 10)
	if err != nil || len(msgs) == 0 || !strings.Contains(msgs[0].Text, "refused") {
		t.Fatalf("message center: %+v %v", msgs, err)
	}
	br.get("/").must(t, http.StatusOK, "Sign in to online banking") // no session left
}

// A one-time access code from staff (S16) passes the step-up.
func TestAccessCodeFromStaff(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.bob()
	ctx := context.Background()
	staff, err := account.Create(ctx, b.db.Writer(), bankapp.StaffRealm, "teller one", b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	br := b.browser()
	br.signIn("bob", demoPassword)
	p := br.answer("/login/question", nil, demoAnswers)
	p = br.get("/login/verify?flow=" + p.field("flow") + "&via=options")
	if p.has("Use a one-time access code") {
		t.Fatal("an access code is offered before staff issued one")
	}
	code, _, err := b.app.Members.IssueAccessCode(ctx, m.Account.ID, staff.ID, "lost phone, ID checked", auth.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	p = br.get("/login/verify?flow=" + p.field("flow") + "&via=options")
	p.must(t, http.StatusOK, "Use a one-time access code from us")
	br.get("/login/verify?flow="+p.field("flow")+"&via=access_code").must(t, http.StatusOK, "Enter the access code our staff gave you")
	p = br.post("/login/verify", url.Values{"via": {"access_code"}, "code": {"WRONG-CODE1"}})
	p.must(t, http.StatusUnauthorized)
	p = br.post("/login/verify", url.Values{"via": {"access_code"}, "code": {code}})
	br.finishLogin(p).must(t, http.StatusOK, "Welcome, Bob")
}

// Questions and phones are re-collected every 180 days (S10): after the
// question, the member sets new questions and confirms their phones.
func TestQuestionsAndPhonesRecollectedAfter180Days(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	for _, days := range []int{0, 89, 89} { // signing in keeps the password from expiring on non-use (S6)
		b.clock.Advance(time.Duration(days) * 24 * time.Hour)
		br.login("alice")
		br.post("/logout", nil)
	}
	b.clock.Advance(3 * 24 * time.Hour)
	br.signIn("alice", demoPassword).must(t, http.StatusOK, "Answer your security question")
	p := br.answer("/login/question", nil, demoAnswers)
	p.must(t, http.StatusOK, "Set your security questions")
	p = br.post("/login/questions", url.Values{"q1": {"MFA5"}, "a1": {"green"}, "q2": {"MFA6"}, "a2": {"tom"}, "q3": {"MFA1"}, "a3": {"rome"}})
	p.must(t, http.StatusOK, "Confirm your phone numbers", "(•••) •••-0111")
	br.finishLogin(br.post("/login/phones", nil)).must(t, http.StatusOK, "Welcome, Alice")
	br.post("/logout", nil)
	br.signIn("alice", demoPassword)
	p = br.answer("/login/question", nil, map[string]string{"Favorite color": "green", "First pet's name": "tom", "City of birth": "rome"})
	br.finishLogin(p).must(t, http.StatusOK, "Welcome, Alice")
}
