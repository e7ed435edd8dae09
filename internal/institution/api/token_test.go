package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Bearer tokens rotate (the old one stops at once), end on sign-out, idle
// out after 15 minutes without a request and end after 12 hours whatever
// the activity.
func TestBearerTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		accounts := func(token string) *response { return b.do(http.MethodGet, "/api/v1/accounts", nil, token) }

		r := accounts("")
		r.mustError(t, http.StatusUnauthorized, "unauthenticated")
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		b.do(http.MethodGet, "/api/v1/accounts?access_token=x", nil, "").mustError(t, http.StatusUnauthorized, "unauthenticated")

		first := b.signIn("alice", "")
		accounts(first.Token).must(t, http.StatusOK)

		rotated := b.do(http.MethodPost, "/api/v1/sessions/current/rotate", nil, first.Token).must(t, http.StatusOK)
		if rotated.Token == "" || rotated.Token == first.Token || rotated.ExpiresAt.IsZero() {
			t.Fatalf("rotation: %s", rotated.Body)
		}
		accounts(first.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")
		b.do(http.MethodPost, "/api/v1/sessions/current/rotate", nil, first.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")
		accounts(rotated.Token).must(t, http.StatusOK)

		// 15 minutes idle: a request just before keeps it alive.
		b.clock.Advance(15*time.Minute - time.Second)
		accounts(rotated.Token).must(t, http.StatusOK)
		b.clock.Advance(15 * time.Minute)
		accounts(rotated.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")

		// Sign-out.
		second := b.signIn("alice", first.DeviceToken)
		b.do(http.MethodDelete, "/api/v1/sessions/current", nil, second.Token).must(t, http.StatusNoContent)
		accounts(second.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")

		// 12 hours at most, however busy.
		third := b.signIn("alice", first.DeviceToken)
		start := b.clock.Now()
		for b.clock.Now().Sub(start) < 12*time.Hour-10*time.Minute {
			b.clock.Advance(10 * time.Minute)
			accounts(third.Token).must(t, http.StatusOK)
		}
		b.clock.Advance(10 * time.Minute)
		accounts(third.Token).mustError(t, http.StatusUnauthorized, "unauthenticated")
	})
}
