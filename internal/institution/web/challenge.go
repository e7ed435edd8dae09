package web

import (
	"context"
	"fmt"
	"slices"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// questionMode is how the member's questions are asked (S9): the member's
// own mode when staff set one (carol answers two of three), or the
// institution's.
func (s *site) questionMode(m *institution.Member) challenge.Mode {
	if m != nil && m.QuestionMode != "" {
		return challenge.Mode(m.QuestionMode)
	}
	return challenge.Mode(s.app.Members.Policy().QuestionMode)
}

// askQuestions asks the member's questions in mode (the member's own, or
// the institution's).
func (s *site) askQuestions(ctx context.Context, a *account.Account, mode challenge.Mode) ([]challenge.Prompt, error) {
	return s.app.Members.AskQuestionsIn(ctx, a, mode)
}

// methodSet is what a member can use to pass a step-up right now.
type methodSet struct {
	Methods      []risk.Method // usable, in the institution's order of preference
	Phones       []*phone.Phone
	HasQuestions bool
	Blocked      map[risk.Method]bool
}

func (ms methodSet) has(m risk.Method) bool { return slices.Contains(ms.Methods, m) }

// stepUpMethods lists the methods the member can pass a step-up with now,
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
// are not offered by this site.
//
// The engine's risk.Decision lists only the phone methods among these; the
// site completes the list from the same sources (phones, questions, the
// lockout, access codes) until the engine does.
func (s *site) stepUpMethods(ctx context.Context, a *account.Account) (methodSet, error) {
	q := s.app.DB.Reader()
	pol := s.app.Members.Policy()
	ms := methodSet{Blocked: map[risk.Method]bool{}}
	states, err := lockout.States(ctx, q, a.ID)
	if err != nil {
		return ms, fmt.Errorf("web: step-up methods: %w", err)
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
		for _, c := range s.app.Phones.ChannelsFor(ph) {
			channels[c] = true
		}
	}
	accessCode, err := s.hasActiveAccessCode(ctx, a.ID)
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

func (s *site) hasActiveAccessCode(ctx context.Context, accountID int64) (bool, error) {
	codes, err := otp.ListAccessCodes(ctx, s.app.DB.Reader(), accountID)
	if err != nil {
		return false, fmt.Errorf("web: access codes: %w", err)
	}
	now := s.now()
	for _, c := range codes {
		if c.Status(now) == otp.AccessCodeActive {
			return true, nil
		}
	}
	return false, nil
}

// loginPlan is what the login asks after the password.
type loginPlan struct {
	Deny            bool
	Reasons         []string // the reason codes of a refusal or a step-up
	StepUp          bool
	Question        bool // the rotating question of every login
	QuestionsStepUp bool
	Enrol           risk.Enrolment
}

// planLogin turns the risk engine's decision into the login's steps:
//
//   - In the rotating mode (S9, "asked at every login") with questions as a
//     second factor (the seed policy), every login answers one question; in
//     two-of-three mode (NetSafe) questions are a step-up method only.
//   - A step-up (S18–S20) asks for one of the usable methods; right answers
//     to the every-login question pass it when questions are among them.
//   - Blocked questions do not end the login: another method is asked for
//     instead (S4: "other methods stay available"). With no method left the
//     login is refused, and the member must call.
func (s *site) planLogin(ctx context.Context, a *account.Account, m *institution.Member, d risk.Decision) (loginPlan, error) {
	pol := s.app.Members.Policy()
	ms, err := s.stepUpMethods(ctx, a)
	if err != nil {
		return loginPlan{}, err
	}
	p := loginPlan{Enrol: d.EnrolTwoFactor, Reasons: d.Codes()}
	switch d.Outcome {
	case risk.StepUp:
		p.StepUp = true
	case risk.Deny:
		// The engine refuses a step-up it finds no method for; it does not
		// see questions, the call-back or access codes yet, so a refusal for
		// that reason alone is a step-up when the site finds one.
		if !onlyNoMethod(d) || len(ms.Methods) == 0 {
			return loginPlan{Deny: true, Reasons: denyCodes(d)}, nil
		}
		p.StepUp = true
	}
	rotating := s.questionMode(m) == challenge.Rotating && pol.QuestionsAsSecondFactor && ms.HasQuestions
	if rotating && !ms.Blocked[risk.MethodQuestions] {
		p.Question = true
	} else if rotating {
		p.StepUp = true // questions blocked: another method instead
	}
	p.QuestionsStepUp = ms.has(risk.MethodQuestions)
	if p.StepUp && len(ms.Methods) == 0 {
		return loginPlan{Deny: true, Reasons: []string{risk.ReasonNoStepUpMethod}}, nil
	}
	return p, nil
}

func onlyNoMethod(d risk.Decision) bool {
	codes := denyCodes(d)
	return len(codes) == 1 && codes[0] == risk.ReasonNoStepUpMethod
}

func denyCodes(d risk.Decision) []string {
	var out []string
	for _, r := range d.Reasons {
		if r.Effect == risk.EffectDeny {
			out = append(out, r.Code)
		}
	}
	return out
}

// denialMessage says why a sign-in or a transfer was refused, in words a
// member can act on. The reasons' details are for staff and not shown.
func denialMessage(code string) string {
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
