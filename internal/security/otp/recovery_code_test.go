package otp_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var recoveryCodeShape = regexp.MustCompile(`^[` + otp.Alphabet + `]{4}-[` + otp.Alphabet + `]{4}$`)

func TestRecoveryCodesAreSingleUse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		other := newAccount(t, db, "someone else")
		w := db.Writer()

		set, err := codes.GenerateRecoveryCodes(ctx, w, id, now)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range set {
			if !recoveryCodeShape.MatchString(c) || seen[c] {
				t.Fatalf("recovery codes %v: want %d distinct xxxx-xxxx codes", set, otp.RecoveryCodeCount)
			}
			seen[c] = true
		}
		if len(set) != otp.RecoveryCodeCount {
			t.Fatalf("%d codes, want %d", len(set), otp.RecoveryCodeCount)
		}

		left, err := codes.UseRecoveryCode(ctx, w, id, strings.ToLower(set[3]), now)
		if err != nil || left != otp.RecoveryCodeCount-1 {
			t.Fatalf("UseRecoveryCode = %d, %v; want %d left", left, err, otp.RecoveryCodeCount-1)
		}
		if _, err := codes.UseRecoveryCode(ctx, w, id, set[3], now); !errors.Is(err, otp.ErrUsed) {
			t.Fatalf("the same code again: %v, want ErrUsed", err)
		}
		if _, err := codes.UseRecoveryCode(ctx, w, other, set[4], now); !errors.Is(err, otp.ErrWrongCode) {
			t.Fatalf("the member's code on another account: %v, want ErrWrongCode", err)
		}
		if _, err := codes.UseRecoveryCode(ctx, w, id, "1234-5678", now); !errors.Is(err, otp.ErrMalformed) {
			t.Fatalf("digits outside the alphabet: %v, want ErrMalformed", err)
		}

		// Regenerating replaces the whole set.
		fresh, err := codes.GenerateRecoveryCodes(ctx, w, id, now)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := otp.RecoveryCodesLeft(ctx, db.Reader(), id); n != otp.RecoveryCodeCount {
			t.Fatalf("%d codes left after regenerating, want %d", n, otp.RecoveryCodeCount)
		}
		for _, c := range set {
			if _, err := codes.UseRecoveryCode(ctx, w, id, c, now); !errors.Is(err, otp.ErrWrongCode) {
				t.Fatalf("an old code after regenerating: %v, want ErrWrongCode", err)
			}
		}
		if left, err := codes.UseRecoveryCode(ctx, w, id, fresh[0], now); err != nil || left != otp.RecoveryCodeCount-1 {
			t.Fatalf("a new code: %d, %v", left, err)
		}
		// Another key cannot check them.
		stranger, _ := otp.NewCodes([]byte("another key of thirty-two bytes!"))
		if _, err := stranger.UseRecoveryCode(ctx, w, id, fresh[1], now); !errors.Is(err, otp.ErrWrongCode) {
			t.Fatalf("a code checked under another key: %v, want ErrWrongCode", err)
		}
	})
}
