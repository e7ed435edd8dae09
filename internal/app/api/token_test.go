package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

type tokenJSON struct {
	Token         string     `json:"token"`
	ExpiresAt     time.Time  `json:"expires_at"`
	IdleExpiresAt time.Time  `json:"idle_expires_at"`
	Firm          firmJSON   `json:"firm"`
	Firms         []firmJSON `json:"firms"`
}

type firmJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// A token is issued for the right password, acts for its firm, is stored
// only hashed, rotates (the old one stops at once, the end stays), ends on
// DELETE, idles out after 30 minutes and ends after 12 hours however busy.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		s := e.newStaff("Ledger & Co", "pat@ledger.example")
		clients := func(tok string) *response { return e.do(http.MethodGet, "/api/v1/clients", nil, tok) }

		start := e.clock.Now()
		var issued tokenJSON
		e.issue("PAT@ledger.example ", staffPassword, 0).must(t, http.StatusCreated).decode(t, &issued)
		if len(issued.Token) != 43 || strings.ContainsAny(issued.Token, "+/=") {
			t.Errorf("token %d characters, want 43 of base64url", len(issued.Token))
		}
		if !issued.ExpiresAt.Equal(start.Add(12*time.Hour)) || !issued.IdleExpiresAt.Equal(start.Add(30*time.Minute)) {
			t.Errorf("expires_at %s, idle_expires_at %s; want 12 h and 30 min from %s", issued.ExpiresAt, issued.IdleExpiresAt, start)
		}
		want := firmJSON{ID: s.firm.ID, Name: "Ledger & Co", Role: "owner"}
		if issued.Firm != want || len(issued.Firms) != 1 || issued.Firms[0] != want {
			t.Errorf("firm %+v, firms %+v; want %+v", issued.Firm, issued.Firms, want)
		}
		sum := sha256.Sum256([]byte(issued.Token))
		var n int
		if err := db.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM api_token WHERE token_hash = $1`,
			hex.EncodeToString(sum[:])).Scan(&n); err != nil || n != 1 {
			t.Errorf("tokens stored under the token's SHA-256: %d, %v; want 1", n, err)
		}
		if err := db.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM api_token WHERE token_hash = $1`,
			issued.Token).Scan(&n); err != nil || n != 0 {
			t.Errorf("the token itself is stored: %d, %v", n, err)
		}
		clients(issued.Token).must(t, http.StatusOK)

		// Rotation: a new token, the same end, the old one refused at once.
		e.clock.Advance(time.Minute)
		var rotated tokenJSON
		e.do(http.MethodPost, "/api/v1/tokens/current/rotate", nil, issued.Token).must(t, http.StatusOK).decode(t, &rotated)
		if rotated.Token == "" || rotated.Token == issued.Token || !rotated.ExpiresAt.Equal(issued.ExpiresAt) || rotated.Firm != want {
			t.Fatalf("rotation: %+v", rotated)
		}
		clients(issued.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")
		e.do(http.MethodPost, "/api/v1/tokens/current/rotate", nil, issued.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")
		clients(rotated.Token).must(t, http.StatusOK)

		// 30 minutes idle: a request just before keeps it alive.
		e.clock.Advance(30*time.Minute - time.Second)
		clients(rotated.Token).must(t, http.StatusOK)
		e.clock.Advance(30 * time.Minute)
		r := clients(rotated.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}

		// DELETE ends it.
		second := e.issue(s.email, staffPassword, 0).must(t, http.StatusCreated).Token
		e.do(http.MethodDelete, "/api/v1/tokens/current", nil, second).must(t, http.StatusNoContent)
		clients(second).mustError(t, http.StatusUnauthorized, "unauthenticated")
		e.do(http.MethodDelete, "/api/v1/tokens/current", nil, second).mustError(t, http.StatusUnauthorized, "unauthenticated")

		// 12 hours at most, however busy.
		third := e.issue(s.email, staffPassword, 0).must(t, http.StatusCreated).Token
		begin := e.clock.Now()
		for e.clock.Now().Sub(begin) < 12*time.Hour-25*time.Minute {
			e.clock.Advance(25 * time.Minute)
			clients(third).must(t, http.StatusOK)
		}
		e.clock.Advance(25 * time.Minute)
		clients(third).mustError(t, http.StatusUnauthorized, "unauthenticated")

		// A token is read from the Authorization header only.
		fourth := e.issue(s.email, staffPassword, 0).must(t, http.StatusCreated).Token
		e.do(http.MethodGet, "/api/v1/clients?access_token="+fourth, nil, "").mustError(t, http.StatusUnauthorized, "unauthenticated")
		for _, bad := range []string{"x", strings.Repeat("A", 43), fourth + "A"} {
			clients(bad).mustError(t, http.StatusUnauthorized, "unauthenticated")
		}
	})
}

// A wrong password and an unknown email get the same 401, never saying
// which was wrong; the third wrong password disables it (423), even for
// the right one after; a token acts for one firm the sign-in belongs to.
func TestTokenRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{})
		ctx := context.Background()
		s := e.newStaff("Ledger & Co", "pat@ledger.example")

		wrong := e.issue(s.email, "not the password at all", 0).mustError(t, http.StatusUnauthorized, "invalid_credentials")
		unknown := e.issue("nobody@ledger.example", staffPassword, 0).mustError(t, http.StatusUnauthorized, "invalid_credentials")
		if wrong.Message != unknown.Message {
			t.Errorf("a wrong password says %q, an unknown email %q: they tell which was wrong", wrong.Message, unknown.Message)
		}

		for _, tc := range []struct {
			name  string
			body  any
			field string
		}{
			{"no email", map[string]any{"password": staffPassword}, "email"},
			{"no password", map[string]any{"email": s.email}, "password"},
			{"unknown field", map[string]any{"email": s.email, "password": staffPassword, "otp": "123456"}, "otp"},
			{"firm_id a string", map[string]any{"email": s.email, "password": staffPassword, "firm_id": "one"}, "firm_id"},
		} {
			r := e.do(http.MethodPost, "/api/v1/tokens", tc.body, "").mustError(t, http.StatusBadRequest, "invalid_parameter")
			if r.Field != tc.field || !strings.Contains(r.Message, tc.field) {
				t.Errorf("%s: field %q, message %q; want them to name %s", tc.name, r.Field, r.Message, tc.field)
			}
		}
		e.do(http.MethodPost, "/api/v1/tokens", `{"email": "pat@ledger.example",`, "").mustError(t, http.StatusBadRequest, "invalid_request")
		e.do(http.MethodPost, "/api/v1/tokens", strings.Repeat(" ", 70<<10)+"{}", "").mustError(t, http.StatusRequestEntityTooLarge, "invalid_request")

		// Several firms: firm_id says which.
		other, err := firm.Create(ctx, db.Writer(), "Second Books", "", e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.ls.AddStaff(ctx, other.ID, s.email, "", "Pat Owner", firm.Staff); err != nil {
			t.Fatal(err)
		}
		var choose struct {
			Error string     `json:"error"`
			Field string     `json:"field"`
			Firms []firmJSON `json:"firms"`
		}
		e.issue(s.email, staffPassword, 0).mustError(t, http.StatusBadRequest, "firm_required").decode(t, &choose)
		if choose.Field != "firm_id" || len(choose.Firms) != 2 {
			t.Errorf("firm_required: %+v, want firm_id and both firms", choose)
		}
		var tok tokenJSON
		e.issue(s.email, staffPassword, other.ID).must(t, http.StatusCreated).decode(t, &tok)
		if tok.Firm != (firmJSON{ID: other.ID, Name: "Second Books", Role: "staff"}) || len(tok.Firms) != 2 {
			t.Errorf("token for the second firm: %+v", tok)
		}
		stranger, err := firm.Create(ctx, db.Writer(), "Not Pat's", "", e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		e.issue(s.email, staffPassword, stranger.ID).mustError(t, http.StatusForbidden, "not_staff")

		// Removed from the firm: the token stops at once.
		e.do(http.MethodGet, "/api/v1/clients", nil, tok.Token).must(t, http.StatusOK)
		if _, err := db.Writer().ExecContext(ctx, `DELETE FROM firm_staff WHERE firm_id = $1`, other.ID); err != nil {
			t.Fatal(err)
		}
		e.do(http.MethodGet, "/api/v1/clients", nil, tok.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")
		e.do(http.MethodGet, "/api/v1/clients", nil, s.token).must(t, http.StatusOK)

		// Lockout: the third wrong password disables it, at every door.
		e.newStaff("Third Firm", "sam@third.example")
		for range 3 {
			e.issue("sam@third.example", "still not the password", 0).mustError(t, http.StatusUnauthorized, "invalid_credentials")
		}
		e.issue("sam@third.example", staffPassword, 0).mustError(t, http.StatusLocked, "locked")
	})
}
