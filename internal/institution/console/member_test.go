package console_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/policy"
)

func TestSearch(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	b.addMember("100002", "Bob", "Baker")
	unenrolled := &institution.Member{Number: "100003", FirstName: "Carol", LastName: "Cole", Email: "carol@example.com"}
	if err := institution.CreateMember(context.Background(), b.app.DB.Writer(), unenrolled, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	c := b.client()
	c.signIn(tellerUser)

	for _, tc := range []struct {
		q          string
		want, miss []string
	}{
		{q: "100001", want: []string{"Alice Archer"}, miss: []string{"Bob Baker"}},
		{q: "archer", want: []string{"Alice Archer"}, miss: []string{"Bob Baker"}},
		{q: "bob@example", want: []string{"Bob Baker"}, miss: []string{"Alice Archer"}},
		{q: "(202) 555-0001", want: []string{"Alice Archer"}, miss: []string{"Bob Baker"}},
		{q: "10000", want: []string{"Alice Archer", "Bob Baker", "Carol Cole", "not enrolled"}},
		{q: "zebra", want: []string{"No member matches"}},
	} {
		res := c.get("/staff/members?q=" + url.QueryEscape(tc.q))
		res.want(t, http.StatusOK, tc.want...)
		for _, s := range tc.miss {
			if strings.Contains(res.Body, s) {
				t.Errorf("search %q lists %q", tc.q, s)
			}
		}
	}
	res := c.get("/staff/members?q=archer")
	if !strings.Contains(res.Body, fmt.Sprintf(`href="/staff/members/%d"`, alice.ID)) {
		t.Fatal("the result does not link to the member page")
	}
	c.get("/staff/members/999999").want(t, http.StatusNotFound, "no such member")
	c.get("/staff/members/abc").want(t, http.StatusNotFound)
}

func TestMemberPage(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	ctx := context.Background()
	now := b.clock.Now()
	// Two personal-information changes in the last 30 days, one older.
	b.inTx(func(tx *sql.Tx) error {
		for _, ev := range []*audit.Event{
			{OccurredAt: now.Add(-2 * day), Action: "email.changed"},
			{OccurredAt: now.Add(-40 * day), Action: "address.changed"},
		} {
			ev.Scope, ev.Actor, ev.Subject = bankapp.MemberRealm, fmt.Sprintf("account:%d", alice.SecurityAccountID), fmt.Sprintf("account:%d", alice.SecurityAccountID)
			ev.IP = "198.51.100.20"
			if err := audit.Append(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	// (The phone added at enrolment did not write phone.added: the member
	// site writes that event; add it as it would.)
	b.inTx(func(tx *sql.Tx) error {
		return audit.Append(ctx, tx, &audit.Event{OccurredAt: now.Add(-day), Scope: bankapp.MemberRealm,
			Actor: fmt.Sprintf("account:%d", alice.SecurityAccountID), Subject: fmt.Sprintf("account:%d", alice.SecurityAccountID), Action: "phone.added"})
	})
	if err := institution.AddDelegate(ctx, b.app.DB.Writer(), &institution.Delegate{MemberID: alice.ID, SecurityAccountID: b.addMember("100009", "Dana", "Ledger").SecurityAccountID, Name: "Dana Ledger CPA"}, now); err != nil {
		t.Fatal(err)
	}

	c := b.client()
	c.signIn(tellerUser)
	res := c.get(memberPath(alice))
	res.want(t, http.StatusOK,
		"2 changes to personal information in the last 30 days", `role="alert"`,
		"Alice Archer", "100001", "alice@example.com", "(202) 555-0001", "•••-••-6789",
		alice.acct.Username, "Standard", "Checking", "Savings", "••••0100",
		"(•••) •••-0101", "Dana Ledger CPA", "Your email address was changed.", "198.51.100.20",
	)
	if strings.Contains(res.Body, "1234") {
		t.Fatal("the page shows the first digits of the SSN")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Cache-Control"} {
		if res.Header.Get(h) == "" {
			t.Errorf("the member page has no %s header", h)
		}
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'self'") || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP %q", res.Header.Get("Content-Security-Policy"))
	}
	if strings.Contains(res.Body, "<script>") || strings.Contains(res.Body, " onclick=") {
		t.Fatal("inline script on the page")
	}
	// Opening the page is audited under the employee.
	ev := b.lastEvent(alice, "staff.member_viewed")
	if ev == nil || ev.Actor != fmt.Sprintf("staff:%d", b.teller.SecurityAccountID) || ev.IP != "203.0.113.5" {
		t.Fatalf("the view was not audited under the teller: %+v", ev)
	}
	// The trail names the employee.
	c.get(memberPath(alice)).want(t, http.StatusOK, "Staff: Tina Teller (teller)", "Member page opened")
}

func TestUnblock(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	b.lockOut(alice)
	c := b.client()
	c.signIn(tellerUser)
	page := c.get(memberPath(alice))
	page.want(t, http.StatusOK, `id="unblock-password"`, "1 method blocked", "A sign-in method was blocked after three failed attempts.")
	if strings.Contains(page.Body, `id="unblock-questions"`) {
		t.Fatal("an unblocked method has an Unblock button")
	}

	c.post(memberPath(alice)+"/unblock", url.Values{"method": {"everything"}}).want(t, http.StatusBadRequest)
	res := c.post(memberPath(alice)+"/unblock", url.Values{"method": {"password"}})
	if res.Code != http.StatusSeeOther || !strings.Contains(res.Location, "notice=unblocked") {
		t.Fatalf("unblock: %d → %q", res.Code, res.Location)
	}
	c.get(res.Location).want(t, http.StatusOK, "The method is unblocked")
	if _, err := b.app.Members.CheckPassword(context.Background(), alice.acct.Username, memberPassword, auth.Meta{}); err != nil {
		t.Fatalf("after the unblock the member's password: %v", err)
	}
	ev := b.lastEvent(alice, "method.unblocked")
	if ev == nil || ev.Actor != fmt.Sprintf("staff:%d", b.teller.SecurityAccountID) || ev.Detail["method"] != "password" {
		t.Fatalf("unblock audit event: %+v", ev)
	}
}

func TestTemporaryPassword(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	b.lockOut(alice)
	c := b.client()
	c.signIn(tellerUser)
	c.get(memberPath(alice))
	path := memberPath(alice) + "/temporary-password"

	c.post(path, nil).want(t, http.StatusBadRequest, "verified the member")
	res := c.post(path, url.Values{"identity_verified": {"yes"}})
	res.want(t, http.StatusOK, "Temporary password for Alice Archer", "It expires in 24 hours", "must change it")
	temp := secretOn(t, res)
	if len(temp) != 12 {
		t.Fatalf("temporary password %q is not the random 12 characters", temp)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the page with the password may be cached")
	}
	// Shown once: not on the member page, not in the audit trail.
	page := c.get(memberPath(alice) + "?notice=password_issued")
	page.want(t, http.StatusOK, "temporary", "A temporary password was issued")
	if strings.Contains(page.Body, temp) {
		t.Fatal("the member page shows the temporary password again")
	}
	for _, ev := range b.events(alice) {
		if strings.Contains(fmt.Sprint(ev.Detail), temp) {
			t.Fatalf("audit event %s holds the password", ev.Action)
		}
	}
	ev := b.lastEvent(alice, "password.temporary_issued")
	if ev == nil || ev.Actor != fmt.Sprintf("staff:%d", b.teller.SecurityAccountID) {
		t.Fatalf("audit: %+v", ev)
	}
	// The reset reopened the blocked password; the member must change it.
	got, err := b.app.Members.CheckPassword(context.Background(), alice.acct.Username, temp, auth.Meta{})
	if err != nil || !got.MustChangePassword {
		t.Fatalf("the temporary password: %v, must change %v", err, got != nil && got.MustChangePassword)
	}
	// It stops working after 24 hours.
	b.clock.Advance(day + time.Second)
	if _, err := b.app.Members.CheckPassword(context.Background(), alice.acct.Username, temp, auth.Meta{}); !errors.Is(err, auth.ErrPasswordExpired) {
		t.Fatalf("after 24 h the temporary password gives %v", err)
	}
}

func TestTemporaryPasswordFormulas(t *testing.T) {
	t.Parallel()
	for formula, want := range map[policy.TempPasswordFormula]string{
		policy.SSNLast4:                "6789",
		policy.SSNFirst4LastNameLast2:  "1234ER",
		policy.BirthYearLastNameFirst2: "1980AR",
		policy.SSNLast4BirthYear:       "67891980",
	} {
		t.Run(string(formula), func(t *testing.T) {
			t.Parallel()
			p := policy.Seed()
			p.TempPasswordFormula = formula
			b := newBank(t, p)
			alice := b.addMember("100001", "Alice", "Archer")
			c := b.client()
			c.signIn(tellerUser)
			c.get(memberPath(alice))
			res := c.post(memberPath(alice)+"/temporary-password", url.Values{"identity_verified": {"yes"}, "new_membership": {"yes"}})
			res.want(t, http.StatusOK, "expires in 7 days")
			if got := secretOn(t, res); got != want {
				t.Fatalf("formula %s gave %q, want %q", formula, got, want)
			}
		})
	}
	t.Run("missing facts", func(t *testing.T) {
		t.Parallel()
		p := policy.Seed()
		p.TempPasswordFormula = policy.SSNLast4
		b := newBank(t, p)
		alice := b.addMember("100001", "Alice", "Archer")
		if _, err := b.app.DB.Writer().Exec(`UPDATE bank_member SET ssn_last4 = '' WHERE id = $1`, alice.ID); err != nil {
			t.Fatal(err)
		}
		c := b.client()
		c.signIn(tellerUser)
		c.get(memberPath(alice))
		c.post(memberPath(alice)+"/temporary-password", url.Values{"identity_verified": {"yes"}}).
			want(t, http.StatusConflict, "SSN on file")
		if b.lastEvent(alice, "password.temporary_issued") != nil {
			t.Fatal("a temporary password was issued without the facts")
		}
	})
}

func TestDeleteQuestions(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	c := b.client()
	c.signIn(tellerUser)
	c.get(memberPath(alice)).want(t, http.StatusOK, `id="delete-questions"`)
	path := memberPath(alice) + "/questions/delete"
	c.post(path, nil).want(t, http.StatusBadRequest)
	res := c.post(path, url.Values{"identity_verified": {"yes"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("delete questions: %d", res.Code)
	}
	c.get(res.Location).want(t, http.StatusOK, "The security questions are deleted", "the member sets new ones at the next sign-in")
	has, err := challenge.HasQuestions(context.Background(), b.app.DB.Reader(), alice.SecurityAccountID)
	if err != nil || has {
		t.Fatalf("questions still set: %v %v", has, err)
	}
	due, _, err := b.app.Members.QuestionsDue(context.Background(), alice.acct)
	if err != nil || !due {
		t.Fatalf("the member is not asked for new questions: %v %v", due, err)
	}
	if ev := b.lastEvent(alice, "questions.deleted"); ev == nil || ev.Actor != fmt.Sprintf("staff:%d", b.teller.SecurityAccountID) {
		t.Fatalf("audit: %+v", ev)
	}
}

func TestAccessCode(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	c := b.client()
	c.signIn(tellerUser)
	c.get(memberPath(alice))
	path := memberPath(alice) + "/access-code"

	c.post(path, url.Values{"identity_verified": {"yes"}, "reason": {"  "}}).want(t, http.StatusBadRequest, "why")
	c.post(path, url.Values{"identity_verified": {"yes"}, "reason": {strings.Repeat("x", 201)}}).want(t, http.StatusBadRequest)
	res := c.post(path, url.Values{"identity_verified": {"yes"}, "reason": {"lost phone; called back on file number"}})
	res.want(t, http.StatusOK, "One-time access code for Alice Archer", "within 24 hours", "lost phone; called back on file number")
	code := secretOn(t, res)

	page := c.get(memberPath(alice) + "?notice=code_issued")
	page.want(t, http.StatusOK, "Access codes issued", "Tina Teller (teller)", "active")
	if strings.Contains(page.Body, code) {
		t.Fatal("the member page shows the access code again")
	}
	ctx := context.Background()
	if err := b.app.Members.RedeemAccessCode(ctx, alice.acct, code, auth.Meta{}); err != nil {
		t.Fatalf("redeem the access code: %v", err)
	}
	if err := b.app.Members.RedeemAccessCode(ctx, alice.acct, code, auth.Meta{}); err == nil {
		t.Fatal("the access code worked twice")
	}
	c.get(memberPath(alice)).want(t, http.StatusOK, "used")
	for _, ev := range b.events(alice) {
		if strings.Contains(fmt.Sprint(ev.Detail), code) {
			t.Fatalf("audit event %s holds the code", ev.Action)
		}
	}
}

func TestRevokeDevice(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	r := httptest.NewRequest(http.MethodGet, "https://bank.example/", nil)
	r.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0")
	d, err := b.app.Devices.Remember(context.Background(), b.app.DB.Writer(), httptest.NewRecorder(), r, alice.SecurityAccountID, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := b.client()
	c.signIn(tellerUser)
	c.get(memberPath(alice)).want(t, http.StatusOK, "Firefox", fmt.Sprintf(`id="revoke-%d"`, d.ID))
	res := c.post(fmt.Sprintf("%s/devices/%d/revoke", memberPath(alice), d.ID), nil)
	if res.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", res.Code, res.Body)
	}
	c.get(res.Location).want(t, http.StatusOK, "The device is revoked", "A registered computer or phone was removed from your account.")
	list, err := device.List(context.Background(), b.app.DB.Reader(), alice.SecurityAccountID)
	if err != nil || len(list) != 1 || !list[0].Revoked() {
		t.Fatalf("devices after revoke: %v %v", list, err)
	}
	ev := b.lastEvent(alice, "device.revoked")
	if ev == nil || ev.Actor != fmt.Sprintf("staff:%d", b.teller.SecurityAccountID) || ev.Detail["device_id"] != strconv.FormatInt(d.ID, 10) {
		t.Fatalf("audit: %+v", ev)
	}
	// Revoking again changes and records nothing.
	c.post(fmt.Sprintf("%s/devices/%d/revoke", memberPath(alice), d.ID), nil)
	n := 0
	for _, ev := range b.events(alice) {
		if ev.Action == "device.revoked" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d device.revoked events, want 1", n)
	}
	// Another member's device is not found through this member.
	bob := b.addMember("100002", "Bob", "Baker")
	c.post(fmt.Sprintf("%s/devices/%d/revoke", memberPath(bob), d.ID), nil).want(t, http.StatusNotFound)
}

func TestActionsOnAMemberWithoutOnlineBanking(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := &institution.Member{Number: "100003", FirstName: "Carol", LastName: "Cole"}
	if err := institution.CreateMember(context.Background(), b.app.DB.Writer(), m, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	c := b.client()
	c.signIn(tellerUser)
	path := fmt.Sprintf("/staff/members/%d", m.ID)
	c.get(path).want(t, http.StatusOK, "0 changes to personal information", `id="not-enrolled"`)
	c.post(path+"/temporary-password", url.Values{"identity_verified": {"yes"}}).want(t, http.StatusConflict, "not set up online banking")
}

func TestCSRFRefused(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	b.lockOut(alice)
	c := b.client()
	c.signIn(tellerUser)
	c.get(memberPath(alice))
	path := memberPath(alice) + "/unblock"
	for name, tc := range map[string]struct {
		form   url.Values
		header http.Header
	}{
		"no token":         {form: url.Values{"method": {"password"}}},
		"wrong token":      {form: url.Values{"method": {"password"}, "csrf_token": {"forged"}}},
		"cross-site token": {form: url.Values{"method": {"password"}, "csrf_token": {c.csrf}}, header: http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	} {
		res := c.do(http.MethodPost, path, tc.form, tc.header)
		if res.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, res.Code)
		}
	}
	blocked, err := lockout.IsBlocked(context.Background(), b.app.DB.Reader(), alice.SecurityAccountID, lockout.Password, 3)
	if err != nil || !blocked {
		t.Fatalf("a refused request unblocked the password: %v %v", blocked, err)
	}
	// Another employee's token does not work in this session either.
	other := b.client()
	other.signIn(adminUser)
	if res := c.do(http.MethodPost, path, url.Values{"method": {"password"}, "csrf_token": {other.csrf}}, nil); res.Code != http.StatusForbidden {
		t.Fatalf("another session's token: %d", res.Code)
	}
}
