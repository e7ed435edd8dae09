package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestUsernamesAreUniquePerRealmInAnyCase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := account.Create(ctx, db.Writer(), "institution", "  Alice   Smith ", now)
		if err != nil {
			t.Fatal(err)
		}
		if a.Username != "alice smith" {
			t.Fatalf("stored username %q, want it normalised to %q", a.Username, "alice smith")
		}
		if _, err := account.Create(ctx, db.Writer(), "institution", "ALICE SMITH", now); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second ALICE SMITH in the same realm: %v, want ErrConflict", err)
		}
		if _, err := account.Create(ctx, db.Writer(), "ledgersync", "alice smith", now); err != nil {
			t.Fatalf("the same username in another realm: %v", err)
		}
		got, err := account.ByUsername(ctx, db.Reader(), "institution", "alice SMITH")
		if err != nil || got.ID != a.ID {
			t.Fatalf("ByUsername = %+v, %v; want account %d", got, err, a.ID)
		}
		if _, err := account.ByUsername(ctx, db.Reader(), "institution", "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ByUsername(bob) = %v, want ErrNotFound", err)
		}
	})
}

func TestPasswordLifecycleRoundTrips(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := account.Create(ctx, db.Writer(), "institution", "carol", now)
		if err != nil {
			t.Fatal(err)
		}
		expires := now.Add(24 * time.Hour)
		if err := account.SetPassword(ctx, db.Writer(), a.ID, "$argon2id$temp", true, expires, now); err != nil {
			t.Fatal(err)
		}
		got, err := account.Get(ctx, db.Reader(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.PasswordTemporary || !got.PasswordExpiresAt.Equal(expires) || got.PasswordHash != "$argon2id$temp" || !got.PasswordSetAt.Equal(now) {
			t.Fatalf("after a temporary password: %+v", got)
		}
		// A rehash after a password change must not undo the change.
		if err := account.SetPassword(ctx, db.Writer(), a.ID, "$argon2id$chosen", false, time.Time{}, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := account.RehashPassword(ctx, db.Writer(), a.ID, "$argon2id$temp", "$argon2id$stale"); err != nil {
			t.Fatal(err)
		}
		got, _ = account.Get(ctx, db.Reader(), a.ID)
		if got.PasswordHash != "$argon2id$chosen" || got.PasswordTemporary || !got.PasswordExpiresAt.IsZero() {
			t.Fatalf("after a change and a stale rehash: %+v", got)
		}
		if err := account.SetSecurityLevel(ctx, db.Writer(), a.ID, account.High); err != nil {
			t.Fatal(err)
		}
		if err := account.SetSecurityLevel(ctx, db.Writer(), a.ID, "extreme"); err == nil {
			t.Fatal("an unknown security level was accepted")
		}
		if err := account.SetPassword(ctx, db.Writer(), a.ID+99, "x", false, time.Time{}, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SetPassword on a missing account = %v, want ErrNotFound", err)
		}
	})
}
