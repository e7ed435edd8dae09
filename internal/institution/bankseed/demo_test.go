package bankseed_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// engine is the institution's security engine on db, as the server builds
// it, with test hashing parameters and a fake clock.
func engine(t *testing.T, db *store.DB) *auth.Engine {
	t.Helper()
	hasher, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := otp.NewCodes([]byte("test code key, 32 bytes or more!"))
	if err != nil {
		t.Fatal(err)
	}
	fake := clock.NewFake(now)
	e, err := auth.New(auth.Config{
		DB: db, Realm: "institution", Name: bankseed.DemoName, Policy: policy.Seed(),
		Hasher: hasher, Clock: fake, Codes: codes, Sender: notify.NewDevOutbox(db, fake), Phones: phone.DefaultPolicy(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestDemo(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := engine(t, db)
		demo, err := bankseed.Demo(ctx, db, e, now)
		if err != nil {
			t.Fatal(err)
		}
		var usernames []string
		byName := map[string]bankseed.DemoMember{}
		for _, m := range demo.Members {
			usernames = append(usernames, m.Username)
			byName[m.Username] = m
		}
		if !slices.Equal(usernames, []string{"alice", "bob", "carol", "dave", "erin"}) || demo.Password != "Demo-pass-2026" {
			t.Fatalf("demo members %v, password %q", usernames, demo.Password)
		}
		if n := len(members(t, db)); n != 25 {
			t.Fatalf("%d members, want 20 generated and the five demo members", n)
		}

		// Everyone signs in with the password and answers the questions.
		answers := map[challenge.QuestionID]string{}
		for _, a := range demo.Answers {
			answers[a.QuestionID] = a.Answer
		}
		if answers["MFA5"] != "blue" || answers["MFA6"] != "rex" || answers["MFA1"] != "paris" || demo.Answers[0].Question == "" {
			t.Fatalf("answers %+v", demo.Answers)
		}
		for _, m := range demo.Members {
			res, err := e.CheckPassword(ctx, m.Username, "Demo-pass-2026", auth.Meta{IP: "127.0.0.1"})
			if err != nil {
				t.Fatalf("%s signs in: %v", m.Username, err)
			}
			if res.MustChangePassword {
				t.Errorf("%s must change the demo password", m.Username)
			}
			if err := e.AnswerAllQuestions(ctx, res.Account, answers, auth.Meta{IP: "127.0.0.1"}); err != nil {
				t.Errorf("%s answers blue, rex, paris: %v", m.Username, err)
			}
			member, err := institution.MemberBySecurityAccount(ctx, db.Reader(), res.Account.ID)
			if err != nil || member.Number != m.MemberNumber || member.Watermark == "" || m.Watermark != member.Watermark {
				t.Errorf("%s: member %+v, %v", m.Username, member, err)
			}
		}

		alice := byName["alice"]
		wantPhones := []bankseed.DemoPhone{{Number: "+12025550101", Kind: phone.Mobile, Role: phone.Primary}, {Number: "+12025550102", Kind: phone.Landline, Role: phone.Recovery}}
		if alice.Level != account.Standard || !reflect.DeepEqual(alice.Phones, wantPhones) || !slices.Equal(types(alice), []institution.AccountType{institution.Checking, institution.Savings, institution.CreditCard}) {
			t.Errorf("alice: %+v", alice)
		}
		bob := byName["bob"]
		if bob.Level != account.High || !bob.TwoFactorEnrolled || !reflect.DeepEqual(bob.Phones, []bankseed.DemoPhone{{Number: "+12025550111", Kind: phone.Mobile, Role: phone.Primary}}) {
			t.Errorf("bob: %+v", bob)
		}
		if a, err := account.Get(ctx, db.Reader(), bob.SecurityAccountID); err != nil || a.SecurityLevel != account.High || a.TwoFactorEnrolledAt.IsZero() {
			t.Errorf("bob's sign-in: %+v %v", a, err)
		}

		carol, err := institution.MemberByNumber(ctx, db.Reader(), byName["carol"].MemberNumber)
		if err != nil || carol.QuestionMode != "two_of_three" || !slices.Equal(demo.TwoOfThree, []string{"carol"}) {
			t.Errorf("carol: question mode %q, two-of-three members %v, %v", carol.QuestionMode, demo.TwoOfThree, err)
		}

		checkDave(t, db, byName["dave"])

		erin, err := institution.MemberByNumber(ctx, db.Reader(), byName["erin"].MemberNumber)
		if err != nil || !slices.Equal(erin.Controls.GeoAllow, []string{"US"}) || !erin.Controls.PCRegistrationRequired {
			t.Errorf("erin's controls: %+v %v", erin.Controls, err)
		}

		// The demo members have the history of any other member.
		checkShape(t, db, today)

		// A second start finds the demo bank and adds nothing.
		rows := func() []int {
			var n []int
			for _, table := range []string{"bank_member", "bank_account", "bank_transaction", "bank_statement", "security_account", "security_phone", "challenge_question"} {
				n = append(n, count(t, db, `SELECT COUNT(*) FROM `+table))
			}
			return n
		}
		before := rows()
		again, err := bankseed.Demo(ctx, db, e, now.AddDate(0, 0, 3))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, demo) {
			t.Errorf("the second start describes another demo bank:\n%+v\n%+v", again, demo)
		}
		if after := rows(); !slices.Equal(after, before) {
			t.Errorf("the second start changed the bank: rows %v, then %v", before, after)
		}
	})
}

func types(m bankseed.DemoMember) []institution.AccountType {
	var out []institution.AccountType
	for _, a := range m.Accounts {
		out = append(out, a.Type)
	}
	return out
}

// checkDave: one account closed last month, emptied by a transfer to his
// checking first.
func checkDave(t *testing.T, db *store.DB, dave bankseed.DemoMember) {
	t.Helper()
	accounts, err := institution.Accounts(context.Background(), db.Reader(), dave.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	var closed []*institution.Account
	var checking *institution.Account
	for _, a := range accounts {
		if a.Closed() {
			closed = append(closed, a)
		}
		if a.Type == institution.Checking {
			checking = a
		}
	}
	if len(closed) != 1 || checking == nil {
		t.Fatalf("dave has %d closed accounts, want one, and a checking account", len(closed))
	}
	c := closed[0]
	lastMonth := today.AddDate(0, 0, -today.Day()) // the last day of last month
	if c.Balance != 0 || c.ClosedAt.Year() != lastMonth.Year() || c.ClosedAt.Month() != lastMonth.Month() {
		t.Errorf("dave's closed account: balance %d, closed %s", c.Balance, c.ClosedAt)
	}
	rows := history(t, db, c.ID)
	out := rows[len(rows)-1]
	closedOn := time.Date(c.ClosedAt.Year(), c.ClosedAt.Month(), c.ClosedAt.Day(), 0, 0, 0, 0, time.UTC)
	if out.Type != "XFER" || out.Amount >= 0 || !out.Date.Equal(closedOn) {
		t.Fatalf("the last row of dave's closed account is %+v, want the transfer of its balance on the closing day", out)
	}
	var in bool
	for _, tr := range history(t, db, checking.ID) {
		in = in || (tr.Type == "XFER" && tr.Amount == -out.Amount && tr.Date.Equal(out.Date))
	}
	if !in {
		t.Errorf("the %d moved out of dave's closed account did not reach his checking", -out.Amount)
	}
}

func TestDemoRefusesAPartialDemoBank(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := bankseed.Generate(ctx, db, bankseed.Options{Members: 1, Months: 1, Seed: bankseed.DemoSeed, Now: now, MemberNumberPrefix: bankseed.DemoMemberNumberPrefix}); err != nil {
			t.Fatal(err)
		}
		if _, err := bankseed.Demo(ctx, db, engine(t, db), now); !errors.Is(err, bankseed.ErrDemoIncomplete) {
			t.Fatalf("demo on a bank holding a demo member number: %v, want ErrDemoIncomplete", err)
		}
	})
}
