package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
)

// The ways of passing a step-up, as the challenge pages name them.
const (
	viaPIN        = "pin"         // a code by text or call to a chosen phone (S14)
	viaCallback   = "callback"    // "we will call you": a code read out by an automated call (S15)
	viaQuestions  = "questions"   // challenge questions (S9)
	viaAccessCode = "access_code" // the one-time access code staff issued (S16)
	viaOptions    = "options"     // "more options": every way there is
)

// verifyChoice is what a challenge page shows: one way, or the list.
type verifyChoice struct {
	Via     string
	PhoneID int64
	Channel phone.Channel
	Sent    bool // a code went out: ask for it
}

// choiceOf reads the choice from the page's query.
func choiceOf(r *http.Request) verifyChoice {
	q := r.URL.Query()
	id, _ := strconv.ParseInt(q.Get("phone"), 10, 64)
	return verifyChoice{Via: q.Get("via"), PhoneID: id, Channel: phone.Channel(q.Get("channel")), Sent: q.Get("sent") == "1"}
}

// query is the choice as a query string (without the flow).
func (c verifyChoice) query() string {
	v := url.Values{"via": {c.Via}}
	if c.PhoneID != 0 {
		v.Set("phone", strconv.FormatInt(c.PhoneID, 10))
		v.Set("channel", string(c.Channel))
	}
	if c.Sent {
		v.Set("sent", "1")
	}
	return v.Encode()
}

// phoneOption is one phone and channel of "more options" (S14).
type phoneOption struct {
	PhoneID int64
	Channel phone.Channel
	Label   string // "Text (•••) •••-0123"
}

// verifyPage is the data of a challenge page, at login or for a transfer.
type verifyPage struct {
	Flow        string
	Action      string // the form that checks: "/login/verify"
	SendAction  string // the form that sends a code
	Page        string // this page, for links: "/login/verify"
	Why         []string
	Choice      verifyChoice
	Phone       *phone.Phone
	Prompts     []challenge.Prompt
	Options     []phoneOption
	Questions   bool // questions are a way
	Callback    bool // the call-back is a way
	AccessCode  bool // an access code is a way
	CodeMinutes int
	Mode        string // the question mode, for the wording
}

// defaultChoice is what the page shows first: a PIN by text to the primary
// mobile when there is one (the two-step seed), else the first method of
// the institution's order.
func defaultChoice(ms signin.Methods, s *site) verifyChoice {
	if ms.Has(risk.MethodSMS) {
		if ph := primaryFor(ms.Phones, s, phone.SMS); ph != nil {
			return verifyChoice{Via: viaPIN, PhoneID: ph.ID, Channel: phone.SMS}
		}
	}
	for _, m := range ms.Methods {
		switch m {
		case risk.MethodQuestions:
			return verifyChoice{Via: viaQuestions}
		case risk.MethodCallback:
			return verifyChoice{Via: viaCallback}
		case risk.MethodVoice:
			if ph := primaryFor(ms.Phones, s, phone.Voice); ph != nil {
				return verifyChoice{Via: viaPIN, PhoneID: ph.ID, Channel: phone.Voice}
			}
		case risk.MethodAccessCode:
			return verifyChoice{Via: viaAccessCode}
		}
	}
	return verifyChoice{Via: viaOptions}
}

// primaryFor is the phone a code goes to by channel: the primary phone if it
// can take it, else the first that can.
func primaryFor(phones []*phone.Phone, s *site, c phone.Channel) *phone.Phone {
	var first *phone.Phone
	for _, ph := range phones {
		if !slices.Contains(s.app.Phones.ChannelsFor(ph), c) {
			continue
		}
		if ph.Role == phone.Primary {
			return ph
		}
		if first == nil {
			first = ph
		}
	}
	return first
}

// methodFor is the step-up method a choice uses, for checking it is
// offered.
func (c verifyChoice) method() risk.Method {
	switch c.Via {
	case viaPIN:
		if c.Channel == phone.Voice {
			return risk.MethodVoice
		}
		return risk.MethodSMS
	case viaCallback:
		return risk.MethodCallback
	case viaQuestions:
		return risk.MethodQuestions
	case viaAccessCode:
		return risk.MethodAccessCode
	}
	return ""
}

// resolve checks a choice against the methods the member has now and
// fills in its phone; an unusable choice falls back to the options list.
func (s *site) resolve(c verifyChoice, ms signin.Methods) (verifyChoice, *phone.Phone) {
	if c.Via == "" {
		c = defaultChoice(ms, s)
	}
	if c.Via == viaOptions || !ms.Has(c.method()) {
		return verifyChoice{Via: viaOptions}, nil
	}
	switch c.Via {
	case viaPIN:
		for _, ph := range ms.Phones {
			if ph.ID == c.PhoneID && slices.Contains(s.app.Phones.ChannelsFor(ph), c.Channel) {
				return c, ph
			}
		}
		return verifyChoice{Via: viaOptions}, nil
	case viaCallback:
		ph := primaryFor(ms.Phones, s, phone.Voice)
		if ph == nil {
			return verifyChoice{Via: viaOptions}, nil
		}
		c.PhoneID, c.Channel = ph.ID, phone.Voice
		return c, ph
	}
	return c, nil
}

// buildVerifyPage gathers what a challenge page shows for choice.
func (s *site) buildVerifyPage(ctx context.Context, a *account.Account, m *institution.Member, ms signin.Methods, c verifyChoice) (verifyPage, error) {
	p := verifyPage{
		Questions: ms.Has(risk.MethodQuestions), Callback: ms.Has(risk.MethodCallback), AccessCode: ms.Has(risk.MethodAccessCode),
		CodeMinutes: int(s.app.Members.Policy().CodeTTL.Minutes()), Mode: string(signin.QuestionMode(s.app, m)),
	}
	p.Choice, p.Phone = s.resolve(c, ms)
	for _, ph := range ms.Phones {
		for _, ch := range s.app.Phones.ChannelsFor(ph) {
			if (ch == phone.SMS && !ms.Has(risk.MethodSMS)) || (ch == phone.Voice && !ms.Has(risk.MethodVoice)) {
				continue
			}
			verb := "Text me at "
			if ch == phone.Voice {
				verb = "Call me at "
			}
			p.Options = append(p.Options, phoneOption{PhoneID: ph.ID, Channel: ch, Label: verb + ph.Masked() + roleNote(ph)})
		}
	}
	if p.Choice.Via == viaQuestions {
		prompts, err := s.app.Members.AskQuestionsIn(ctx, a, signin.QuestionMode(s.app, m))
		if errors.Is(err, auth.ErrQuestionsBlocked) || errors.Is(err, store.ErrNotFound) {
			p.Choice, p.Questions = verifyChoice{Via: viaOptions}, false
		} else if err != nil {
			return p, err
		}
		p.Prompts = prompts
	}
	return p, nil
}

func roleNote(ph *phone.Phone) string {
	switch {
	case ph.Role == phone.Primary:
		return " (primary)"
	case ph.Role == phone.Recovery:
		return " (recovery)"
	case ph.Label != "":
		return " (" + ph.Label + ")"
	}
	return ""
}

// whyText says, in a member's words, why the risk engine asked.
func whyText(codes []string) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, c := range codes {
		switch c {
		case risk.ReasonSecurityLevelHigh:
			add("Your security level is High, so we ask for a code every time you sign in.")
		case risk.ReasonNewDevice:
			add("You are using a computer or browser we do not recognise.")
		case risk.ReasonNewNetwork, risk.ReasonNewCountry, risk.ReasonNewState, risk.ReasonImpossibleTravel, risk.ReasonGeoUnverified:
			add("You are signing in from somewhere new.")
		case risk.ReasonUnusualHour:
			add("You are signing in at an unusual time.")
		case risk.ReasonRecentFailures:
			add("There were failed attempts to sign in recently.")
		case risk.ReasonAmountRule:
			add("Transfers of this size need an extra check.")
		}
	}
	return out
}

// codeRefusal is what a member is told about a code that did not pass;
// "" for errors that are not about the code.
func codeRefusal(err error) string {
	var wrong *otp.WrongCodeError
	switch {
	case errors.As(err, &wrong):
		if wrong.AttemptsLeft == 1 {
			return "That code is not right. You have 1 attempt left."
		}
		return fmt.Sprintf("That code is not right. You have %d attempts left.", wrong.AttemptsLeft)
	case errors.Is(err, otp.ErrWrongCode):
		return "That code is not right. Check it and try again."
	case errors.Is(err, auth.ErrPINBlocked):
		return "Codes are blocked after three wrong attempts. Choose another way, or call us to unblock them."
	case errors.Is(err, auth.ErrMethodBlocked):
		return "This way of confirming it's you is blocked after three failed attempts. Choose another way, or call us."
	case errors.Is(err, otp.ErrExpired):
		return "That code has expired. Ask for a new one."
	case errors.Is(err, otp.ErrNoCode):
		return "No code is waiting. Ask for one first."
	case errors.Is(err, otp.ErrUsed):
		return "That code was already used. Ask for a new one."
	case errors.Is(err, otp.ErrRevoked):
		return "That access code was withdrawn. Call us for a new one."
	case errors.Is(err, otp.ErrTooManyAttempts):
		return "Too many wrong codes were entered. Choose another way, or call us."
	case errors.Is(err, otp.ErrTooManySends):
		return "We have sent as many codes as we can for this sign-in. Use one of them, or choose another way."
	case errors.Is(err, otp.ErrMalformed):
		return "Enter the code exactly as you received it."
	}
	var fe *phone.FieldError
	if errors.As(err, &fe) {
		return fe.Message + "."
	}
	return ""
}
