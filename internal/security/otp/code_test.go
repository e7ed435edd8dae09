package otp_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestCodeIsSingleUse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		ph := newPhone(t, db, id)

		code, codeID, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: "login-1", Purpose: "login", Channel: otp.SMS, PhoneID: ph}, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != otp.DefaultDigits || codeID == 0 {
			t.Fatalf("Issue = %q, %d; want a %d-digit code and an id", code, codeID, otp.DefaultDigits)
		}
		f, err := otp.FlowState(ctx, db.Reader(), id, "login-1")
		if err != nil {
			t.Fatal(err)
		}
		if f.CodeID != codeID || f.Channel != otp.SMS || f.PhoneID != ph || !f.ExpiresAt.Equal(now.Add(otp.DefaultTTL)) ||
			f.AttemptsLeft() != otp.DefaultMaxAttempts || f.Sends != 1 {
			t.Fatalf("FlowState = %+v", f)
		}

		// Typed with a space, as people copy it.
		if err := codes.Verify(ctx, db.Writer(), id, "login-1", "login", code[:3]+" "+code[3:], now.Add(time.Minute)); err != nil {
			t.Fatalf("the right code: %v", err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "login-1", "login", code, now.Add(time.Minute)); !errors.Is(err, otp.ErrUsed) {
			t.Fatalf("the same code again: %v, want ErrUsed", err)
		}
		// A spent flow sends no more codes.
		if _, _, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: "login-1", Purpose: "login", Channel: otp.Voice, PhoneID: ph}, now); !errors.Is(err, otp.ErrUsed) {
			t.Fatalf("a resend after success: %v, want ErrUsed", err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "login-1", "login", "12a456", now); !errors.Is(err, otp.ErrMalformed) {
			t.Fatalf("letters in a code: %v, want ErrMalformed", err)
		}
	})
}

func TestCodeExpiresAtExactlyTTL(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		ph := newPhone(t, db, id)
		ttl := 5 * time.Minute
		issue := func(flow string) string {
			code, _, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: flow, Purpose: "login", Channel: otp.SMS, PhoneID: ph, TTL: ttl}, now)
			if err != nil {
				t.Fatal(err)
			}
			return code
		}
		a, b := issue("a"), issue("b")
		if err := codes.Verify(ctx, db.Writer(), id, "a", "login", a, now.Add(ttl-time.Microsecond)); err != nil {
			t.Fatalf("one microsecond before the TTL: %v", err)
		}
		err := codes.Verify(ctx, db.Writer(), id, "b", "login", b, now.Add(ttl))
		if !errors.Is(err, otp.ErrExpired) {
			t.Fatalf("at exactly the TTL: %v, want ErrExpired", err)
		}
		// An expired code costs no attempt.
		if f, _ := otp.FlowState(ctx, db.Reader(), id, "b"); f.Attempts != 0 {
			t.Fatalf("an expired code counted %d attempts", f.Attempts)
		}
	})
}

func TestWrongCodesCountDown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		ph := newPhone(t, db, id)
		req := otp.Issue{AccountID: id, FlowID: "f", Purpose: "login", Channel: otp.SMS, PhoneID: ph, MaxAttempts: 3}
		code, _, err := codes.Issue(ctx, db.Writer(), req, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, left := range []int{2, 1, 0} {
			err := codes.Verify(ctx, db.Writer(), id, "f", "login", wrong(code), now)
			if !errors.Is(err, otp.ErrWrongCode) || attemptsLeft(err) != left {
				t.Fatalf("wrong code: %v, want ErrWrongCode with %d left", err, left)
			}
		}
		if err := codes.Verify(ctx, db.Writer(), id, "f", "login", code, now); !errors.Is(err, otp.ErrTooManyAttempts) {
			t.Fatalf("the right code after 3 wrong ones: %v, want ErrTooManyAttempts", err)
		}
		if _, _, err := codes.Issue(ctx, db.Writer(), req, now); !errors.Is(err, otp.ErrTooManyAttempts) {
			t.Fatalf("a resend after 3 wrong codes: %v, want ErrTooManyAttempts", err)
		}
	})
}

func TestResendReplacesTheCodeButKeepsTheFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		ph := newPhone(t, db, id)
		req := otp.Issue{AccountID: id, FlowID: "f", Purpose: "login", Channel: otp.SMS, PhoneID: ph, MaxAttempts: 3}
		first, _, err := codes.Issue(ctx, db.Writer(), req, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "f", "login", wrong(first), now); attemptsLeft(err) != 2 {
			t.Fatalf("first wrong code: %v, want 2 left", err)
		}
		// Resend by voice: a new code; the count of wrong codes stays.
		req.Channel = otp.Voice
		var second string
		for second == "" || second == first { // a 1-in-a-million repeat would hide the replacement
			if second, _, err = codes.Issue(ctx, db.Writer(), req, now.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if err := codes.Verify(ctx, db.Writer(), id, "f", "login", first, now.Add(time.Minute)); !errors.Is(err, otp.ErrWrongCode) || attemptsLeft(err) != 1 {
			t.Fatalf("the replaced code: %v, want ErrWrongCode with 1 left", err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "f", "login", second, now.Add(time.Minute)); err != nil {
			t.Fatalf("the new code on the last attempt: %v", err)
		}
		f, err := otp.FlowState(ctx, db.Reader(), id, "f")
		if err != nil {
			t.Fatal(err)
		}
		if f.Attempts != 3 || f.Sends < 2 || f.Channel != otp.Voice || !f.CompletedAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("FlowState = %+v", f)
		}
	})
}

func TestResendCannotResetTheLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		ph := newPhone(t, db, id)
		req := otp.Issue{AccountID: id, FlowID: "f", Purpose: "login", Channel: otp.SMS, PhoneID: ph}
		// Two wrong codes, a resend, one more wrong code: the flow is done.
		code, _, _ := codes.Issue(ctx, db.Writer(), req, now)
		_ = codes.Verify(ctx, db.Writer(), id, "f", "login", wrong(code), now)
		_ = codes.Verify(ctx, db.Writer(), id, "f", "login", wrong(code), now)
		code, _, err := codes.Issue(ctx, db.Writer(), req, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "f", "login", wrong(code), now); attemptsLeft(err) != 0 {
			t.Fatalf("third wrong code across a resend: %v, want 0 left", err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "f", "login", code, now); !errors.Is(err, otp.ErrTooManyAttempts) {
			t.Fatalf("right code after 3 wrong across a resend: %v, want ErrTooManyAttempts", err)
		}
	})
}

func TestSendsAreCapped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		ph := newPhone(t, db, id)
		req := otp.Issue{AccountID: id, FlowID: "f", Purpose: "login", Channel: otp.SMS, PhoneID: ph, MaxSends: 2}
		for i := range 2 {
			if _, _, err := codes.Issue(ctx, db.Writer(), req, now); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
		if _, _, err := codes.Issue(ctx, db.Writer(), req, now); !errors.Is(err, otp.ErrTooManySends) {
			t.Fatalf("third send with a cap of 2: %v, want ErrTooManySends", err)
		}
	})
}

func TestCodeIsBoundToItsFlowAndPurpose(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		other := newAccount(t, db, "someone else")
		ph := newPhone(t, db, id)
		a, _, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: "A", Purpose: "login", Channel: otp.SMS, PhoneID: ph}, now)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: "B", Purpose: "transfer", Channel: otp.SMS, PhoneID: ph}, now)
		if err != nil {
			t.Fatal(err)
		}
		if b == a {
			t.Skip("two random codes collided (one chance in a million); nothing to tell apart")
		}
		if err := codes.Verify(ctx, db.Writer(), id, "B", "transfer", a, now); !errors.Is(err, otp.ErrWrongCode) {
			t.Fatalf("flow A's code in flow B: %v, want ErrWrongCode", err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "A", "transfer", a, now); !errors.Is(err, otp.ErrNoCode) {
			t.Fatalf("flow A's code for another purpose: %v, want ErrNoCode", err)
		}
		if err := codes.Verify(ctx, db.Writer(), other, "A", "login", a, now); !errors.Is(err, otp.ErrNoCode) {
			t.Fatalf("flow A's code on another account: %v, want ErrNoCode", err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "nope", "login", a, now); !errors.Is(err, otp.ErrNoCode) {
			t.Fatalf("a flow that sent nothing: %v, want ErrNoCode", err)
		}
		// A flow keeps its purpose.
		if _, _, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: "A", Purpose: "transfer", Channel: otp.SMS, PhoneID: ph}, now); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("reusing flow A for a transfer: %v, want ErrConflict", err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "A", "login", a, now); err != nil {
			t.Fatalf("flow A's code in flow A: %v", err)
		}
	})
}

func TestParallelGuessesCannotExceedTheLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		ph := newPhone(t, db, id)
		code, _, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: "f", Purpose: "login", Channel: otp.SMS, PhoneID: ph, MaxAttempts: 3}, now)
		if err != nil {
			t.Fatal(err)
		}
		const guesses = 20
		errs := make([]error, guesses)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range guesses {
			wg.Go(func() {
				<-start
				errs[i] = codes.Verify(ctx, db.Writer(), id, "f", "login", wrong(code), now)
			})
		}
		close(start)
		wg.Wait()
		wrongs, refused := 0, 0
		left := map[int]bool{}
		for _, err := range errs {
			switch {
			case errors.Is(err, otp.ErrWrongCode):
				wrongs++
				left[attemptsLeft(err)] = true
			case errors.Is(err, otp.ErrTooManyAttempts):
				refused++
			default:
				t.Errorf("unexpected result: %v", err)
			}
		}
		if wrongs != 3 || refused != guesses-3 || len(left) != 3 {
			t.Fatalf("%d compared (attempts left %v), %d refused; want exactly 3 compared (2, 1, 0 left) and %d refused", wrongs, left, refused, guesses-3)
		}
		f, err := otp.FlowState(ctx, db.Reader(), id, "f")
		if err != nil {
			t.Fatal(err)
		}
		if f.Attempts != 3 {
			t.Fatalf("%d attempts stored, want 3", f.Attempts)
		}
	})
}

func TestIssueValidates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		other := newAccount(t, db, "someone else")
		ph := newPhone(t, db, id)
		otherPhone := newPhone(t, db, other)
		ok := otp.Issue{AccountID: id, FlowID: "f", Purpose: "login", Channel: otp.SMS, PhoneID: ph}
		tests := []struct {
			name   string
			change func(r *otp.Issue)
		}{
			{"no flow", func(r *otp.Issue) { r.FlowID = "" }},
			{"no purpose", func(r *otp.Issue) { r.Purpose = "" }},
			{"flow with a newline", func(r *otp.Issue) { r.FlowID = "a\nb" }},
			{"unknown channel", func(r *otp.Issue) { r.Channel = "fax" }},
			{"negative phone id", func(r *otp.Issue) { r.PhoneID = -1 }},
			{"email with a phone", func(r *otp.Issue) { r.Channel = otp.Email }},
			{"5 digits", func(r *otp.Issue) { r.Digits = 5 }},
			{"11 digits", func(r *otp.Issue) { r.Digits = 11 }},
			{"TTL over a day", func(r *otp.Issue) { r.TTL = 25 * time.Hour }},
			{"negative TTL", func(r *otp.Issue) { r.TTL = -time.Minute }},
			{"11 attempts", func(r *otp.Issue) { r.MaxAttempts = 11 }},
		}
		for _, tt := range tests {
			r := ok
			tt.change(&r)
			if code, _, err := codes.Issue(ctx, db.Writer(), r, now); err == nil || code != "" {
				t.Errorf("%s: accepted", tt.name)
			}
		}
		r := ok
		r.PhoneID = otherPhone
		if _, _, err := codes.Issue(ctx, db.Writer(), r, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account's phone: %v, want ErrNotFound", err)
		}

		// Eight digits by email.
		r = otp.Issue{AccountID: id, FlowID: "mail", Purpose: "enrol", Channel: otp.Email, Digits: 8}
		code, _, err := codes.Issue(ctx, db.Writer(), r, now)
		if err != nil || len(code) != 8 {
			t.Fatalf("an 8-digit email code: %q, %v", code, err)
		}
		if err := codes.Verify(ctx, db.Writer(), id, "mail", "enrol", code, now); err != nil {
			t.Fatalf("the 8-digit code: %v", err)
		}

		if _, err := otp.NewCodes([]byte("short")); err == nil {
			t.Error("NewCodes accepted a 5-byte key")
		}
	})
}

func TestPurgeFlows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		id := newAccount(t, db, "member")
		for i, at := range []time.Time{now.Add(-48 * time.Hour), now} {
			flow := []string{"old", "new"}[i]
			if _, _, err := codes.Issue(ctx, db.Writer(), otp.Issue{AccountID: id, FlowID: flow, Purpose: "login", Channel: otp.Email}, at); err != nil {
				t.Fatal(err)
			}
		}
		n, err := otp.PurgeFlows(ctx, db.Writer(), now.Add(-24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("PurgeFlows = %d, %v; want 1", n, err)
		}
		if _, err := otp.FlowState(ctx, db.Reader(), id, "old"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the old flow: %v, want ErrNotFound", err)
		}
		if _, err := otp.FlowState(ctx, db.Reader(), id, "new"); err != nil {
			t.Fatalf("the new flow: %v", err)
		}
	})
}
