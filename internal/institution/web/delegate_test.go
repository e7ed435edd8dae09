package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
)

// A delegate (the member's accountant) signs in with their own
// credentials and reads the member's accounts, and can move no money.
func TestDelegateHasReadOnlyAccess(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	ctx := context.Background()
	a, err := account.Create(ctx, b.db.Writer(), bankapp.MemberRealm, "accountant pat", b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := b.app.Members.ChangePassword(ctx, a.ID, demoPassword, password.Personal{}, auth.Meta{}); err != nil || len(problems) > 0 {
		t.Fatal(problems, err)
	}
	if err := b.app.Members.SetQuestions(ctx, a, []challenge.Answer{{QuestionID: "MFA5", Text: "blue"}, {QuestionID: "MFA6", Text: "rex"}, {QuestionID: "MFA1", Text: "paris"}}, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := institution.AddDelegate(ctx, b.db.Writer(), &institution.Delegate{MemberID: m.ID, SecurityAccountID: a.ID, Name: "Pat (accountant)"}, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	br := b.browser()
	p := br.login("accountant pat")
	p.must(t, http.StatusOK, "read-only access", "••••2345")
	if p.has(`href="/transfer"`) {
		t.Fatal("a delegate is offered transfers")
	}
	br.get("/transfer").must(t, http.StatusForbidden, "read-only")
	br.get("/accounts/"+itoa(m.Accounts[0].ID)).must(t, http.StatusOK, "PAYROLL ACME CORP")
}

// A member gives their accountant read-only access from the security
// settings: the temporary password is shown once, the accountant must
// replace it, reads the accounts and a statement and moves no money; once
// the member revokes the access, the accountant's session ends and the
// sign-in is refused.
func TestMemberAddsAndRevokesAnAccountant(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	ctx := context.Background()
	owner := b.browser()
	owner.login("alice")
	owner.get("/settings").must(t, http.StatusOK, "Accountant access")
	owner.get("/settings/delegates").must(t, http.StatusOK, "No one has access to your accounts but you")

	// Refusals keep what was typed (never a secret) and say what to fix.
	form := func(name, username, number, kind string) url.Values {
		return url.Values{"name": {name}, "username": {username}, "number": {number}, "kind": {kind}}
	}
	owner.post("/settings/delegates", form("Pat Smith", "alice", "+12025550141", "mobile")).
		must(t, http.StatusUnprocessableEntity, "Use at least 6 characters")
	owner.post("/settings/delegates", form("Pat Smith", "alice archer books", "+12025550141", "mobile")).
		must(t, http.StatusUnprocessableEntity, "may not contain your first name")
	owner.post("/settings/delegates", form("Pat Smith", "pat books", "12", "mobile")).
		must(t, http.StatusUnprocessableEntity, `value="pat books"`)
	if _, err := account.ByUsername(ctx, b.db.Reader(), bankapp.MemberRealm, "pat books"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused phone left a sign-in behind: %v", err)
	}
	// Without the session's CSRF token nothing is created.
	owner.post("/settings/delegates", url.Values{"csrf_token": {"forged"}, "name": {"Pat"}, "username": {"pat books"}, "number": {"+12025550141"}, "kind": {"mobile"}})
	if _, err := account.ByUsername(ctx, b.db.Reader(), bankapp.MemberRealm, "pat books"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a forged POST created a delegate: %v", err)
	}

	owner.get("/settings/delegates")
	done := owner.post("/settings/delegates", form("Pat Smith (CPA)", "Pat Books", "+1 202 555 0141", "mobile"))
	done.must(t, http.StatusOK, "Accountant access is ready", "pat books", "Give this to your accountant; they must change it at first sign-in; valid 24 hours")
	tmp := re(`id="temporary-password"><code>([^<]+)</code>`).FindStringSubmatch(done.Body)
	if tmp == nil {
		t.Fatalf("no temporary password shown:\n%s", text(done.Body))
	}
	temporary := html.UnescapeString(tmp[1])
	list := owner.get("/settings/delegates")
	list.must(t, http.StatusOK, "Pat Smith (CPA)", "pat books", "Active", "Revoke access for Pat Smith (CPA)")
	if list.has(temporary) {
		t.Fatal("the temporary password is shown again")
	}
	owner.post("/settings/delegates", form("Pat again", "pat books", "+12025550141", "mobile")).
		must(t, http.StatusUnprocessableEntity, "That username is taken")
	events, err := audit.List(ctx, b.db.Reader(), audit.Filter{Scope: bankapp.MemberRealm, Subject: "account:" + itoa(m.SecurityAccountID), Action: "delegate.added"})
	if err != nil || len(events) != 1 {
		t.Fatalf("delegate.added audited %d times: %v", len(events), err)
	}
	for k, v := range events[0].Detail {
		if v == temporary {
			t.Fatalf("the audit detail %s holds the temporary password", k)
		}
	}

	// The accountant signs in and must choose a password first.
	acct := b.browser()
	p := acct.signIn("pat books", temporary)
	p.must(t, http.StatusOK, "Choose a new password")
	p = acct.post("/password/change", url.Values{"password": {"Ledger-books-77"}, "confirm": {"Ledger-books-77"}})
	p = b.finishDelegateLogin(t, acct, p, "+12025550141")
	p.must(t, http.StatusOK, "Your accounts", "read-only access", "••••2345")
	chk := m.Accounts[0]
	acc := acct.get("/accounts/" + itoa(chk.ID))
	acc.must(t, http.StatusOK, "PAYROLL ACME CORP", "CHECK 1042")
	stmt := re(`href="(/accounts/\d+/statements/\d+)"`).FindStringSubmatch(acc.Body)
	if stmt == nil {
		t.Fatal("the accountant is shown no statement")
	}
	if pdf := acct.get(stmt[1]); pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("statement for the accountant: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
	}
	acct.get("/transfer").must(t, http.StatusForbidden, "read-only")
	acct.get("/settings/delegates").must(t, http.StatusForbidden, "read-only")
	acct.get("/")
	acct.post("/transfer", url.Values{"from": {itoa(chk.ID)}, "to": {itoa(m.Accounts[1].ID)}, "amount": {"10.00"}}).must(t, http.StatusForbidden, "read-only")
	acct.get("/")
	acct.post("/settings/delegates", form("Mallory", "mallory books", "+12025550142", "mobile")).must(t, http.StatusForbidden, "read-only")

	// The member revokes: the accountant's session ends, and so does the sign-in.
	owner.get("/settings/delegates")
	id := re(`action="/settings/delegates/(\d+)/revoke"`).FindStringSubmatch(owner.last.Body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	owner.post("/settings/delegates/"+id[1]+"/revoke", nil).must(t, http.StatusOK, "Pat Smith (CPA) can no longer sign in", "Revoked")
	if owner.last.has("Revoke access for Pat Smith (CPA)") {
		t.Fatal("a revoked delegate can be revoked again")
	}
	if got := acct.get("/accounts/" + itoa(chk.ID)); got.URL != "/login" {
		t.Fatalf("the revoked accountant's session goes on: %s %d", got.URL, got.Status)
	}
	acct2 := b.browser()
	acct2.signIn("pat books", "Ledger-books-77").must(t, http.StatusUnauthorized, "This sign-in is disabled")
	if events, err := audit.List(ctx, b.db.Reader(), audit.Filter{Scope: bankapp.MemberRealm, Subject: "account:" + itoa(m.SecurityAccountID), Action: "delegate.revoked"}); err != nil || len(events) != 1 {
		t.Fatalf("delegate.revoked audited %d times: %v", len(events), err)
	}
	owner.post("/settings/delegates/"+id[1]+"/revoke", nil).must(t, http.StatusNotFound)
}

// finishDelegateLogin carries a first sign-in on past the steps that come
// after the new password: the code texted to the accountant's phone (a new
// computer), questions to set, the two-step prompt.
func (b *bank) finishDelegateLogin(t *testing.T, br *browser, p *page, mobile string) *page {
	t.Helper()
	for range 6 {
		t.Logf("after the password: %s %d", p.URL, p.Status)
		switch {
		case strings.Contains(p.URL, "/login/verify"):
			p = br.post("/login/verify/send", url.Values{"via": {p.field("via")}, "phone": {p.field("phone")}, "channel": {p.field("channel")}})
			p.must(t, http.StatusOK, "We sent a code by text")
			p = br.post("/login/verify", url.Values{"via": {p.field("via")}, "phone": {p.field("phone")}, "channel": {p.field("channel")}, "code": {b.code(mobile, notify.SMS)}})
		case strings.Contains(p.URL, "/login/questions"):
			p = br.post("/login/questions", url.Values{"q1": {"MFA5"}, "a1": {"teal"}, "q2": {"MFA6"}, "a2": {"fido"}, "q3": {"MFA1"}, "a3": {"oslo"}})
		case strings.Contains(p.URL, "/login/phones"):
			p = br.post("/login/phones", nil)
		case strings.Contains(p.URL, "/login/two-step"):
			p = br.post("/login/two-step/skip", nil)
		default:
			return p
		}
	}
	return p
}

// A bank whose temporary passwords come from a formula of the member's
// facts cannot give an accountant one, so it makes nothing at all.
func TestAccountantAccessNeedsRandomTemporaryPasswords(t *testing.T) {
	t.Parallel()
	p := policy.Seed()
	p.TempPasswordFormula = policy.SSNLast4
	b := newBank(t, p)
	b.alice()
	br := b.browser()
	br.login("alice")
	br.get("/settings/delegates")
	br.post("/settings/delegates", url.Values{"name": {"Pat"}, "username": {"pat books"}, "number": {"+12025550141"}, "kind": {"mobile"}}).
		must(t, http.StatusConflict, "cannot be set up online")
	if _, err := account.ByUsername(context.Background(), b.db.Reader(), bankapp.MemberRealm, "pat books"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a sign-in was made: %v", err)
	}
}
