package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
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
