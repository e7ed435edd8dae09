package device_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"

func newAccount(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), db.Writer(), "institution", name, t0)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// browser keeps the device cookie between requests, like a browser would.
type browser struct {
	cookie *http.Cookie
}

func (b *browser) request(ip string) *http.Request {
	r := httptest.NewRequest("POST", "https://bank.example/login", nil)
	r.RemoteAddr = ip + ":51000"
	r.Header.Set("User-Agent", firefox)
	if b.cookie != nil {
		r.AddCookie(&http.Cookie{Name: b.cookie.Name, Value: b.cookie.Value})
	}
	return r
}

func (b *browser) remember(t *testing.T, m *device.Manager, db *store.DB, accountID int64, ip string, now time.Time) *device.Device {
	t.Helper()
	w := httptest.NewRecorder()
	d, err := m.Remember(context.Background(), db.Writer(), w, b.request(ip), accountID, now)
	if err != nil {
		t.Fatal(err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("Remember set %d cookies, want 1", len(cookies))
	}
	b.cookie = cookies[0]
	return d
}

func newManager(t *testing.T, cfg device.Config) *device.Manager {
	t.Helper()
	m, err := device.NewManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDeviceCookieAttributes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		alice := newAccount(t, db, "alice")
		for _, tc := range []struct {
			cfg      device.Config
			name     string
			sameSite http.SameSite
		}{
			{device.Config{Name: "ls"}, "__Host-ls-device", http.SameSiteLaxMode},
			{device.Config{Name: "__Host-bank", SameSite: http.SameSiteStrictMode}, "__Host-bank-device", http.SameSiteStrictMode},
		} {
			var b browser
			b.remember(t, newManager(t, tc.cfg), db, alice, "192.0.2.1", t0)
			c := b.cookie
			if c.Name != tc.name || !c.Secure || !c.HttpOnly || c.SameSite != tc.sameSite || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %+v; want %s, Secure, HttpOnly, SameSite %v, Path=/, no Domain", c, tc.name, tc.sameSite)
			}
			if c.MaxAge != 400*24*60*60 {
				t.Errorf("cookie Max-Age %d, want 400 days", c.MaxAge)
			}
			if len(c.Value) != 43 { // 32 bytes in unpadded base64url
				t.Errorf("cookie value of %d characters, want a 256-bit random value", len(c.Value))
			}
		}
		for _, bad := range []device.Config{{Name: ""}, {Name: "a;b"}, {Name: "ls", MaxAge: time.Hour}, {Name: "ls", SameSite: http.SameSiteNoneMode}} {
			if _, err := device.NewManager(bad); err == nil {
				t.Errorf("NewManager(%+v) accepted", bad)
			}
		}
	})
}

func TestRememberRecogniseRegisterRevoke(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newManager(t, device.Config{Name: "bank"})
		alice, bob := newAccount(t, db, "alice"), newAccount(t, db, "bob")

		var laptop, stranger browser
		if _, err := m.Recognise(ctx, db.Reader(), laptop.request("192.0.2.1"), alice); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a browser without a cookie: %v, want ErrNotFound", err)
		}
		d := laptop.remember(t, m, db, alice, "192.0.2.1", t0)
		if d.Registered || d.Revoked() || d.Label != "Firefox on Windows" || d.LastIP != "192.0.2.1" || !d.FirstSeenAt.Equal(t0) {
			t.Fatalf("a new device: %+v", d)
		}
		first := laptop.cookie.Value

		// The next login from the same browser finds the same device.
		again := laptop.remember(t, m, db, alice, "198.51.100.7", t0.Add(time.Hour))
		if again.ID != d.ID || laptop.cookie.Value != first || again.LastIP != "198.51.100.7" || !again.LastSeenAt.Equal(t0.Add(time.Hour)) || !again.FirstSeenAt.Equal(t0) {
			t.Fatalf("second visit: %+v, cookie changed %v", again, laptop.cookie.Value != first)
		}
		got, err := m.Recognise(ctx, db.Reader(), laptop.request("198.51.100.7"), alice)
		if err != nil || got.ID != d.ID || got.Registered {
			t.Fatalf("Recognise = %+v, %v", got, err)
		}
		// Not for another account, nor for another browser.
		if _, err := m.Recognise(ctx, db.Reader(), laptop.request("192.0.2.1"), bob); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("alice's device recognised for bob: %v", err)
		}
		stranger.cookie = &http.Cookie{Name: m.CookieName(), Value: strings.Repeat("A", 43)}
		if _, err := m.Recognise(ctx, db.Reader(), stranger.request("203.0.113.9"), alice); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a forged cookie was recognised: %v", err)
		}

		// "This is my computer."
		if err := device.Register(ctx, db.Writer(), bob, d.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob registered alice's device: %v", err)
		}
		if err := device.Register(ctx, db.Writer(), alice, d.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err = m.Recognise(ctx, db.Reader(), laptop.request("192.0.2.1"), alice)
		if err != nil || !got.Registered || !got.RegisteredAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after Register: %+v, %v", got, err)
		}

		// Revoked: the cookie is no longer recognised, and cannot be registered again.
		if err := device.Revoke(ctx, db.Writer(), bob, d.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob revoked alice's device: %v", err)
		}
		if err := device.Revoke(ctx, db.Writer(), alice, d.ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := device.Revoke(ctx, db.Writer(), alice, d.ID, t0.Add(3*time.Hour)); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := m.Recognise(ctx, db.Reader(), laptop.request("192.0.2.1"), alice); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a revoked cookie was recognised: %v", err)
		}
		if err := device.Register(ctx, db.Writer(), alice, d.ID, t0); !errors.Is(err, device.ErrRevoked) {
			t.Fatalf("Register of a revoked device = %v, want ErrRevoked", err)
		}

		// Logging in again from that browser makes it a new, unregistered device
		// with a new cookie; the revoked record stays revoked.
		fresh := laptop.remember(t, m, db, alice, "192.0.2.1", t0.Add(4*time.Hour))
		if fresh.ID == d.ID || fresh.Registered || laptop.cookie.Value == first {
			t.Fatalf("after revocation: %+v, same cookie %v", fresh, laptop.cookie.Value == first)
		}
		list, err := device.List(ctx, db.Reader(), alice)
		if err != nil || len(list) != 2 || list[0].ID != fresh.ID || !list[1].Revoked() || list[1].Registered || !list[1].RevokedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("List = %+v, %v", list, err)
		}
		if list, err := device.List(ctx, db.Reader(), bob); err != nil || len(list) != 0 {
			t.Fatalf("bob's devices: %+v, %v", list, err)
		}
	})
}

func TestOneBrowserSeveralAccounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newManager(t, device.Config{Name: "bank"})
		alice, bob := newAccount(t, db, "alice"), newAccount(t, db, "bob")
		var family browser
		da := family.remember(t, m, db, alice, "192.0.2.1", t0)
		shared := family.cookie.Value
		db2 := family.remember(t, m, db, bob, "192.0.2.1", t0)
		if family.cookie.Value != shared || da.ID == db2.ID {
			t.Fatalf("one browser, two accounts: devices %d and %d, cookie kept %v", da.ID, db2.ID, family.cookie.Value == shared)
		}
		if err := device.Register(ctx, db.Writer(), alice, da.ID, t0); err != nil {
			t.Fatal(err)
		}
		got, err := m.Recognise(ctx, db.Reader(), family.request("192.0.2.1"), bob)
		if err != nil || got.ID != db2.ID || got.Registered {
			t.Fatalf("bob's record of the family browser: %+v, %v (alice's registration must not carry over)", got, err)
		}
	})
}

func TestNoDeviceSecretStoredInClear(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := newManager(t, device.Config{Name: "bank"})
		var b browser
		b.remember(t, m, db, newAccount(t, db, "alice"), "192.0.2.1", t0)
		rows, err := db.Reader().QueryContext(context.Background(), `SELECT * FROM security_device`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			n++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var row strings.Builder
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&row, "%s=%v ", cols[i], v)
			}
			if strings.Contains(row.String(), b.cookie.Value) || !strings.Contains(row.String(), "token_hash=") {
				t.Fatalf("the device row holds the cookie value in clear: %s", row.String())
			}
		}
		if n != 1 {
			t.Fatalf("%d device rows, want 1", n)
		}
	})
}
