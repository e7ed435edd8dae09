package bankseed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	secaccount "github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
)

// The demo bank (issue 4, "Demo bank").
const (
	DemoName     = "Demo Community Bank"
	DemoPassword = "Demo-pass-2026"
	// DemoRealm is the security realm the demo members sign in to.
	DemoRealm = "institution"
	// DemoSeed, DemoMembers and DemoMonths are the Generate options of the
	// demo bank's other members, numbered DemoMemberNumberPrefix + 000001…
	DemoSeed               = 2026
	DemoMembers            = 20
	DemoMonths             = 13
	DemoMemberNumberPrefix = "D"
)

// DemoBank is what the README tells a visitor: who can sign in, with
// what, and what each member shows.
type DemoBank struct {
	Name     string
	Password string // every demo member's
	Answers  []DemoAnswer
	Members  []DemoMember // alice, bob, carol, dave, erin
	// TwoOfThree lists the members asked two of their three questions at
	// once instead of the policy's rotating one (bank_member.question_mode).
	TwoOfThree []string
	// Generated is how many other (not enrolled) members Generate made.
	Generated int
}

// DemoAnswer is one of the security questions every demo member set.
type DemoAnswer struct {
	QuestionID challenge.QuestionID
	Question   string
	Answer     string
}

// DemoMember is one member who signs in to the demo bank.
type DemoMember struct {
	Username          string
	Name              string
	MemberNumber      string
	MemberID          int64
	SecurityAccountID int64
	Level             secaccount.Level
	TwoFactorEnrolled bool
	Watermark         string
	Phones            []DemoPhone
	Accounts          []DemoAccount
	Shows             string // what the member demonstrates, for the README
}

// DemoPhone is a demo member's phone.
type DemoPhone struct {
	Number string // E.164
	Kind   phone.Kind
	Role   phone.Role
}

// DemoAccount is one of a demo member's accounts.
type DemoAccount struct {
	Number string
	Type   institution.AccountType
	Closed bool
}

// demoAnswers are the demo's questions: favorite color, first pet's name,
// city of birth.
func demoAnswers() []DemoAnswer {
	out := []DemoAnswer{{QuestionID: "MFA5", Answer: "blue"}, {QuestionID: "MFA6", Answer: "rex"}, {QuestionID: "MFA1", Answer: "paris"}}
	for i := range out {
		if q, ok := challenge.Lookup(out[i].QuestionID); ok {
			out[i].Question = q.Label
		}
	}
	return out
}

// demoMember is how a named demo member is made.
type demoMember struct {
	username, first, last  string
	checking, savings, crd bool
	closeSavings           bool // closed last month, its balance moved to checking
	level                  secaccount.Level
	twoFactor              bool
	phones                 []phone.New
	questionMode           string
	controls               risk.Controls
	watermark              string
	shows                  string
}

func demoMembers() []demoMember {
	return []demoMember{
		{username: "alice", first: "Alice", last: "Archer", checking: true, savings: true, crd: true,
			level: secaccount.Standard, twoFactor: true, watermark: "lighthouse",
			phones: []phone.New{
				{Number: "+1 202 555 0101", Kind: phone.Mobile, Role: phone.Primary, Label: "Mobile"},
				{Number: "+1 202 555 0102", Kind: phone.Landline, Role: phone.Recovery, Label: "Home"},
			},
			shows: "Standard level: a code only when the login looks risky; mobile and a landline recovery phone; checking, savings and a credit card"},
		{username: "bob", first: "Bob", last: "Brennan", checking: true, crd: true,
			level: secaccount.High, twoFactor: true, watermark: "sailboat",
			phones: []phone.New{{Number: "+1 202 555 0111", Kind: phone.Mobile, Role: phone.Primary, Label: "Mobile"}},
			shows:  "High level: a code at every login; mobile only"},
		{username: "carol", first: "Carol", last: "Castillo", checking: true, savings: true,
			level: secaccount.Standard, questionMode: "two_of_three", watermark: "mountain",
			shows: "questions asked two of three at once; not enrolled in two-factor sign-in (offered with \"skip for now\")"},
		{username: "dave", first: "Dave", last: "Dawson", checking: true, savings: true, closeSavings: true,
			level: secaccount.Standard, watermark: "compass",
			shows: "savings account closed last month, its balance moved to checking"},
		{username: "erin", first: "Erin", last: "Ellison", checking: true, savings: true, crd: true,
			level: secaccount.Standard, watermark: "sunflower",
			controls: risk.Controls{GeoAllow: []string{"US"}, PCRegistrationRequired: true},
			shows:    "online banking from the US only, and only from a registered computer"},
	}
}

func demoNumber(i int) string { return fmt.Sprintf("%s%06d", DemoMemberNumberPrefix, 101+i) }

// ErrDemoIncomplete refuses a database holding part of the demo bank.
var ErrDemoIncomplete = errors.New("the database holds part of the demo bank (an earlier start stopped half way): start from an empty database")

// Demo creates the demo bank of issue 4 on a migrated database: DemoMembers
// generated members with DemoMonths of history, and alice, bob, carol,
// dave and erin with the same kind of history, enrolled online with
// DemoPassword and the DemoAnswers through engine (realm DemoRealm). On a
// database that already has the demo bank (found by member number) it
// changes nothing and returns it. now is the bank's today.
func Demo(ctx context.Context, db *store.DB, engine *auth.Engine, now time.Time) (*DemoBank, error) {
	specs := demoMembers()
	found := 0
	for i := range specs {
		m, err := institution.MemberByNumber(ctx, db.Reader(), demoNumber(i))
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, fmt.Errorf("bankseed: demo bank: %w", err)
		case m.Enrolled():
			found++
		}
	}
	switch found {
	case len(specs):
		return loadDemo(ctx, db)
	case 0:
		if _, err := institution.MemberByNumber(ctx, db.Reader(), fmt.Sprintf("%s%06d", DemoMemberNumberPrefix, 1)); !errors.Is(err, store.ErrNotFound) {
			if err == nil {
				err = ErrDemoIncomplete
			}
			return nil, fmt.Errorf("bankseed: demo bank: %w", err)
		}
	default:
		return nil, fmt.Errorf("bankseed: demo bank: %w", ErrDemoIncomplete)
	}

	o := Options{Members: DemoMembers, Months: DemoMonths, Seed: DemoSeed, Now: now, MemberNumberPrefix: DemoMemberNumberPrefix}
	if _, err := Generate(ctx, db, o); err != nil {
		return nil, fmt.Errorf("bankseed: demo bank: %w", err)
	}
	b := o.bank()
	for i, spec := range specs {
		idx := 100 + i
		r := memberRand(b.seed, b.prefix, idx)
		p := drawProfile(r, demoNumber(i), b.today)
		p.member.FirstName, p.member.LastName = spec.first, spec.last
		p.member.Email = spec.username + "@example.com"
		if len(spec.phones) > 0 {
			p.member.PhoneOnFile = e164(spec.phones[0].Number)
		}
		p.checking, p.savings, p.card = spec.checking, spec.savings, spec.crd
		if spec.closeSavings {
			// Mid-month of last month.
			p.savingsCloseOn = time.Date(b.today.Year(), b.today.Month()-1, 15, 0, 0, 0, 0, time.UTC)
		}
		if _, err := b.writeMember(ctx, db, idx, r, p); err != nil {
			return nil, fmt.Errorf("bankseed: demo member %s: %w", spec.username, err)
		}
		if err := enrol(ctx, db, engine, &p.member, spec, now); err != nil {
			return nil, fmt.Errorf("bankseed: demo member %s: %w", spec.username, err)
		}
	}
	return loadDemo(ctx, db)
}

// e164 writes "+1 202 555 0101" as "+12025550101".
func e164(n string) string {
	out := make([]byte, 0, len(n))
	for i := 0; i < len(n); i++ {
		if c := n[i]; c == '+' || (c >= '0' && c <= '9') {
			out = append(out, c)
		}
	}
	return string(out)
}

// enrol sets a demo member up for online banking as the member would at
// enrolment: username, password, questions, phones, watermark, level and
// controls.
func enrol(ctx context.Context, db *store.DB, engine *auth.Engine, m *institution.Member, spec demoMember, now time.Time) error {
	var meta auth.Meta
	acct, err := secaccount.Create(ctx, db.Writer(), DemoRealm, spec.username, now)
	if err != nil {
		return err
	}
	accounts, err := institution.Accounts(ctx, db.Reader(), m.ID)
	if err != nil {
		return err
	}
	personal := password.Personal{FirstName: m.FirstName, LastName: m.LastName, Email: m.Email}
	for _, a := range accounts {
		personal.AccountNumbers = append(personal.AccountNumbers, a.Number)
	}
	problems, err := engine.ChangePassword(ctx, acct.ID, DemoPassword, personal, meta)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("the demo password breaks the policy's rules: %s", problems[0].Message)
	}
	var answers []challenge.Answer
	for _, a := range demoAnswers() {
		answers = append(answers, challenge.Answer{QuestionID: a.QuestionID, Text: a.Answer})
	}
	if err := engine.SetQuestions(ctx, acct, answers, meta); err != nil {
		return err
	}
	for _, n := range spec.phones {
		ph, err := phone.Add(ctx, db.Writer(), phone.DefaultPolicy(), acct.ID, n, now)
		if err != nil {
			return err
		}
		// The member confirmed it with a code at enrolment.
		if err := phone.MarkVerified(ctx, db.Writer(), acct.ID, ph.ID, now); err != nil {
			return err
		}
	}
	if spec.level != secaccount.Standard {
		if err := engine.SetSecurityLevel(ctx, acct, spec.level, meta); err != nil {
			return err
		}
	}
	if spec.twoFactor {
		if err := engine.SetTwoFactor(ctx, acct, true, meta); err != nil {
			return err
		}
	}
	if spec.questionMode != "" {
		if err := institution.SetQuestionMode(ctx, db.Writer(), m.ID, spec.questionMode); err != nil {
			return err
		}
	}
	if err := institution.SetControls(ctx, db.Writer(), m.ID, spec.controls); err != nil {
		return err
	}
	if err := institution.SetWatermark(ctx, db.Writer(), m.ID, spec.watermark); err != nil {
		return err
	}
	// Last: a linked member is what marks the demo member as complete.
	return institution.LinkSecurityAccount(ctx, db.Writer(), m.ID, acct.ID)
}

// loadDemo reads the demo bank back, so a first and a later start describe
// it alike.
func loadDemo(ctx context.Context, db *store.DB) (*DemoBank, error) {
	d := &DemoBank{Name: DemoName, Password: DemoPassword, Answers: demoAnswers(), Generated: DemoMembers}
	for i, spec := range demoMembers() {
		m, err := institution.MemberByNumber(ctx, db.Reader(), demoNumber(i))
		if err != nil {
			return nil, fmt.Errorf("bankseed: demo bank: %w", err)
		}
		a, err := secaccount.Get(ctx, db.Reader(), m.SecurityAccountID)
		if err != nil {
			return nil, fmt.Errorf("bankseed: demo bank: %w", err)
		}
		dm := DemoMember{Username: a.Username, Name: m.Name(), MemberNumber: m.Number, MemberID: m.ID, SecurityAccountID: a.ID,
			Level: a.SecurityLevel, TwoFactorEnrolled: !a.TwoFactorEnrolledAt.IsZero(), Watermark: m.Watermark, Shows: spec.shows}
		phones, err := phone.List(ctx, db.Reader(), a.ID)
		if err != nil {
			return nil, fmt.Errorf("bankseed: demo bank: %w", err)
		}
		for _, ph := range phones {
			dm.Phones = append(dm.Phones, DemoPhone{Number: ph.Number, Kind: ph.Kind, Role: ph.Role})
		}
		accounts, err := institution.Accounts(ctx, db.Reader(), m.ID)
		if err != nil {
			return nil, fmt.Errorf("bankseed: demo bank: %w", err)
		}
		for _, ac := range accounts {
			dm.Accounts = append(dm.Accounts, DemoAccount{Number: ac.Number, Type: ac.Type, Closed: ac.Closed()})
		}
		if m.QuestionMode == "two_of_three" {
			d.TwoOfThree = append(d.TwoOfThree, dm.Username)
		}
		d.Members = append(d.Members, dm)
	}
	return d, nil
}

// Member returns the demo member called username.
func (d *DemoBank) Member(username string) (DemoMember, bool) {
	for _, m := range d.Members {
		if m.Username == username {
			return m, true
		}
	}
	return DemoMember{}, false
}

// DemoInfo is the demo bank's identity: its name, OFX ORG and FID, routing
// number and contact details.
func DemoInfo() bankapp.Info {
	return bankapp.Info{
		Name: DemoName, ORG: "DEMOBANK", FID: "9001", Routing: "123456780",
		Phone: "(202) 555-0100", Address: []string{"1 Demo Plaza", "Washington, DC 20001"}, Demo: true,
	}
}
