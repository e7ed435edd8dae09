// Package signin owns the institution's sign-in decisions that its three
// front doors share (the member site, OFX Direct Connect and the JSON API):
// whose member a sign-in is, which step-up methods that member can use right
// now, what a login must ask after the password given the risk engine's
// decision, and the words a refusal is explained in. The doors differ only in
// how they ask (a page, an MFA challenge, a JSON challenge), never in what.
package signin

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
)

// QuestionMode is how the member's questions are asked (S9): the member's
// own mode when staff set one (carol answers two of three), or the
// institution's.
func QuestionMode(app *bankapp.App, m *institution.Member) challenge.Mode {
	if m != nil && m.QuestionMode != "" {
		return challenge.Mode(m.QuestionMode)
	}
	return challenge.Mode(app.Members.Policy().QuestionMode)
}

// MemberOfAccount returns the member a sign-in belongs to: the member, or
// for a delegate the member whose accounts they may read (own is false).
func MemberOfAccount(ctx context.Context, app *bankapp.App, accountID int64) (m *institution.Member, own bool, err error) {
	q := app.DB.Reader()
	m, err = institution.MemberBySecurityAccount(ctx, q, accountID)
	if err == nil {
		return m, true, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	d, err := institution.DelegateBySecurityAccount(ctx, q, accountID)
	if err != nil {
		return nil, false, fmt.Errorf("signin: sign-in %d belongs to no member: %w", accountID, err)
	}
	m, err = institution.GetMember(ctx, q, d.MemberID)
	return m, false, err
}

// Methods is what a member can use to pass a step-up right now.
type Methods struct {
	Methods      []risk.Method // usable, in the institution's order of preference
	Phones       []*phone.Phone
	HasQuestions bool
	Blocked      map[risk.Method]bool
}

// Has reports whether m is usable.
func (ms Methods) Has(m risk.Method) bool { return slices.Contains(ms.Methods, m) }

// StepUpMethods lists the methods the member can pass a step-up with now,
// in the order of the institution's policy (risk.Policy.StepUpMethods):
//
//   - questions, where the policy takes them as a second factor, the member
//     has set them, and the member is not at the High level (S18: High means
//     a code at every login, which questions are not);
//   - a PIN by text or by call to each phone that can receive it (S13, S14);
//   - the call-back (S15), a PIN read out by an automated call;
//   - a one-time access code, when staff have issued one (S16).
//
// Methods the lockout has blocked are left out (S4); PINs, calls and the
// call-back share the PIN counter. Authenticator apps and recovery codes
// are not offered by the institution's doors.
//
// The engine's risk.Decision lists only the phone methods among these; the
// list is completed here from the same sources (phones, questions, the
// lockout, access codes) until the engine does.
func StepUpMethods(ctx context.Context, app *bankapp.App, a *account.Account) (Methods, error) {
	q := app.DB.Reader()
	pol := app.Members.Policy()
	ms := Methods{Blocked: map[risk.Method]bool{}}
	states, err := lockout.States(ctx, q, a.ID)
	if err != nil {
		return ms, fmt.Errorf("signin: step-up methods: %w", err)
	}
	for _, st := range states {
		if st.Failures >= pol.LockoutAfter {
			ms.Blocked[risk.Method(st.Method)] = true
		}
	}
	if ms.Blocked[risk.MethodPIN] {
		ms.Blocked[risk.MethodSMS], ms.Blocked[risk.MethodVoice], ms.Blocked[risk.MethodCallback] = true, true, true
	}
	if ms.Phones, err = phone.List(ctx, q, a.ID); err != nil {
		return ms, err
	}
	if ms.HasQuestions, err = challenge.HasQuestions(ctx, q, a.ID); err != nil {
		return ms, err
	}
	channels := map[phone.Channel]bool{}
	for _, ph := range ms.Phones {
		for _, c := range app.Phones.ChannelsFor(ph) {
			channels[c] = true
		}
	}
	accessCode, err := HasActiveAccessCode(ctx, app, a.ID)
	if err != nil {
		return ms, err
	}
	for _, m := range pol.Risk.StepUpMethods {
		ok := false
		switch m {
		case risk.MethodQuestions:
			ok = pol.QuestionsAsSecondFactor && ms.HasQuestions && a.SecurityLevel != account.High
		case risk.MethodSMS:
			ok = channels[phone.SMS]
		case risk.MethodVoice:
			ok = channels[phone.Voice]
		case risk.MethodCallback:
			ok = channels[phone.Voice]
		case risk.MethodAccessCode:
			ok = accessCode
		}
		if ok && !ms.Blocked[m] {
			ms.Methods = append(ms.Methods, m)
		}
	}
	return ms, nil
}

// HasActiveAccessCode reports whether staff issued the account a one-time
// access code that is still usable (S16).
func HasActiveAccessCode(ctx context.Context, app *bankapp.App, accountID int64) (bool, error) {
	codes, err := otp.ListAccessCodes(ctx, app.DB.Reader(), accountID)
	if err != nil {
		return false, fmt.Errorf("signin: access codes: %w", err)
	}
	now := app.Clock.Now()
	for _, c := range codes {
		if c.Status(now) == otp.AccessCodeActive {
			return true, nil
		}
	}
	return false, nil
}

// Plan is what a login asks after the password.
type Plan struct {
	Deny            bool
	Reasons         []string // the reason codes of a refusal or a step-up
	StepUp          bool
	Question        bool // the rotating question of every login (member site)
	QuestionsStepUp bool // right answers to the questions pass the step-up
	Enrol           risk.Enrolment
	Methods         Methods
}

// PlanLogin turns the risk engine's decision into the login's steps:
//
//   - In the rotating mode (S9, "asked at every login") with questions as a
//     second factor (the seed policy), every login on the member site
//     answers one question (Question); in two-of-three mode (NetSafe)
//     questions are a step-up method only. The machine doors do not ask the
//     every-login question: it is a screen of the site, not a step-up.
//   - A step-up (S18–S20) asks for one of the usable methods; right answers
//     to the every-login question pass it when questions are among them.
//   - Blocked questions do not end the login: another method is asked for
//     instead (S4: "other methods stay available"). With no method left the
//     login is refused, and the member must call.
func PlanLogin(ctx context.Context, app *bankapp.App, a *account.Account, m *institution.Member, d risk.Decision) (Plan, error) {
	pol := app.Members.Policy()
	ms, err := StepUpMethods(ctx, app, a)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Enrol: d.EnrolTwoFactor, Reasons: d.Codes(), Methods: ms}
	switch d.Outcome {
	case risk.StepUp:
		p.StepUp = true
	case risk.Deny:
		// The engine refuses a step-up it finds no method for; it does not
		// see questions, the call-back or access codes yet, so a refusal for
		// that reason alone is a step-up when one is found here.
		if !onlyNoMethod(d) || len(ms.Methods) == 0 {
			return Plan{Deny: true, Reasons: DenyCodes(d)}, nil
		}
		p.StepUp = true
	}
	rotating := QuestionMode(app, m) == challenge.Rotating && pol.QuestionsAsSecondFactor && ms.HasQuestions
	if rotating && !ms.Blocked[risk.MethodQuestions] {
		p.Question = true
	} else if rotating {
		p.StepUp = true // questions blocked: another method instead
	}
	p.QuestionsStepUp = ms.Has(risk.MethodQuestions)
	if p.StepUp && len(ms.Methods) == 0 {
		return Plan{Deny: true, Reasons: []string{risk.ReasonNoStepUpMethod}}, nil
	}
	return p, nil
}

func onlyNoMethod(d risk.Decision) bool {
	codes := DenyCodes(d)
	return len(codes) == 1 && codes[0] == risk.ReasonNoStepUpMethod
}

// DenyCodes are the reason codes of the decision's refusing reasons.
func DenyCodes(d risk.Decision) []string {
	var out []string
	for _, r := range d.Reasons {
		if r.Effect == risk.EffectDeny {
			out = append(out, r.Code)
		}
	}
	return out
}

// DenialMessage says why a sign-in or a transfer was refused, in words a
// member can act on. The reasons' details are for staff and not shown.
func DenialMessage(code string) string {
	switch code {
	case risk.ReasonGeoBlocked:
		return "Your Personal Internet Branch settings do not allow online banking from where you are now. Sign in from a place you allow, or call us to change the setting."
	case risk.ReasonPCNotRegistered:
		return "Your settings allow sign-in only from computers you have registered, and this one is not registered. Sign in from a registered computer, or call us to change the setting."
	case risk.ReasonOutsideHours:
		return "Your settings do not allow online banking at this day and time. Try again during the days and hours you chose, or call us."
	case risk.ReasonHighRiskScore:
		return "We could not confirm that this is you. Please call us."
	case risk.ReasonNoStepUpMethod:
		return "We need to confirm it's you, but no way to do it is left: your security questions and codes are blocked or not set up. Please call us to unblock them."
	}
	return "Online banking is not available with your settings at the moment. Please call us."
}

// Assess asks the risk engine about a login of a, from where and on the
// device meta says, and plans it; see AssessMember. A door that has already
// looked up the member calls AssessMember instead.
func Assess(ctx context.Context, app *bankapp.App, a *account.Account, meta auth.Meta) (Plan, error) {
	m, own, err := MemberOfAccount(ctx, app, a.ID)
	if err != nil {
		return Plan{}, err
	}
	return AssessMember(ctx, app, a, m, own, meta)
}

// AssessMember asks the risk engine about a login of a, member m's sign-in
// (own is false for a delegate's), from where and on the device meta says,
// under the member's layered controls (S19–S21; a delegate's sign-in has
// none of the member's), and plans it.
func AssessMember(ctx context.Context, app *bankapp.App, a *account.Account, m *institution.Member, own bool, meta auth.Meta) (Plan, error) {
	var controls risk.Controls
	if own {
		controls = m.Controls
	}
	d, err := app.Members.Assess(ctx, a, meta, risk.ActionLogin, 0, controls)
	if err != nil {
		return Plan{}, err
	}
	return PlanLogin(ctx, app, a, m, d)
}
