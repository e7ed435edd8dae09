package console_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/console"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	c := b.client()

	// Anonymous: every console page sends to the sign-in page.
	for _, path := range []string{"/staff/", "/staff/members?q=a", "/staff/activity", "/staff/policy", "/staff/members/1"} {
		if res := c.get(path); res.Code != http.StatusSeeOther || res.Location != "/staff/login" {
			t.Fatalf("GET %s anonymously: %d → %q, want the sign-in page", path, res.Code, res.Location)
		}
	}
	c.get("/staff/login").want(t, http.StatusOK, `name="username"`, `name="password"`, `type="password"`)
	anonymous := c.cookies[b.app.StaffSessions.CookieName()]

	res := c.post("/staff/login", url.Values{"username": {tellerUser}, "password": {"not the password at all"}})
	res.want(t, http.StatusUnauthorized, "The username or password is not right", `value="teller1"`)
	if strings.Contains(res.Body, "not the password at all") {
		t.Fatal("the sign-in page echoed the password")
	}

	res = c.post("/staff/login", url.Values{"username": {"  TELLER1 "}, "password": {staffPassword}})
	if res.Code != http.StatusSeeOther || res.Location != "/staff/" {
		t.Fatalf("sign-in: %d → %q\n%s", res.Code, res.Location, res.Body)
	}
	if got := c.cookies[b.app.StaffSessions.CookieName()]; got == "" || got == anonymous {
		t.Fatal("signing in did not rotate the session cookie")
	}
	home := c.get("/staff/")
	home.want(t, http.StatusOK, "Tina Teller", "(teller)", "Sign out", `id="idle-warning"`)
	if strings.Contains(home.Body, staffPassword) {
		t.Fatal("a page shows the staff password")
	}
	if c.get("/staff/login").Location != "/staff/" {
		t.Fatal("the sign-in page does not send a signed-in employee to the console")
	}

	// The staff engine recorded the failure and the login in the staff log.
	evs, err := audit.List(context.Background(), b.app.DB.Reader(), audit.Filter{Scope: bankapp.StaffRealm, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range evs {
		actions = append(actions, ev.Action)
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "password.failed") || !strings.Contains(got, "login.succeeded") {
		t.Fatalf("staff audit log %q lacks the failure and the login", got)
	}

	res = c.post("/staff/logout", nil)
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/staff/login") {
		t.Fatalf("sign out: %d → %q", res.Code, res.Location)
	}
	if res := c.get("/staff/"); res.Location != "/staff/login" {
		t.Fatalf("after signing out the console answers %d → %q", res.Code, res.Location)
	}
}

func TestStaffLockout(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	c := b.client()
	c.get("/staff/login")
	for range 3 {
		c.post("/staff/login", url.Values{"username": {tellerUser}, "password": {"wrong wrong wrong wrong"}})
	}
	res := c.post("/staff/login", url.Values{"username": {tellerUser}, "password": {staffPassword}})
	res.want(t, http.StatusUnauthorized, "disabled after too many failed attempts", "ask an administrator")
}

func TestIdleTimeoutEndsTheConsoleSession(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	c := b.client()
	c.signIn(tellerUser)
	idle := b.app.StaffSessions.Policy().IdleDefault
	b.clock.Advance(idle - time.Minute)
	if res := c.get("/staff/"); res.Code != http.StatusOK {
		t.Fatalf("active session refused: %d", res.Code)
	}
	// Polling does not count as activity; the poll reports the warning.
	b.clock.Advance(idle - b.app.StaffSessions.Policy().Warning + time.Second)
	poll := c.do(http.MethodGet, "/staff/session/status", nil, http.Header{"X-Session-Poll": {"1"}})
	poll.want(t, http.StatusOK, `"active":true`, `"warn":true`)
	b.clock.Advance(b.app.StaffSessions.Policy().Warning)
	if res := c.get("/staff/"); res.Location != "/staff/login" {
		t.Fatalf("after the idle timeout the console answers %d → %q", res.Code, res.Location)
	}
}

func TestCreateStaffRefusesAWeakPassword(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	_, err := console.CreateStaff(context.Background(), b.app, "clerk99", "short1!", "Carl Clerk", institution.Teller)
	var pe *console.PasswordProblemsError
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		t.Fatalf("CreateStaff with a short password: %v", err)
	}
	if strings.Contains(err.Error(), "short1!") {
		t.Fatal("the error shows the password")
	}
	if _, err := account.ByUsername(context.Background(), b.app.DB.Reader(), bankapp.StaffRealm, "clerk99"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused employee was stored: %v", err)
	}
	if _, err := console.CreateStaff(context.Background(), b.app, "clerk99", staffPassword, "Carl Clerk", "manager"); err == nil {
		t.Fatal("an unknown role was accepted")
	}
}

// newBankWith builds the bank as bankapptest does, with cfg changed by
// change (an authenticator sealer, a logger to read).
func newBankWith(t *testing.T, change func(*bankapp.Config)) *bank {
	t.Helper()
	hasher, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(bankapptest.Start)
	cfg := bankapp.Config{
		DB: storetest.Open(t, store.SQLite), Clock: clk, Logger: slog.New(slog.DiscardHandler), Policy: policy.Seed(), Hasher: hasher,
		MasterKey: []byte("bankapptest master key: 32 bytes"), Info: bankapp.Info{Name: "Demo Community Bank", Demo: true},
	}
	change(&cfg)
	app, err := bankapp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return newBankFrom(t, app, clk)
}

// identitySealer stands in for the secretbox: the test needs authenticator
// secrets stored, not protected.
type identitySealer struct{}

func (identitySealer) Seal(p, _ []byte) ([]byte, error) { return append([]byte(nil), p...), nil }
func (identitySealer) Open(c, _ []byte) ([]byte, error) { return append([]byte(nil), c...), nil }

func TestSignInWithAnAuthenticator(t *testing.T) {
	t.Parallel()
	b := newBankWith(t, func(cfg *bankapp.Config) { cfg.Sealer = identitySealer{} })
	app, clk := b.app, b.clock
	ctx := context.Background()
	enr, err := app.TOTP.Enrol(ctx, app.DB.Writer(), b.teller.SecurityAccountID, tellerUser, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(enr.Secret, clk.Now())
	if err := app.TOTP.Confirm(ctx, app.DB.Writer(), b.teller.SecurityAccountID, code, clk.Now()); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute) // a fresh code, not the one used to confirm

	c := b.client()
	c.get("/staff/login")
	res := c.post("/staff/login", url.Values{"username": {tellerUser}, "password": {staffPassword}})
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/staff/login/code?flow=") {
		t.Fatalf("password step: %d → %q", res.Code, res.Location)
	}
	step := res.Location
	flowID, _ := url.Parse(step)
	// The password alone does not sign in.
	if res := c.get("/staff/"); res.Location != "/staff/login" {
		t.Fatalf("after the password only, the console answers %d → %q", res.Code, res.Location)
	}
	c.get(step).want(t, http.StatusOK, "Authenticator code", `name="code"`)
	c.post("/staff/login/code", url.Values{"flow": {flowID.Query().Get("flow")}, "code": {"000000"}}).
		want(t, http.StatusUnauthorized, "That code is not right")

	code, _ = totp.GenerateCode(enr.Secret, clk.Now())
	form := url.Values{"flow": {flowID.Query().Get("flow")}, "code": {code}}
	res = c.post("/staff/login/code", form)
	if res.Code != http.StatusSeeOther || res.Location != "/staff/" {
		t.Fatalf("code step: %d → %q\n%s", res.Code, res.Location, res.Body)
	}
	c.get("/staff/").want(t, http.StatusOK, "Tina Teller")

	// A replay of the completed step is refused.
	form.Set("csrf_token", c.csrf)
	if res := c.post("/staff/login/code", form); res.Location != "/staff/login?notice=restart" {
		t.Fatalf("replayed code step: %d → %q", res.Code, res.Location)
	}
}

func TestSignInWithATemporaryPassword(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	ctx := context.Background()
	temp, _, err := b.app.Staff.IssueTemporaryPassword(ctx, b.teller.SecurityAccountID, "staff:0", temppass.Facts{}, false, auth.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	c := b.client()
	c.get("/staff/login")
	res := c.post("/staff/login", url.Values{"username": {tellerUser}, "password": {temp}})
	if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/staff/login/password?flow=") {
		t.Fatalf("temporary password: %d → %q\n%s", res.Code, res.Location, res.Body)
	}
	u, _ := url.Parse(res.Location)
	flowID := u.Query().Get("flow")
	c.get(res.Location).want(t, http.StatusOK, "Choose your password")

	c.post("/staff/login/password", url.Values{"flow": {flowID}, "new_password": {"a brand new passphrase"}, "confirm_password": {"another passphrase"}}).
		want(t, http.StatusBadRequest, "not the same")
	res = c.post("/staff/login/password", url.Values{"flow": {flowID}, "new_password": {temp}, "confirm_password": {temp}})
	res.want(t, http.StatusBadRequest)
	if strings.Contains(res.Body, temp) {
		t.Fatal("the page echoed the temporary password")
	}
	newPW := "a brand new passphrase of mine"
	res = c.post("/staff/login/password", url.Values{"flow": {flowID}, "new_password": {newPW}, "confirm_password": {newPW}})
	if res.Code != http.StatusSeeOther || res.Location != "/staff/" {
		t.Fatalf("new password: %d → %q\n%s", res.Code, res.Location, res.Body)
	}
	c.get("/staff/").want(t, http.StatusOK, "Tina Teller")
	got, err := b.app.Staff.CheckPassword(ctx, tellerUser, newPW, auth.Meta{})
	if err != nil || got.MustChangePassword {
		t.Fatalf("the new password: %v, must change %v", err, got != nil && got.MustChangePassword)
	}
}
