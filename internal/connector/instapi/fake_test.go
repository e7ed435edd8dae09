package instapi_test

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
)

// The bank's answers that no demo member can provoke, from a stand-in
// server speaking the API's JSON.

const fakePassword = "Fake-pass-9931"

var fakeNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// fakeBank serves routes (ServeMux patterns under /api/v1) and returns the
// Institution pointing at it.
func fakeBank(t *testing.T, routes map[string]http.HandlerFunc) (connector.Institution, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return connector.Institution{Name: "Stand-in Bank", Kind: connector.InstAPI, APIURL: srv.URL + "/api/v1"}, srv
}

func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// signedIn answers a sign-in with a token.
var signedIn = reply(http.StatusCreated, `{"token":"tok-fake-bearer","expires_at":"2026-01-01T00:15:00Z","device_token":"dev-fake-device"}`)

func fakeLogin(inst connector.Institution) connector.Login {
	return connector.Login{Institution: inst, Credentials: connector.Credentials{Username: "member", Password: fakePassword}, Attended: true}
}

// Each refusal of the sign-in maps to the connector's error, quoting the
// bank's message and nothing else of its body (here an echo of the
// password the stand-in puts in a field the API does not have).
func TestSignInRefusals(t *testing.T) {
	t.Parallel()
	echo := `,"debug":"` + fakePassword + `"`
	tests := []struct {
		name   string
		status int
		body   string
		want   error
		says   string
	}{
		{"wrong password", 401, `{"error":"invalid_credentials","message":"The username or password is not right. 2 attempts left before the password is disabled.","attempts_left":2` + echo + `}`, connector.ErrInvalidCredentials, "2 attempts left"},
		{"locked", 423, `{"error":"locked","message":"Your password is disabled after three failed attempts.","method":"password"` + echo + `}`, connector.ErrLocked, "disabled after three"},
		{"temporary password", 403, `{"error":"password_change_required","message":"This sign-in has a temporary password."` + echo + `}`, connector.ErrPasswordChange, "temporary password"},
		{"expired password", 403, `{"error":"password_expired","message":"The password has expired. Call us."}`, connector.ErrPasswordChange, "has expired"},
		{"disabled", 403, `{"error":"account_disabled","message":"This sign-in is disabled. Call us."}`, connector.ErrLocked, "is disabled"},
		{"denied", 403, `{"error":"denied","message":"Online banking is allowed from the US only."` + echo + `}`, connector.ErrBlocked, "from the US only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, _ := fakeBank(t, map[string]http.HandlerFunc{"POST /api/v1/sessions": reply(tt.status, tt.body)})
			_, err := instapi.New(instapi.Options{}).Login(t.Context(), fakeLogin(inst))
			if !errors.Is(err, tt.want) {
				t.Fatalf("%d: %v, want %v", tt.status, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not quote the bank's message (%q)", err, tt.says)
			}
			if strings.Contains(err.Error(), fakePassword) {
				t.Error("the error holds the password")
			}
		})
	}
}

// A bank that fails (5xx, too many requests) or cannot be reached is down:
// transient, retried later.
func TestBankDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		routes map[string]http.HandlerFunc
		read   bool // sign in, then read the accounts
	}{
		{"503 at sign-in", map[string]http.HandlerFunc{"POST /api/v1/sessions": reply(503, `{"error":"internal_error","message":"Try again in a moment."}`)}, false},
		{"503 as text", map[string]http.HandlerFunc{"POST /api/v1/sessions": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "upstream unavailable "+fakePassword, http.StatusServiceUnavailable)
		}}, false},
		{"429 at sign-in", map[string]http.HandlerFunc{"POST /api/v1/sessions": reply(429, `{"error":"slow_down","message":"Too many requests."}`)}, false},
		{"500 reading accounts", map[string]http.HandlerFunc{"POST /api/v1/sessions": signedIn, "GET /api/v1/accounts": reply(500, `{"error":"internal_error","message":"x"}`)}, true},
		{"unreachable", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inst, srv := fakeBank(t, tt.routes)
			if tt.routes == nil {
				srv.Close()
			}
			c := instapi.New(instapi.Options{})
			step, err := c.Login(t.Context(), fakeLogin(inst))
			if tt.read {
				if err != nil {
					t.Fatal(err)
				}
				_, err = step.Session.Accounts(t.Context())
			}
			var down *connector.DownError
			if !errors.As(err, &down) {
				t.Fatalf("%v, want a *connector.DownError", err)
			}
			if strings.Contains(err.Error(), fakePassword) {
				t.Error("the error holds the password")
			}
		})
	}
}

// Amounts are read exactly, digit by digit, to the int64's ends; anything
// else is refused, never rounded.
func TestAmountsAreExact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount string
		want   int64
		ok     bool
	}{
		{"1234.56", 123456, true},
		{"-1234.56", -123456, true},
		{"0.05", 5, true},
		{"-0.50", -50, true},
		{"0.1", 10, true},
		{"12", 1200, true},
		{"19.99", 1999, true}, // 19.99 * 100 is 1998.9999… as a float
		{"92233720368547758.07", math.MaxInt64, true},
		{"-92233720368547758.08", math.MinInt64, true},
		{"92233720368547758.08", 0, false},
		{"1.234", 0, false},
		{"1e3", 0, false},
		{"12.", 0, false},
		{".5", 0, false},
		{"", 0, false},
		{"1,234.00", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			t.Parallel()
			accounts := fmt.Sprintf(`{"accounts":[{"id":7,"number_masked":"••••1234","type":"checking","name":"Checking","balance":{"amount":%q,"currency":"USD"},"available":{"amount":"0.00","currency":"USD"},"status":"open"}]}`, tt.amount)
			inst, _ := fakeBank(t, map[string]http.HandlerFunc{"POST /api/v1/sessions": signedIn, "GET /api/v1/accounts": reply(200, accounts)})
			step, err := instapi.New(instapi.Options{Clock: clock.NewFake(fakeNow)}).Login(t.Context(), fakeLogin(inst))
			if err != nil {
				t.Fatal(err)
			}
			got, err := step.Session.Accounts(t.Context())
			switch {
			case tt.ok && err != nil:
				t.Fatalf("%q: %v", tt.amount, err)
			case tt.ok && (len(got) != 1 || got[0].Balance != tt.want || got[0].Mask != "1234" || !got[0].BalanceAt.Equal(fakeNow)):
				t.Fatalf("%q read as %+v, want %d", tt.amount, got, tt.want)
			case !tt.ok && err == nil:
				t.Fatalf("%q read as %+v, want an error", tt.amount, got)
			}
		})
	}
}

// The bearer token goes only to the API: a link the bank lists that leads
// elsewhere is refused, not followed.
func TestLinksStayWithinTheAPI(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	for name, link := range map[string]string{
		"another server":       other.URL + "/api/v1/statements/1",
		"outside the API path": "/other/statements/1",
		"another host":         "//evil.example/api/v1/statements/1",
		"dot segments":         "/api/v1/../../x",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			statements := fmt.Sprintf(`{"account_id":7,"statements":[{"id":1,"account_id":7,"period_start":"2026-01-01","period_end":"2026-01-31","pdf":%q}]}`, link)
			inst, _ := fakeBank(t, map[string]http.HandlerFunc{"POST /api/v1/sessions": signedIn, "GET /api/v1/accounts/7/statements": reply(200, statements)})
			c := instapi.New(instapi.Options{})
			step, err := c.Login(t.Context(), fakeLogin(inst))
			if err != nil {
				t.Fatal(err)
			}
			acct := connector.Account{ID: "7", Ref: "7", Mask: "1234"}
			if _, err := step.Session.Statements(t.Context(), acct); err == nil {
				t.Fatal("a statement linked outside the API was listed")
			}
			if _, err := step.Session.StatementPDF(t.Context(), connector.Statement{ID: "1", Ref: link}); err == nil {
				t.Fatal("a statement outside the API was downloaded")
			}
			if _, err := step.Session.CheckImage(t.Context(), connector.CheckImageRef{Side: connector.Front, Ref: link}); err == nil {
				t.Fatal("a check image outside the API was downloaded")
			}
		})
	}
	t.Cleanup(func() {
		if n := elsewhere.Load(); n != 0 {
			t.Errorf("%d requests reached another server", n)
		}
	})
}
