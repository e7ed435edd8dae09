package console_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/auth"
)

// syncBuffer is a log destination the test reads after the handlers wrote.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestNoSecretLeaves runs the console's secret-bearing paths (sign-in with
// a wrong and a right password, a wrong authenticator-free sign-in, a
// temporary password, an access code, a refused request) with debug
// logging on, then looks for every secret in the logs, the URLs the
// console sent the browser to, every audit event, and every page but the
// one that hands the secret over.
func TestNoSecretLeaves(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	b := newBankWith(t, func(cfg *bankapp.Config) {
		cfg.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	alice := b.addMember("100001", "Alice", "Archer")
	c := b.client()
	var seen []*response
	keep := func(r *response) *response { seen = append(seen, r); return r }

	wrong := "Wrong-staff-pass-0001"
	keep(c.get("/staff/login"))
	keep(c.post("/staff/login", url.Values{"username": {tellerUser}, "password": {wrong}}))
	keep(c.post("/staff/login", url.Values{"username": {tellerUser}, "password": {staffPassword}}))
	keep(c.get("/staff/"))
	keep(c.get(memberPath(alice)))
	tempPage := c.post(memberPath(alice)+"/temporary-password", url.Values{"identity_verified": {"yes"}})
	temp := secretOn(t, tempPage)
	codePage := c.post(memberPath(alice)+"/access-code", url.Values{"identity_verified": {"yes"}, "reason": {"lost phone"}})
	code := secretOn(t, codePage)
	keep(c.get(memberPath(alice)))
	if _, err := b.app.Members.CheckPassword(context.Background(), alice.acct.Username, temp, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	if err := b.app.Members.RedeemAccessCode(context.Background(), alice.acct, code, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	keep(c.get(memberPath(alice)))
	keep(c.post(memberPath(alice)+"/unblock", url.Values{"method": {"password"}, "csrf_token": {"forged"}}))
	keep(c.get("/staff/nowhere"))

	secrets := map[string]string{"staff password": staffPassword, "wrong password": wrong, "temporary password": temp, "access code": code, "member password": memberPassword}
	for name, secret := range secrets {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds the %s", name)
		}
		for _, r := range append(seen, tempPage, codePage) {
			if strings.Contains(r.Location, secret) {
				t.Errorf("a redirect URL holds the %s: %s", name, r.Location)
			}
		}
		for _, r := range seen {
			if strings.Contains(r.Body, secret) {
				t.Errorf("a page holds the %s:\n%s", name, r.Body)
			}
		}
		for _, ev := range b.events(alice) {
			if strings.Contains(ev.Actor+ev.Subject+ev.IP+ev.Action+strings.Join(mapValues(ev.Detail), " "), secret) {
				t.Errorf("audit event %s holds the %s", ev.Action, name)
			}
		}
	}
	if code == temp || !strings.Contains(tempPage.Body, temp) || codePage.Code != http.StatusOK {
		t.Fatal("the hand-over pages did not show their secrets")
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}
