package auth_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var codeRE = regexp.MustCompile(`\b(\d{6})\b`)

// codeFor reads the newest code sent to number from the dev outbox.
func (b *bundle) codeFor(t *testing.T, number string, ch notify.Channel) string {
	t.Helper()
	e, err := b.outbox.Latest(context.Background(), number, ch)
	if err != nil {
		t.Fatalf("no %s to %s in the outbox: %v", ch, number, err)
	}
	m := codeRE.FindStringSubmatch(e.Body)
	if m == nil {
		t.Fatalf("no 6-digit code in %q", e.Body)
	}
	return m[1]
}

func (b *bundle) addPhone(t *testing.T, a *account.Account, number string, kind phone.Kind) *phone.Phone {
	t.Helper()
	ph, err := phone.Add(context.Background(), b.db.Writer(), phone.DefaultPolicy(), a.ID, phone.New{Number: number, Kind: kind, Role: phone.Primary}, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ph
}

// A known member on a known device at home is let in; the same member from a
// new device across the country half an hour later must prove it is them
// with a PIN by text, read here from the dev outbox.
func TestRiskDecidesTheStepUpAndAPINPassesIt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "henry member", "Home-Sweet-1")
		ph := b.addPhone(t, a, "(201) 555-0123", phone.Mobile)
		home := auth.Meta{IP: minneapolis, DeviceKnown: true, UserAgent: "Firefox"}

		// Five ordinary logins from home teach the engine what is usual.
		for range 5 {
			d, err := b.engine.Assess(ctx, a, home, risk.ActionLogin, 0, risk.Controls{})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.engine.CompleteLogin(ctx, a, home); err != nil {
				t.Fatal(err)
			}
			_ = d
			b.clock.Advance(24 * time.Hour)
		}
		d, err := b.engine.Assess(ctx, a, home, risk.ActionLogin, 0, risk.Controls{})
		if err != nil || d.Outcome != risk.Allow {
			t.Fatalf("home, known device: %v %v (%v), want Allow", d.Outcome, err, d.Codes())
		}
		if err := b.engine.CompleteLogin(ctx, a, home); err != nil {
			t.Fatal(err)
		}

		b.clock.Advance(30 * time.Minute)
		away := auth.Meta{IP: sanFrancisco, UserAgent: "Unknown browser"}
		d, err = b.engine.Assess(ctx, a, away, risk.ActionLogin, 0, risk.Controls{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != risk.StepUp || !d.HasReason(risk.ReasonImpossibleTravel) {
			t.Fatalf("San Francisco 30 minutes after Minneapolis: %v %v, want StepUp with impossible_travel", d.Outcome, d.Codes())
		}
		offered := false
		for _, m := range d.Methods {
			offered = offered || m == risk.MethodSMS
		}
		if !offered {
			t.Fatalf("step-up methods %v do not offer the phone on file", d.Methods)
		}

		masked, err := b.engine.SendCode(ctx, a, "flow-1", "login", ph.ID, phone.SMS, away)
		if err != nil {
			t.Fatal(err)
		}
		if masked == ph.Number || !regexp.MustCompile(`0123$`).MatchString(masked) {
			t.Fatalf("masked destination %q should hide all but the last digits", masked)
		}
		code := b.codeFor(t, ph.Number, notify.SMS)
		if err := b.engine.VerifyCode(ctx, a, "flow-1", "login", code, away); err != nil {
			t.Fatalf("the texted code: %v", err)
		}
		if err := b.engine.VerifyCode(ctx, a, "flow-1", "login", code, away); !errors.Is(err, otp.ErrUsed) {
			t.Fatalf("the same code again: %v, want ErrUsed", err)
		}
	})
}

// Three wrong PINs block PINs (S4) — and a resend does not reset the count.
func TestWrongPINsBlockPINsOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "iris member", "Iris-Flower-3")
		ph := b.addPhone(t, a, "(201) 555-0123", phone.Mobile)
		m := auth.Meta{IP: minneapolis}
		if _, err := b.engine.SendCode(ctx, a, "flow-2", "login", ph.ID, phone.SMS, m); err != nil {
			t.Fatal(err)
		}
		real := b.codeFor(t, ph.Number, notify.SMS)
		wrong := "000000"
		if real == wrong {
			wrong = "111111"
		}
		var wce *otp.WrongCodeError
		if err := b.engine.VerifyCode(ctx, a, "flow-2", "login", wrong, m); !errors.As(err, &wce) || wce.AttemptsLeft != 2 {
			t.Fatalf("first wrong code: %v, want 2 attempts left", err)
		}
		// "Send me a new code" keeps the count.
		if _, err := b.engine.SendCode(ctx, a, "flow-2", "login", ph.ID, phone.Voice, m); err != nil {
			t.Fatal(err)
		}
		if err := b.engine.VerifyCode(ctx, a, "flow-2", "login", wrong, m); !errors.As(err, &wce) || wce.AttemptsLeft != 1 {
			t.Fatalf("second wrong code after a resend: %v, want 1 attempt left", err)
		}
		if err := b.engine.VerifyCode(ctx, a, "flow-2", "login", wrong, m); !errors.Is(err, auth.ErrPINBlocked) {
			t.Fatalf("third wrong code: %v, want ErrPINBlocked", err)
		}
		if _, err := b.engine.SendCode(ctx, a, "flow-3", "login", ph.ID, phone.SMS, m); !errors.Is(err, auth.ErrPINBlocked) {
			t.Fatalf("a new code once PINs are blocked: %v, want ErrPINBlocked", err)
		}
		// The password still works: only the PIN method is blocked.
		if _, err := b.engine.CheckPassword(ctx, "iris member", "Iris-Flower-3", m); err != nil {
			t.Fatalf("the password after PINs were blocked: %v", err)
		}
		d, err := b.engine.Assess(ctx, a, m, risk.ActionLogin, 0, risk.Controls{})
		if err != nil {
			t.Fatal(err)
		}
		for _, method := range d.Methods {
			if method == risk.MethodSMS || method == risk.MethodVoice {
				t.Fatalf("blocked PINs are still offered: %v", d.Methods)
			}
		}
		if err := b.engine.Unblock(ctx, a.ID, lockout.PIN, "staff:1", m); err != nil {
			t.Fatal(err)
		}
		if _, err := b.engine.SendCode(ctx, a, "flow-4", "login", ph.ID, phone.SMS, m); err != nil {
			t.Fatalf("a code after staff unblocked PINs: %v", err)
		}
	})
}

func TestTextsGoOnlyWhereTheyCanBeRead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "jack member", "Jack-Box-55")
		uk, err := phone.Add(ctx, db.Writer(), phone.DefaultPolicy(), a.ID, phone.New{Number: "+44 7400 123456", Kind: phone.Mobile}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.engine.SendCode(ctx, a, "f", "login", uk.ID, phone.SMS, auth.Meta{}); !errors.Is(err, phone.ErrSMSInternational) {
			t.Fatalf("a text to a UK number: %v, want the international refusal", err)
		}
		land, err := phone.Add(ctx, db.Writer(), phone.DefaultPolicy(), a.ID, phone.New{Number: "201-555-0199", Kind: phone.Landline, Role: phone.Recovery}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.engine.SendCode(ctx, a, "f", "login", land.ID, phone.SMS, auth.Meta{}); !errors.Is(err, phone.ErrSMSLandline) {
			t.Fatalf("a text to a landline: %v, want the landline refusal", err)
		}
		if _, err := b.engine.SendCode(ctx, a, "f", "login", land.ID, phone.Voice, auth.Meta{}); err != nil {
			t.Fatalf("a call to the landline: %v", err)
		}
		if _, err := b.outbox.Latest(ctx, land.Number, notify.Voice); err != nil {
			t.Fatalf("no call in the outbox: %v", err)
		}
	})
}

func TestGeographicBlockDeniesAndTellsTheMember(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "kate member", "Kate-Kite-77")
		d, err := b.engine.Assess(ctx, a, auth.Meta{IP: "127.0.2.9"}, risk.ActionLogin, 0, risk.Controls{GeoBlock: []string{"RU"}})
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != risk.Deny || !d.HasReason(risk.ReasonGeoBlocked) {
			t.Fatalf("a login from Moscow with RU blocked: %v %v", d.Outcome, d.Codes())
		}
		if n := len(b.events(t, "login.denied")); n != 1 {
			t.Fatalf("%d login.denied events, want 1 (it feeds the message center)", n)
		}
	})
}

// A member with questions but no phone can still pass a step-up with the
// questions (seed policy), and a staff access code becomes a way in.
func TestStepUpOffersQuestionsAndAccessCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "vera member", "Vera-Vase-31")
		b.setQuestions(t, a)
		staff := b.member(t, "desk member", "Desk-Lamp-88")
		if _, _, err := b.engine.IssueAccessCode(ctx, a.ID, staff.ID, "lost phone", auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		d, err := b.engine.Assess(ctx, a, auth.Meta{IP: sanFrancisco}, risk.ActionLogin, 0, risk.Controls{})
		if err != nil {
			t.Fatal(err)
		}
		has := map[risk.Method]bool{}
		for _, m := range d.Methods {
			has[m] = true
		}
		if d.Outcome != risk.StepUp || !has[risk.MethodQuestions] || !has[risk.MethodAccessCode] || has[risk.MethodSMS] {
			t.Fatalf("a new device for a member with questions, an access code and no phone: %v %v", d.Outcome, d.Methods)
		}
	})
}
