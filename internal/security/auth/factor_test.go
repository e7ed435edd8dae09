package auth_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// A member who lost their phone calls in; staff issue a one-time access code
// (S16), which works once and for at most the policy's 24 hours.
func TestStaffAccessCodeWorksOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "paul member", "Paul-Pine-12")
		staff := b.member(t, "staff member", "Staff-Desk-34")
		code, expires, err := b.engine.IssueAccessCode(ctx, a.ID, staff.ID, "lost phone, ID checked", auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if !expires.Equal(t0.Add(24 * time.Hour)) {
			t.Fatalf("access code expires %v, want 24 h after issue", expires)
		}
		if err := b.engine.RedeemAccessCode(ctx, a, code, auth.Meta{}); err != nil {
			t.Fatalf("the access code: %v", err)
		}
		if err := b.engine.RedeemAccessCode(ctx, a, code, auth.Meta{}); !errors.Is(err, otp.ErrUsed) {
			t.Fatalf("the access code again: %v, want ErrUsed", err)
		}
		code, _, _ = b.engine.IssueAccessCode(ctx, a.ID, staff.ID, "again", auth.Meta{})
		b.clock.Advance(24 * time.Hour)
		if err := b.engine.RedeemAccessCode(ctx, a, code, auth.Meta{}); !errors.Is(err, otp.ErrExpired) {
			t.Fatalf("an access code after 24 h: %v, want ErrExpired", err)
		}
		msgs := b.events(t, "access_code.issued")
		if len(msgs) != 2 || msgs[0].Actor != "account:"+strconv.FormatInt(staff.ID, 10) {
			t.Fatalf("access_code.issued events %+v, want two by the staff account", msgs)
		}
	})
}

// Self-enrolment (S7): an activation code by email, valid 24 hours.
func TestActivationCodeByEmailLasts24Hours(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a, err := account.Create(ctx, db.Writer(), "institution", "new member", t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.engine.SendActivationCode(ctx, a, "enrol-1", notify.Email, "quinn@example.com", auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		mail, err := b.outbox.Latest(ctx, "quinn@example.com", notify.Email)
		if err != nil {
			t.Fatal(err)
		}
		code := regexp.MustCompile(`\b\d{6}\b`).FindString(mail.Body)
		b.clock.Advance(23 * time.Hour)
		if err := b.engine.VerifyActivationCode(ctx, a, "enrol-1", code, auth.Meta{}); err != nil {
			t.Fatalf("the activation code after 23 h: %v", err)
		}
		if err := b.engine.SendActivationCode(ctx, a, "enrol-2", notify.Email, "quinn@example.com", auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		mail, _ = b.outbox.Latest(ctx, "quinn@example.com", notify.Email)
		code = regexp.MustCompile(`\b\d{6}\b`).FindString(mail.Body)
		b.clock.Advance(24 * time.Hour)
		if err := b.engine.VerifyActivationCode(ctx, a, "enrol-2", code, auth.Meta{}); !errors.Is(err, otp.ErrExpired) {
			t.Fatalf("the activation code after 24 h: %v, want ErrExpired", err)
		}
		// By text to the phone on file, which is not yet one of the account's phones.
		if err := b.engine.SendActivationCode(ctx, a, "enrol-3", notify.SMS, "+12025550101", auth.Meta{}); err != nil {
			t.Fatalf("an activation code by text: %v", err)
		}
		text, err := b.outbox.Latest(ctx, "+12025550101", notify.SMS)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.engine.VerifyActivationCode(ctx, a, "enrol-3", regexp.MustCompile(`\b\d{6}\b`).FindString(text.Body), auth.Meta{}); err != nil {
			t.Fatalf("the texted activation code: %v", err)
		}
	})
}

// "Skip for now" until the mandatory date (S17), then enrolment is required.
func TestTwoFactorSkipUntilMandatory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "rose member", "Rose-Garden-8")
		if err := b.engine.SetTwoFactor(ctx, a, false, auth.Meta{}); err != nil {
			t.Fatalf("skip before any mandatory date: %v", err)
		}
		got, _ := account.Get(ctx, db.Reader(), a.ID)
		if !got.TwoFactorSkippedAt.Equal(t0) {
			t.Fatalf("skipped at %v, want %v", got.TwoFactorSkippedAt, t0)
		}

		p := policy.Seed()
		p.Risk.TwoFactorMandatoryFrom = t0.Add(30 * 24 * time.Hour)
		june := setup(t, db, p, password.TestParams())
		june.clock.Advance(29 * 24 * time.Hour)
		if err := june.engine.SetTwoFactor(ctx, a, false, auth.Meta{}); err != nil {
			t.Fatalf("skip the day before the mandatory date: %v", err)
		}
		june.clock.Advance(24 * time.Hour)
		if err := june.engine.SetTwoFactor(ctx, a, false, auth.Meta{}); err == nil {
			t.Fatal("skip on the mandatory date was allowed")
		}
		if err := june.engine.SetTwoFactor(ctx, a, true, auth.Meta{}); err != nil {
			t.Fatalf("enrol on the mandatory date: %v", err)
		}
	})
}

// A password change signs out every other session (the thief's) and keeps
// the one making the change.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "sam member", "Sam-Sun-2026")
		pol := session.DefaultPolicy()
		mine, _, err := session.New(ctx, db.Writer(), pol, session.Params{AccountID: a.ID, Realm: "institution"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := session.New(ctx, db.Writer(), pol, session.Params{AccountID: a.ID, Realm: "institution"}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := b.engine.ChangePassword(ctx, a.ID, "Sam-New-Sun-2027", password.Personal{}, auth.Meta{SessionID: mine.ID}); err != nil {
			t.Fatal(err)
		}
		left, err := session.ListForAccount(ctx, db.Reader(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 1 || left[0].ID != mine.ID {
			t.Fatalf("sessions after the change: %d, want only the one that made it", len(left))
		}
		// A staff reset to a temporary password ends them all.
		if _, _, err := b.engine.IssueTemporaryPassword(ctx, a.ID, "staff:1", temppass.Facts{}, false, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if left, _ := session.ListForAccount(ctx, db.Reader(), a.ID); len(left) != 0 {
			t.Fatalf("%d sessions survived a staff reset", len(left))
		}
	})
}
