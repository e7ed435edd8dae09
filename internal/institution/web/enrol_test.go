package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/policy"
)

// A member sets up online banking with an activation code (S7): identity,
// code by text, username, password, questions, phones, watermark; then
// signs in with them.
func TestEnrolmentByActivationCode(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.member(memberSpec{Number: "300001", First: "Erin", Last: "Evans", Email: "erin@example.com", PhoneOnFile: "+12025550141", NotEnrolled: true,
		Accounts: []institution.Account{{Number: "3000015555", Type: institution.Checking}}})
	br := b.browser()
	br.get("/enrol").must(t, http.StatusOK, "Member number", "Last name")
	br.post("/enrol", url.Values{"number": {"300001"}, "last_name": {"Smith"}}).must(t, http.StatusUnprocessableEntity, "could not find a membership")
	p := br.post("/enrol", url.Values{"number": {"300001"}, "last_name": {"evans"}})
	p.must(t, http.StatusOK, "By text message to (•••) •••-0141", "By email to e••••@example.com")
	p = br.post("/enrol/deliver", url.Values{"channel": {"sms"}})
	p.must(t, http.StatusOK, "We sent an activation code by text to (•••) •••-0141", "within 24 hours")
	code := b.code("+12025550141", notify.SMS)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	br.post("/enrol/code", url.Values{"code": {wrong}}).must(t, http.StatusUnauthorized, "not right", "2 attempts left")
	p = br.post("/enrol/code", url.Values{"code": {code}})
	p.must(t, http.StatusOK, "Choose a username")
	flowID := p.field("flow")

	br.post("/enrol/username", url.Values{"username": {"erin"}}).must(t, http.StatusUnprocessableEntity, "at least 6 characters")
	br.post("/enrol/username", url.Values{"username": {"evans family"}}).must(t, http.StatusUnprocessableEntity, "last name")
	br.post("/enrol/username", url.Values{"username": {"sunny-day!"}}).must(t, http.StatusUnprocessableEntity, "Use only letters")
	p = br.post("/enrol/username", url.Values{"username": {"Sunny Day 42"}})
	p.must(t, http.StatusOK, "Choose a password", "Three of these four")

	// The strength meter, as the page's script asks it.
	req, _ := http.NewRequest(http.MethodPost, br.srv.URL+"/password/strength", strings.NewReader(`{"password":"erin evans","flow":"`+flowID+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", p.csrf())
	resp, err := br.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var est struct {
		Score    int    `json:"score"`
		Label    string `json:"label"`
		Feedback string `json:"feedback"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&est); err != nil || resp.StatusCode != 200 || est.Score > 1 || est.Feedback == "" {
		t.Fatalf("strength of the member's own name: %d %+v %v", resp.StatusCode, est, err)
	}
	resp.Body.Close()

	br.post("/enrol/password", url.Values{"password": {"alllowercase"}, "confirm": {"alllowercase"}}).must(t, http.StatusUnprocessableEntity, "at least 3 of")
	br.post("/enrol/password", url.Values{"password": {"Sunny-Day-2027"}, "confirm": {"Sunny-Day-2028"}}).must(t, http.StatusUnprocessableEntity, "not the same")
	p = br.post("/enrol/password", url.Values{"password": {"Sunny-Day-2027"}, "confirm": {"Sunny-Day-2027"}})
	p.must(t, http.StatusOK, "Choose your security questions", "Write my own question")
	p = br.post("/enrol/questions", url.Values{"q1": {"MFA5"}, "a1": {"blue"}, "q2": {"MFA6"}, "a2": {"rex"}, "q3": {"custom"}, "custom3": {"Where did we go in 1999?"}, "a3": {"lisbon"}})
	p.must(t, http.StatusOK, "Your phone numbers", "up to 4")
	br.post("/enrol/phones", url.Values{"number": {"202-555-0141"}, "kind": {"mobile"}, "role": {"primary"}}).must(t, http.StatusOK, "(•••) •••-0141")
	br.post("/enrol/phones", url.Values{"number": {"12"}, "kind": {"mobile"}, "role": {"other"}}).must(t, http.StatusUnprocessableEntity, "valid phone number")
	br.post("/enrol/phones", url.Values{"number": {"202-555-0142"}, "kind": {"landline"}, "role": {"recovery"}}).must(t, http.StatusOK, "(•••) •••-0142", "landline")
	p = br.post("/enrol/phones/done", nil)
	p.must(t, http.StatusOK, "Choose your security image", "A sailboat")
	p = br.post("/enrol/watermark", url.Values{"watermark": {"sailboat"}})
	p.must(t, http.StatusOK, "You are set up for online banking")
	br.post("/enrol/watermark", url.Values{"watermark": {"owl"}, "flow": {flowID}}).must(t, http.StatusConflict, "each step works once")

	// Signing in with what was chosen.
	br.get("/login")
	p = br.post("/login", url.Values{"username": {"sunny day 42"}})
	if wm := watermarkOf(p); wm != "sailboat" {
		t.Fatalf("the new member's watermark: %q", wm)
	}
	p = br.post("/login/password", url.Values{"password": {"Sunny-Day-2027"}})
	p.must(t, http.StatusOK, "Answer your security question")
	br.finishLogin(br.answer("/login/question", nil, map[string]string{
		"Favorite color": "blue", "First pet's name": "rex", "Where did we go in 1999?": "Lisbon",
	})).must(t, http.StatusOK, "Welcome, Erin", "••••5555")
	_ = m
}

// A member who is enrolled already is told so, and gets no code.
func TestEnrolmentRefusesAnEnrolledMember(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.get("/enrol")
	br.post("/enrol", url.Values{"number": {"100001"}, "last_name": {"Archer"}}).must(t, http.StatusConflict, "already set up")
}
