package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/policy"
)

type status struct {
	Active    bool  `json:"active"`
	Remaining int64 `json:"remaining_seconds"`
	Warn      bool  `json:"warn"`
}

func (br *browser) status(t *testing.T, method, csrf string) status {
	t.Helper()
	req, _ := http.NewRequest(method, br.srv.URL+map[string]string{http.MethodGet: "/session/status", http.MethodPost: "/session/stay"}[method], nil)
	if method == http.MethodGet {
		req.Header.Set("X-Session-Poll", "1")
	} else {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := br.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s status
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatalf("%s status: %d %v", method, resp.StatusCode, err)
	}
	return s
}

// S23: fifteen minutes idle elsewhere, five on security screens, a warning
// at two minutes left that polling does not extend, "stay signed in" that
// does, and the sign-out page after.
func TestIdleTimeouts(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.login("alice")
	if s := br.status(t, http.MethodGet, ""); !s.Active || s.Remaining != 15*60 || s.Warn {
		t.Fatalf("home: %+v, want 15 minutes and no warning", s)
	}
	p := br.get("/settings")
	p.must(t, http.StatusOK, "Security settings", `data-session="on"`, "Your session will end in", "Stay signed in")
	if s := br.status(t, http.MethodGet, ""); s.Remaining != 5*60 {
		t.Fatalf("a security screen: %+v, want 5 minutes", s)
	}
	b.clock.Advance(3 * time.Minute)
	if s := br.status(t, http.MethodGet, ""); !s.Active || !s.Warn || s.Remaining != 120 {
		t.Fatalf("3 idle minutes: %+v, want the 2-minute warning", s)
	}
	if s := br.status(t, http.MethodPost, p.csrf()); !s.Active || s.Warn || s.Remaining != 5*60 {
		t.Fatalf("stay signed in: %+v, want 5 minutes again", s)
	}
	b.clock.Advance(3 * time.Minute)
	br.status(t, http.MethodGet, "")
	b.clock.Advance(2 * time.Minute)
	if s := br.status(t, http.MethodGet, ""); s.Active {
		t.Fatalf("5 idle minutes with polls: %+v, want ended (polls are not activity)", s)
	}
	br.get("/settings").must(t, http.StatusOK, "Sign in to online banking")
	br.get("/logout?reason=timeout").must(t, http.StatusOK, "Signed out for inactivity", "5 minutes on security screens")
}

// High asks for a code at every sign-in (S18), so it needs a phone.
func TestSecurityLevel(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	b.member(memberSpec{Number: "400001", First: "Frank", Last: "Ford", Username: "frank", Watermark: "owl"})
	br := b.browser()
	br.login("frank")
	br.get("/settings")
	br.post("/settings/security-level", url.Values{"level": {"high"}}).must(t, http.StatusUnprocessableEntity, "Add a phone first")

	br = b.browser()
	br.login("alice")
	br.get("/settings")
	br.post("/settings/security-level", url.Values{"level": {"high"}}).must(t, http.StatusOK, "every time you sign in")
	br.post("/logout", nil)
	p := br.signIn("alice", demoPassword)
	p = br.answer("/login/question", nil, demoAnswers)
	p.must(t, http.StatusOK, "Confirm it's you", "Your security level is High")
}

// Phones: at most four, added and removed, each change in the message
// center (S13, S28).
func TestPhonesAndMessageCenter(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.login("alice")
	br.get("/settings/phones").must(t, http.StatusOK, "(•••) •••-0111", "(•••) •••-0112", "Add a phone")
	br.post("/settings/phones", url.Values{"number": {"+44 7400 123456"}, "kind": {"mobile"}, "role": {"other"}}).must(t, http.StatusOK, "We added +44 ••••••3456")
	p := br.post("/settings/phones", url.Values{"number": {"202-555-0113"}, "kind": {"mobile"}, "role": {"other"}})
	p.must(t, http.StatusOK, "We added (•••) •••-0113")
	if p.has("Add a phone") {
		t.Fatal("a fifth phone can still be added")
	}
	remove := re(`action="(/settings/phones/\d+/remove)"`).FindStringSubmatch(p.Body)
	br.post(remove[1], nil).must(t, http.StatusOK, "The phone was removed")
	br.get("/messages").must(t, http.StatusOK, "A phone number was added to your profile.", "A phone number was removed from your profile.")
}

// Personal Internet Branch (S21): requiring registered computers needs this
// one registered; then another computer is refused and this one is not.
func TestPersonalInternetBranch(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.login("alice")
	br.get("/settings/branch").must(t, http.StatusOK, "Personal Internet Branch", "No confirmation code is set")
	br.post("/settings/branch", url.Values{"pc_required": {"on"}}).must(t, http.StatusUnprocessableEntity, "Register this computer first")
	br.post("/settings/branch", url.Values{"block": {"Moscow"}}).must(t, http.StatusUnprocessableEntity, "Check the places")
	br.get("/settings/devices").must(t, http.StatusOK, "(this computer)", "Not registered")
	br.post("/settings/devices/register", nil).must(t, http.StatusOK, "This computer is registered", "Registered")
	p := br.post("/settings/branch", url.Values{"pc_required": {"on"}, "block": {"ru, cn"}, "confirmation": {"tulip-42"}, "confirmation_again": {"tulip-42"},
		"day": {"1", "2", "3", "4", "5"}, "start": {"6"}, "end": {"22"}, "time_zone": {"America/New_York"}})
	p.must(t, http.StatusOK, "settings were saved", "A confirmation code is set", `value="RU, CN"`)
	if p.has("tulip-42") {
		t.Fatal("the confirmation code was put back into the page")
	}
	m, err := institution.MemberByNumber(context.Background(), b.db.Reader(), "100001")
	if err != nil || !m.Controls.PCRegistrationRequired || len(m.Controls.AvailableWindows) != 1 || !m.HasConfirmation {
		t.Fatalf("stored controls: %+v %v", m, err)
	}
	br.get("/messages").must(t, http.StatusOK, "Your security settings were changed.", "A new computer or phone was registered")

	other := b.browser()
	other.signIn("alice", demoPassword).must(t, http.StatusForbidden, "not registered")
	br.post("/logout", nil)
	br.finishLogin(br.signIn("alice", demoPassword)).must(t, http.StatusOK, "Welcome, Alice")
}

// A password change ends the member's other sessions.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	one, two := b.browser(), b.browser()
	one.login("alice")
	two.login("alice")
	one.get("/settings/password").must(t, http.StatusOK, "Current password")
	one.post("/settings/password", url.Values{"current": {"nope"}, "password": {"Fresh-pass-99"}, "confirm": {"Fresh-pass-99"}}).must(t, http.StatusUnprocessableEntity, "current password is not right")
	one.post("/settings/password", url.Values{"current": {demoPassword}, "password": {"Fresh-pass-99"}, "confirm": {"Fresh-pass-99"}}).must(t, http.StatusOK, "password was changed")
	one.get("/").must(t, http.StatusOK, "Welcome, Alice")
	two.get("/").must(t, http.StatusOK, "Sign in to online banking")
}

func TestDevicesRevoke(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.alice()
	br := b.browser()
	br.login("alice")
	p := br.get("/settings/devices")
	revoke := re(`action="(/settings/devices/\d+/revoke)"`).FindStringSubmatch(p.Body)
	if revoke == nil {
		t.Fatal("no device to remove")
	}
	br.post(revoke[1], nil).must(t, http.StatusOK, "was removed", "Removed")
	if !strings.Contains(br.get("/messages").Body, "was removed from your account") {
		t.Fatal("no message for the removed device")
	}
}

// A Direct Connect program that asked for alice's accounts from an unknown
// CLIENTUID waits in her device list; she approves it, and only she can.
func TestDevicesApproveAProgram(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice, carol := b.alice(), b.carol()
	ctx := context.Background()
	d, err := device.RememberClient(ctx, b.db.Writer(), alice.Account.ID, device.KindOFX, "5F2B6B0C-8E0A-4D9B-9C55-2C1D1F0E7A11", "Direct Connect: QWIN 2700", "192.0.2.1", b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	approve := "/settings/devices/" + itoa(d.ID) + "/register"

	hers, err := device.RememberClient(ctx, b.db.Writer(), carol.Account.ID, device.KindOFX, "0D7E6C4B-1111-4A2B-8C3D-9E8F7A6B5C4D", "Direct Connect: QWIN 2700", "192.0.2.2", b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}

	br := b.browser()
	br.login("alice")
	br.post("/settings/devices/"+itoa(hers.ID)+"/register", nil).must(t, http.StatusNotFound)
	p := br.get("/settings/devices")
	p.must(t, http.StatusOK, "Approve Direct Connect: QWIN 2700", `action="`+approve+`"`)
	br.post(approve, nil).must(t, http.StatusOK, "Direct Connect: QWIN 2700 is approved.")
	got, err := device.RecogniseClient(ctx, b.db.Reader(), alice.Account.ID, device.KindOFX, "5F2B6B0C-8E0A-4D9B-9C55-2C1D1F0E7A11")
	if err != nil || !got.Registered {
		t.Fatalf("after approval: %+v, %v", got, err)
	}
	if br.get("/settings/devices").has("Approve Direct Connect") {
		t.Fatal("an approved program is still offered for approval")
	}
	br.get("/messages").must(t, http.StatusOK, "A new computer or phone was registered")
	if d, err := device.Get(ctx, b.db.Reader(), carol.Account.ID, hers.ID); err != nil || d.Registered {
		t.Fatalf("carol's program after alice's attempt: %+v, %v; want still pending", d, err)
	}
}
