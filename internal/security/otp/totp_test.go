package otp_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// t0 is the start of a 30-second step.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func appCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPEnrolConfirmValidateReplay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		app, err := otp.NewTOTP(newSealer(t), "Example CU")
		if err != nil {
			t.Fatal(err)
		}
		w := db.Writer()

		if err := app.Validate(ctx, w, id, "123456", t0); !errors.Is(err, otp.ErrNotEnrolled) {
			t.Fatalf("Validate without an app: %v, want ErrNotEnrolled", err)
		}
		e, err := app.Enrol(ctx, w, id, "member", t0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.URL, "otpauth://totp/Example%20CU:member?") || !strings.Contains(e.URL, "secret="+e.Secret) || !strings.Contains(e.URL, "issuer=Example") {
			t.Fatalf("URL %q", e.URL)
		}
		// Printing or logging the enrolment shows no secret.
		var logged strings.Builder
		slog.New(slog.NewTextHandler(&logged, nil)).Info("enrolled", "enrolment", e)
		for _, shown := range []string{fmt.Sprint(e), fmt.Sprintf("%+v", *e), fmt.Sprintf("%#v", *e), logged.String()} {
			mustNotContain(t, "a printed enrolment", shown, e.Secret)
		}

		if st, _ := app.StatusOf(ctx, db.Reader(), id); !st.Pending || st.Confirmed {
			t.Fatalf("status after Enrol: %+v", st)
		}
		if err := app.Validate(ctx, w, id, appCode(t, e.Secret, t0), t0); !errors.Is(err, otp.ErrNotEnrolled) {
			t.Fatalf("Validate before confirmation: %v, want ErrNotEnrolled", err)
		}
		if err := app.Confirm(ctx, w, id, bump(appCode(t, e.Secret, t0)), t0); !errors.Is(err, otp.ErrWrongCode) {
			t.Fatalf("Confirm with a wrong code: %v, want ErrWrongCode", err)
		}
		if err := app.Confirm(ctx, w, id, appCode(t, e.Secret, t0), t0); err != nil {
			t.Fatalf("Confirm: %v", err)
		}
		if st, _ := app.StatusOf(ctx, db.Reader(), id); !st.Confirmed || !st.ConfirmedAt.Equal(t0) {
			t.Fatalf("status after Confirm: %+v", st)
		}
		if _, err := app.Enrol(ctx, w, id, "member", t0); !errors.Is(err, otp.ErrAlreadyEnrolled) {
			t.Fatalf("a second Enrol: %v, want ErrAlreadyEnrolled", err)
		}

		step := func(n int) time.Time { return t0.Add(time.Duration(n) * otp.TOTPPeriod) }
		checks := []struct {
			name string
			code time.Time // the step whose code is typed
			at   time.Time // when
			want error
		}{
			{"the confirming code again", step(0), step(0).Add(10 * time.Second), otp.ErrReplayed},
			{"the next step's code", step(1), step(1), nil},
			{"the same code again", step(1), step(1).Add(5 * time.Second), otp.ErrReplayed},
			{"a code one step ahead (fast phone)", step(3), step(2), nil},
			{"the skipped step's code, now older than the last used", step(2), step(2).Add(20 * time.Second), otp.ErrReplayed},
			{"a code two steps old", step(2), step(4), otp.ErrWrongCode},
			{"a code one step late (slow phone)", step(4), step(5), nil},
			{"a code two steps ahead", step(8), step(6), otp.ErrWrongCode},
		}
		for _, c := range checks {
			err := app.Validate(ctx, w, id, appCode(t, e.Secret, c.code), c.at)
			if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		if err := app.Validate(ctx, w, id, "12345", step(6)); !errors.Is(err, otp.ErrMalformed) {
			t.Fatalf("5 digits: %v, want ErrMalformed", err)
		}

		// The stored secret is sealed and bound to its account.
		var sealed []byte
		if err := db.Reader().QueryRowContext(ctx, `SELECT secret_sealed FROM security_totp WHERE account_id = $1`, id).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		mustNotContain(t, "the sealed secret", string(sealed), e.Secret)
		other := newAccount(t, db, "thief")
		if _, err := w.ExecContext(ctx, `INSERT INTO security_totp (account_id, secret_sealed, created_at, confirmed_at) VALUES ($1, $2, $3, $3)`,
			other, sealed, t0); err != nil {
			t.Fatal(err)
		}
		if err := app.Validate(ctx, w, other, appCode(t, e.Secret, step(7)), step(7)); err == nil || errors.Is(err, otp.ErrWrongCode) {
			t.Fatalf("a secret copied to another account: %v, want a failure to open it", err)
		}

		if err := app.Remove(ctx, w, id); err != nil {
			t.Fatal(err)
		}
		if err := app.Validate(ctx, w, id, appCode(t, e.Secret, step(7)), step(7)); !errors.Is(err, otp.ErrNotEnrolled) {
			t.Fatalf("after Remove: %v, want ErrNotEnrolled", err)
		}
		if err := app.Remove(ctx, w, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a second Remove: %v, want ErrNotFound", err)
		}
	})
}

func TestTOTPReEnrolReplacesAPendingSecret(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		app, err := otp.NewTOTP(newSealer(t), "Example CU")
		if err != nil {
			t.Fatal(err)
		}
		first, err := app.Enrol(ctx, db.Writer(), id, "member", t0)
		if err != nil {
			t.Fatal(err)
		}
		second, err := app.Enrol(ctx, db.Writer(), id, "member", t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		at := t0.Add(time.Minute)
		if appCode(t, first.Secret, at) != appCode(t, second.Secret, at) {
			if err := app.Confirm(ctx, db.Writer(), id, appCode(t, first.Secret, at), at); !errors.Is(err, otp.ErrWrongCode) {
				t.Fatalf("confirming with the replaced secret: %v, want ErrWrongCode", err)
			}
		}
		if err := app.Confirm(ctx, db.Writer(), id, appCode(t, second.Secret, at), at); err != nil {
			t.Fatalf("confirming with the new secret: %v", err)
		}
	})
}

func TestNewTOTPNeedsASealerAndAnIssuer(t *testing.T) {
	t.Parallel()
	if _, err := otp.NewTOTP(nil, "x"); err == nil {
		t.Error("no sealer accepted")
	}
	if _, err := otp.NewTOTP(newSealer(t), ""); err == nil {
		t.Error("no issuer accepted")
	}
}

func TestTOTPParallelReplayAcceptsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db, "member")
		app, err := otp.NewTOTP(newSealer(t), "Example CU")
		if err != nil {
			t.Fatal(err)
		}
		e, err := app.Enrol(ctx, db.Writer(), id, "member", t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := app.Confirm(ctx, db.Writer(), id, appCode(t, e.Secret, t0), t0); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(otp.TOTPPeriod)
		code := appCode(t, e.Secret, at)
		errs := make([]error, 10)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = app.Validate(ctx, db.Writer(), id, code, at) })
		}
		wg.Wait()
		accepted := 0
		for _, err := range errs {
			switch {
			case err == nil:
				accepted++
			case !errors.Is(err, otp.ErrReplayed):
				t.Errorf("unexpected result: %v", err)
			}
		}
		if accepted != 1 {
			t.Fatalf("one code sent 10 times at once was accepted %d times, want once", accepted)
		}
	})
}
