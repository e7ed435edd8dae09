package otp_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var accessCodeShape = regexp.MustCompile(`^[` + otp.Alphabet + `]{5}-[` + otp.Alphabet + `]{5}$`)

func TestAccessCodeIsSingleUseAndCappedAt24Hours(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		member := newAccount(t, db, "member")
		staff := newAccount(t, db, "advisor")
		w := db.Writer()

		for _, ttl := range []time.Duration{24*time.Hour + time.Second, -time.Hour} {
			if _, _, err := otp.IssueAccessCode(ctx, w, otp.AccessCodeRequest{AccountID: member, IssuedBy: staff, TTL: ttl}, now); err == nil {
				t.Fatalf("TTL %s accepted", ttl)
			}
		}
		if _, _, err := otp.IssueAccessCode(ctx, w, otp.AccessCodeRequest{AccountID: staff, IssuedBy: staff}, now); err == nil {
			t.Fatal("staff issued an access code to themselves")
		}

		code, ac, err := otp.IssueAccessCode(ctx, w, otp.AccessCodeRequest{AccountID: member, IssuedBy: staff, Reason: "lost phone; ID checked at branch"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if !accessCodeShape.MatchString(code) {
			t.Fatalf("access code %q is not two groups of five from the alphabet", code)
		}
		if !ac.ExpiresAt.Equal(now.Add(24*time.Hour)) || ac.IssuedBy != staff || ac.Status(now) != otp.AccessCodeActive {
			t.Fatalf("issued %+v, want 24 h by the advisor", ac)
		}

		if _, err := otp.RedeemAccessCode(ctx, w, staff, code, now); !errors.Is(err, otp.ErrWrongCode) {
			t.Fatalf("the member's code on another account: %v, want ErrWrongCode", err)
		}
		if _, err := otp.RedeemAccessCode(ctx, w, member, "!!", now); !errors.Is(err, otp.ErrMalformed) {
			t.Fatalf("a malformed code: %v, want ErrMalformed", err)
		}
		// Typed in lower case without the hyphen.
		typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
		got, err := otp.RedeemAccessCode(ctx, w, member, typed, now.Add(time.Hour))
		if err != nil {
			t.Fatalf("redeem: %v", err)
		}
		if got.ID != ac.ID || !got.UsedAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("redeemed %+v", got)
		}
		if _, err := otp.RedeemAccessCode(ctx, w, member, code, now.Add(time.Hour)); !errors.Is(err, otp.ErrUsed) {
			t.Fatalf("a second redemption: %v, want ErrUsed", err)
		}

		// The deadline: good a moment before, refused at exactly the TTL.
		short, _, err := otp.IssueAccessCode(ctx, w, otp.AccessCodeRequest{AccountID: member, IssuedBy: staff, TTL: time.Hour}, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := otp.RedeemAccessCode(ctx, w, member, short, now.Add(time.Hour)); !errors.Is(err, otp.ErrExpired) {
			t.Fatalf("at exactly the TTL: %v, want ErrExpired", err)
		}
		if _, err := otp.RedeemAccessCode(ctx, w, member, short, now.Add(time.Hour-time.Second)); err != nil {
			t.Fatalf("a second before the TTL: %v", err)
		}
	})
}

func TestAccessCodeRevocationAndListing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		member := newAccount(t, db, "member")
		staff := newAccount(t, db, "advisor")
		w := db.Writer()
		issue := func(at time.Time) (string, *otp.AccessCode) {
			code, ac, err := otp.IssueAccessCode(ctx, w, otp.AccessCodeRequest{AccountID: member, IssuedBy: staff}, at)
			if err != nil {
				t.Fatal(err)
			}
			return code, ac
		}
		first, firstAC := issue(now)
		// A new code replaces the one still active.
		second, secondAC := issue(now.Add(time.Minute))
		if _, err := otp.RedeemAccessCode(ctx, w, member, first, now.Add(2*time.Minute)); !errors.Is(err, otp.ErrRevoked) {
			t.Fatalf("the replaced code: %v, want ErrRevoked", err)
		}
		if err := otp.RevokeAccessCode(ctx, w, staff, secondAC.ID, staff, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoking through the wrong account: %v, want ErrNotFound", err)
		}
		if err := otp.RevokeAccessCode(ctx, w, member, secondAC.ID, staff, now.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := otp.RedeemAccessCode(ctx, w, member, second, now.Add(4*time.Minute)); !errors.Is(err, otp.ErrRevoked) {
			t.Fatalf("a revoked code: %v, want ErrRevoked", err)
		}
		if err := otp.RevokeAccessCode(ctx, w, member, secondAC.ID, staff, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoking twice: %v, want ErrNotFound", err)
		}

		list, err := otp.ListAccessCodes(ctx, db.Reader(), member)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != secondAC.ID || list[1].ID != firstAC.ID {
			t.Fatalf("ListAccessCodes = %+v, want the two codes newest first", list)
		}
		for _, ac := range list {
			if ac.Status(now.Add(time.Hour)) != otp.AccessCodeRevoked || ac.RevokedBy != staff {
				t.Errorf("listed %+v, want revoked by the advisor", ac)
			}
		}
		if list[0].Status(now.Add(48*time.Hour)) != otp.AccessCodeRevoked {
			t.Error("a revoked code later shows as expired")
		}
	})
}
