package console_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ledgersync/ledgersync/internal/browsertest"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
)

// browse starts the console on a real HTTP server and a Chromium tab on it.
// The browser tests do not run in parallel: on a small machine Chromium
// sometimes crashes at start-up when several start at once.
func (b *bank) browse(t *testing.T) (context.Context, string) {
	t.Helper()
	ctx := browsertest.New(t)
	srv := httptest.NewServer(b.handler)
	t.Cleanup(srv.Close)
	return ctx, srv.URL
}

// must runs browser steps and fails the test on an error.
func must(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// submit clicks a button that submits a form and waits for the page the
// browser lands on.
func submit(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("%s: the browser landed on a %d page", what, res.Status)
	}
}

func text(t *testing.T, ctx context.Context, sel chromedp.CSS) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// signInAndOpen signs the teller in, searches for the member and opens
// their page, as a teller answering a call would.
func signInAndOpen(t *testing.T, ctx context.Context, base, search string) {
	t.Helper()
	signInBrowser(t, ctx, base, tellerUser)
	submit(t, ctx, "search",
		chromedp.SendKeys(chromedp.ID("q"), search),
		chromedp.Click(chromedp.CSS("form[role=search] button")),
	)
	submit(t, ctx, "open the member", chromedp.Click(chromedp.CSS("#results td a")))
	must(t, ctx, "member page", chromedp.WaitVisible(chromedp.ID("red-flag")))
}

// signInBrowser signs an employee in through the sign-in page.
func signInBrowser(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	must(t, ctx, "open the sign-in page", chromedp.Navigate(base+"/staff/login"))
	submit(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), staffPassword),
		chromedp.Click(chromedp.CSS("form[action='/staff/login'] button[type=submit]")),
	)
	must(t, ctx, "signed in", chromedp.WaitVisible(chromedp.ID("staff-name")))
}

func TestBrowserUnblockAfterLockout(t *testing.T) {
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	b.lockOut(alice)
	ctx, base := b.browse(t)

	signInAndOpen(t, ctx, base, "Archer")
	if got := text(t, ctx, `#methods tr[data-method="password"]`); !strings.Contains(got, "blocked") || !strings.Contains(got, "3 of 3") {
		t.Fatalf("the password row reads %q, want blocked after 3 of 3", got)
	}
	browsertest.Screenshot(t, ctx, "staff-console-member-locked-out")
	submit(t, ctx, "unblock", chromedp.Click(chromedp.ID("unblock-password")))
	if got := text(t, ctx, "#notice"); !strings.Contains(got, "unblocked") {
		t.Fatalf("notice after unblocking: %q", got)
	}
	if got := text(t, ctx, `#methods tr[data-method="password"]`); !strings.Contains(got, "available") {
		t.Fatalf("after unblocking the password row reads %q", got)
	}
	if got := text(t, ctx, "#audit"); !strings.Contains(got, "Staff: Tina Teller") || !strings.Contains(got, "method.unblocked") {
		t.Fatalf("the audit trail does not show the teller's unblock: %q", got)
	}
	// The member can sign in again.
	res, err := b.app.Members.CheckPassword(context.Background(), alice.acct.Username, memberPassword, auth.Meta{})
	if err != nil || res.MustChangePassword {
		t.Fatalf("the member's sign-in after the unblock: %v", err)
	}
	browsertest.Screenshot(t, ctx, "staff-console-member")
}

func TestBrowserRedFlagBanner(t *testing.T) {
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	ctx := context.Background()
	subject := fmt.Sprintf("account:%d", alice.SecurityAccountID)
	// The member adds a phone and changes their email, as the member site
	// records them; a change 40 days ago no longer counts.
	if _, err := phone.Add(ctx, b.app.DB.Writer(), b.app.Phones, alice.SecurityAccountID, phone.New{Number: "(202) 555-0177", Kind: phone.Landline, Role: phone.Recovery}, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b.inTx(func(tx *sql.Tx) error {
		for _, ev := range []*audit.Event{
			{OccurredAt: b.clock.Now().Add(-40 * day), Action: "address.changed"},
			{OccurredAt: b.clock.Now().Add(-time.Hour), Action: "phone.added"},
			{OccurredAt: b.clock.Now().Add(-time.Minute), Action: "email.changed"},
		} {
			ev.Scope, ev.Actor, ev.Subject, ev.IP = bankapp.MemberRealm, subject, subject, "198.51.100.20"
			if err := audit.Append(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	bctx, base := b.browse(t)
	signInAndOpen(t, bctx, base, "alice@example")
	got := text(t, bctx, "#red-flag")
	if !strings.Contains(got, "2 changes to personal information in the last 30 days") {
		t.Fatalf("red-flag banner: %q", got)
	}
	role, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.ID("red-flag"), "role"))
	if err != nil || role.Value != "alert" {
		t.Fatalf("the banner is not announced: %+v %v", role, err)
	}
	if got := text(t, bctx, "#phones"); !strings.Contains(got, "0177") || strings.Contains(got, "555") {
		t.Fatalf("phones are not masked: %q", got)
	}
	browsertest.Screenshot(t, bctx, "staff-console-red-flag")
}

func TestBrowserTemporaryPassword(t *testing.T) {
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	ctx, base := b.browse(t)
	signInAndOpen(t, ctx, base, "100001")

	submit(t, ctx, "issue a temporary password",
		chromedp.Click(chromedp.ID("tp-verified")),
		chromedp.Click(chromedp.ID("temp-password")),
	)
	temp := strings.TrimSpace(text(t, ctx, "#secret"))
	if len(temp) != 12 {
		t.Fatalf("temporary password %q", temp)
	}
	if got := text(t, ctx, "#expiry"); !strings.Contains(got, "24 hours") {
		t.Fatalf("expiry: %q", got)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || strings.Contains(loc, temp) {
		t.Fatalf("the password is in the URL %q (%v)", loc, err)
	}
	submit(t, ctx, "back to the member", chromedp.Click(chromedp.ID("back")))
	page, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page, temp) {
		t.Fatal("the member page shows the temporary password again")
	}
	if got := text(t, ctx, "#password-state"); !strings.Contains(got, "temporary") {
		t.Fatalf("password state: %q", got)
	}
	res, err := b.app.Members.CheckPassword(context.Background(), alice.acct.Username, temp, auth.Meta{})
	if err != nil || !res.MustChangePassword {
		t.Fatalf("the temporary password at sign-in: %v (must change: %v)", err, res != nil && res.MustChangePassword)
	}
}

func TestBrowserAccessCode(t *testing.T) {
	b := newBank(t, policy.Policy{})
	alice := b.addMember("100001", "Alice", "Archer")
	ctx, base := b.browse(t)
	signInAndOpen(t, ctx, base, "Alice")

	submit(t, ctx, "issue an access code",
		chromedp.SendKeys(chromedp.ID("reason"), "lost phone; identity checked by callback"),
		chromedp.Click(chromedp.ID("ac-verified")),
		chromedp.Click(chromedp.ID("access-code")),
	)
	code := strings.TrimSpace(text(t, ctx, "#secret"))
	if got := text(t, ctx, "#expiry"); !strings.Contains(got, "24 hours") {
		t.Fatalf("expiry: %q", got)
	}
	if err := b.app.Members.RedeemAccessCode(context.Background(), alice.acct, code, auth.Meta{}); err != nil {
		t.Fatalf("redeem %q: %v", code, err)
	}
	submit(t, ctx, "back to the member", chromedp.Click(chromedp.ID("back")))
	if got := text(t, ctx, "#access-codes"); !strings.Contains(got, "used") || !strings.Contains(got, "lost phone") {
		t.Fatalf("access codes: %q", got)
	}
}

func TestBrowserIdleWarning(t *testing.T) {
	b := newBank(t, policy.Policy{})
	b.addMember("100001", "Alice", "Archer")
	ctx, base := b.browse(t)
	signInAndOpen(t, ctx, base, "Archer")

	// Idle until the warning time; coming back to the tab shows it.
	pol := b.app.StaffSessions.Policy()
	b.clock.Advance(pol.IdleDefault - pol.Warning + time.Second)
	must(t, ctx, "the warning shows",
		chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('focus'))`),
		chromedp.WaitVisible(chromedp.ID("idle-warning")),
	)
	if got := text(t, ctx, "#idle-warning"); !strings.Contains(got, "signed out in 1:5") {
		t.Fatalf("warning: %q", got)
	}
	must(t, ctx, "stay signed in",
		chromedp.Click(chromedp.ID("idle-stay")),
		chromedp.WaitNotVisible(chromedp.ID("idle-warning")),
	)
	// Staying extended the session: past the old deadline it still works.
	b.clock.Advance(pol.Warning)
	submit(t, ctx, "reload", chromedp.Reload())
	must(t, ctx, "still signed in", chromedp.WaitVisible(chromedp.ID("red-flag")))
}

func TestBrowserActivityRanges(t *testing.T) {
	b := newBank(t, policy.Policy{})
	busy := b.addMember("100002", "Bob", "Baker")
	b.addMember("100001", "Alice", "Archer")
	b.spend(busy, 12, 10_00)
	if err := institution.SetActivityGroup(context.Background(), b.app.DB.Writer(), institution.ActivityGroup{
		Name: "personal", NormalCount: 5, AbnormalCount: 10, NormalAmount: 1_000_00, AbnormalAmount: 5_000_00,
	}); err != nil {
		t.Fatal(err)
	}
	ctx, base := b.browse(t)
	signInBrowser(t, ctx, base, adminUser)
	submit(t, ctx, "open the report", chromedp.Click(chromedp.CSS("a[href='/staff/activity']")))
	if got := text(t, ctx, "#summary"); !strings.Contains(got, "high risk 1") || !strings.Contains(got, "normal 1") {
		t.Fatalf("summary: %q", got)
	}
	if got := text(t, ctx, "#report tbody tr:first-child"); !strings.Contains(got, "Bob Baker") || !strings.Contains(got, "high risk") {
		t.Fatalf("first row: %q", got)
	}
	browsertest.Screenshot(t, ctx, "staff-console-activity")
	submit(t, ctx, "raise the ranges",
		chromedp.SetValue(chromedp.CSS("tr[data-group=personal] input[name=abnormal_count]"), "20"),
		chromedp.SetValue(chromedp.CSS("tr[data-group=personal] input[name=normal_count]"), "15"),
		chromedp.Click(chromedp.CSS("tr[data-group=personal] button")),
	)
	if got := text(t, ctx, "#summary"); !strings.Contains(got, "high risk 0") || !strings.Contains(got, "normal 2") {
		t.Fatalf("summary after raising the ranges: %q", got)
	}
	submit(t, ctx, "open the policy", chromedp.Click(chromedp.CSS("a[href='/staff/policy']")))
	if got := text(t, ctx, "tr[data-field=LockoutAfter] .value"); got != "3" {
		t.Fatalf("lockout after: %q", got)
	}
	browsertest.Screenshot(t, ctx, "staff-console-policy")
}
