package ofxserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
)

const (
	// pinPhrase starts the phrase id of a one-time code; the rest is the id
	// of the code's flow (codeIDBytes random bytes in hex), so that the
	// answer, which arrives in a later request with no cookie, names the
	// code it answers. "PIN" and 24 hex digits fit OFX's 32 characters.
	pinPhrase   = "PIN"
	codeIDBytes = 12
	// accessCodePhrase asks for the one-time access code staff issued.
	accessCodePhrase = "ACCESSCODE"
	// codePurpose is the purpose of the codes the OFX door sends; their
	// flows are named "ofx-" and the id in the phrase.
	codePurpose = "ofx_login"
	// machineClockSkew is how far the program's MFA101 date and time may be
	// from the bank's clock.
	machineClockSkew = 10 * time.Minute
)

// stepUp runs the OFX 2.1.1 MFA round trip for a sign-on the risk engine
// stepped up: 3000 for a signon without answers, the challenge for an
// MFACHALLENGERQ, and the check of the answers of the next signon.
func (x *exchange) stepUp(ctx context.Context, a *account.Account, m *institution.Member, ms signin.Methods, meta auth.Meta) (outcome, error) {
	if x.req.MFAChallenge != nil {
		return x.challenge(ctx, a, m, ms, meta)
	}
	if len(x.req.Signon.MFAAnswers) == 0 {
		return refused(ofx.StatusMFARequired,
			"We need to confirm it's you before we send your data: ask for the MFA challenge (MFACHALLENGERQ) and answer it in your next sign-on (OFX 1.0.3, 2.0.3 or later)."), nil
	}
	if msg, err := x.checkAnswers(ctx, a, ms, meta); err != nil || msg != "" {
		return refused(ofx.StatusMFAInvalid, msg), err
	}
	return x.complete(ctx, a, m, meta)
}

// challenge asks for the phrases of the step-up: the member's questions
// when they are a usable method, else a code sent to a phone, else the
// staff's access code; then the policy's machine phrases.
func (x *exchange) challenge(ctx context.Context, a *account.Account, m *institution.Member, ms signin.Methods, meta auth.Meta) (outcome, error) {
	app := x.s.app
	var phrases []ofx.MFAChallenge
	if ms.Has(risk.MethodQuestions) {
		prompts, err := app.Members.AskQuestionsIn(ctx, a, signin.QuestionMode(app, m))
		switch {
		case errors.Is(err, auth.ErrQuestionsBlocked), errors.Is(err, store.ErrNotFound):
		case err != nil:
			return outcome{}, fmt.Errorf("ofxserver: ask account %d's questions: %w", a.ID, err)
		}
		for _, p := range prompts {
			phrases = append(phrases, ofx.MFAChallenge{PhraseID: string(p.ID), Label: p.Label})
		}
	}
	if len(phrases) == 0 {
		if ph, ch := x.codeTarget(ms); ph != nil {
			id := newCodeID()
			_, err := app.Members.SendCode(ctx, a, codeFlow(id), codePurpose, ph.ID, ch, meta)
			var fe *phone.FieldError
			switch {
			case err == nil:
				phrases = append(phrases, ofx.MFAChallenge{PhraseID: pinPhrase + id, Label: codeLabel(ph, ch)})
			case errors.Is(err, auth.ErrPINBlocked), errors.As(err, &fe):
			default:
				return outcome{}, fmt.Errorf("ofxserver: send account %d a code: %w", a.ID, err)
			}
		}
	}
	if len(phrases) == 0 && ms.Has(risk.MethodAccessCode) {
		phrases = append(phrases, ofx.MFAChallenge{PhraseID: accessCodePhrase, Label: "One-time access code our staff gave you"})
	}
	if len(phrases) == 0 {
		return refused(ofx.StatusContactFI, x.denial([]string{risk.ReasonNoStepUpMethod})), nil
	}
	for _, id := range app.Members.Policy().OFXMachinePhrases {
		phrases = append(phrases, ofx.MFAChallenge{PhraseID: id})
	}
	rq := x.req.MFAChallenge
	return outcome{
		status:    ofx.NewStatus(ofx.StatusSuccess, ""),
		challenge: &ofx.MFAChallengeResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie, Status: ofx.NewStatus(ofx.StatusSuccess, ""), Challenges: phrases},
		withheld:  ofx.NewStatus(ofx.StatusMFARequired, "Answer the MFA challenge in your next sign-on; the data is sent then."),
	}, nil
}

// codeTarget is where a code goes: by text to the primary phone (or the
// first that takes texts) when texts are a usable method, else by a call to
// a phone that takes calls.
func (x *exchange) codeTarget(ms signin.Methods) (*phone.Phone, phone.Channel) {
	if ms.Has(risk.MethodSMS) {
		if ph := x.phoneFor(ms.Phones, phone.SMS); ph != nil {
			return ph, phone.SMS
		}
	}
	if ms.Has(risk.MethodVoice) || ms.Has(risk.MethodCallback) {
		if ph := x.phoneFor(ms.Phones, phone.Voice); ph != nil {
			return ph, phone.Voice
		}
	}
	return nil, ""
}

// phoneFor is the primary phone if it can take channel c, else the first
// that can.
func (x *exchange) phoneFor(phones []*phone.Phone, c phone.Channel) *phone.Phone {
	var first *phone.Phone
	for _, ph := range phones {
		if !slices.Contains(x.s.app.Phones.ChannelsFor(ph), c) {
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

// codeLabel is the phrase label of a code: "Code sent by text to the phone
// ending 0111".
func codeLabel(ph *phone.Phone, c phone.Channel) string {
	digits := strings.TrimPrefix(ph.Number, "+")
	end := digits[max(0, len(digits)-4):]
	if c == phone.Voice {
		return "Code read out by a call to the phone ending " + end
	}
	return "Code sent by text to the phone ending " + end
}

func newCodeID() string {
	var b [codeIDBytes]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	return hex.EncodeToString(b[:])
}

func codeFlow(id string) string { return "ofx-" + id }

// codeID returns the flow id a PIN phrase names, if it is well formed.
func codeID(phraseID string) (string, bool) {
	id, ok := strings.CutPrefix(phraseID, pinPhrase)
	if !ok || len(id) != 2*codeIDBytes {
		return "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", false
	}
	return id, true
}

// checkAnswers checks the MFACHALLENGEA of the signon: the program's answers
// to the machine phrases first (a program that answers them wrong costs
// the member no attempt), then the person's, by the engine, which counts
// them toward the lockout. It returns "" when they pass, or the message of
// the 3001 that refuses them.
func (x *exchange) checkAnswers(ctx context.Context, a *account.Account, ms signin.Methods, meta auth.Meta) (string, error) {
	app := x.s.app
	given := map[string]string{}
	for _, ans := range x.req.Signon.MFAAnswers {
		if _, dup := given[ans.PhraseID]; !dup {
			given[ans.PhraseID] = ans.Answer
		}
	}
	for _, id := range app.Members.Policy().OFXMachinePhrases {
		v, ok := given[id]
		delete(given, id)
		if !ok || !x.machineAnswerOK(id, v) {
			return machineRefusal(id), nil
		}
	}
	var pin, pinFlow, access string
	var hasAccess bool
	questions := map[challenge.QuestionID]string{}
	for id, v := range given {
		switch {
		case strings.HasPrefix(id, pinPhrase):
			pinFlow, _ = codeID(id)
			pin = v
			if pinFlow == "" {
				return "This code does not answer a challenge of ours. Ask for a new challenge and answer it.", nil
			}
		case id == accessCodePhrase:
			access, hasAccess = v, true
		case ofx.MFAPhraseMachine(id):
			// A machine phrase the policy does not ask: ignored.
		default:
			questions[challenge.QuestionID(id)] = v
		}
	}
	stale := "These answers are for a way of confirming it's you that is no longer offered. Ask for a new challenge and answer it."
	var err error
	switch {
	case pinFlow != "":
		if !ms.Has(risk.MethodSMS) && !ms.Has(risk.MethodVoice) && !ms.Has(risk.MethodCallback) {
			return stale, nil
		}
		err = app.Members.VerifyCode(ctx, a, codeFlow(pinFlow), codePurpose, pin, meta)
	case hasAccess:
		if !ms.Has(risk.MethodAccessCode) {
			return stale, nil
		}
		err = app.Members.RedeemAccessCode(ctx, a, access, meta)
	case len(questions) > 0:
		if !ms.Has(risk.MethodQuestions) {
			return stale, nil
		}
		err = app.Members.AnswerQuestions(ctx, a, questions, meta)
	default:
		return "No answer to the challenge was sent. Ask for the challenge (MFACHALLENGERQ) and answer its phrases.", nil
	}
	if err == nil {
		return "", nil
	}
	if msg := x.answerRefusal(err); msg != "" {
		return msg, nil
	}
	return "", fmt.Errorf("ofxserver: check account %d's answers: %w", a.ID, err)
}

// machineAnswerOK checks a program's answer to a machine phrase: MFA101,
// its date and time, must be within machineClockSkew of the bank's clock;
// the others (host name, addresses, system, user agent) cannot be checked
// and must only be given.
func (x *exchange) machineAnswerOK(id, v string) bool {
	v = strings.TrimSpace(v)
	if id != "MFA101" {
		return v != ""
	}
	t, err := ofx.ParseDate(v)
	if err != nil {
		return false
	}
	d := t.Sub(x.now)
	return d <= machineClockSkew && d >= -machineClockSkew
}

func machineRefusal(id string) string {
	if id == "MFA101" {
		return "Your program's date and time (MFA101) is missing or more than 10 minutes from ours. Check the computer's clock and time zone, and ask for a new challenge."
	}
	return fmt.Sprintf("Your program did not answer %s (%s). Ask for a new challenge and answer every phrase.", id, ofx.MFAPhraseMeaning(id))
}

// answerRefusal says what went wrong with a person's answer and what to do
// next; "" for errors that are not about the answer.
func (x *exchange) answerRefusal(err error) string {
	phoneNo := x.s.app.Info.Phone
	var wrongAnswer *auth.ErrWrongAnswer
	var wrongCode *otp.WrongCodeError
	switch {
	case errors.As(err, &wrongAnswer):
		return fmt.Sprintf("That answer is not right. You have %s left before your security questions are blocked. Ask for a new challenge: it asks another question.", attempts(wrongAnswer.AttemptsLeft))
	case errors.Is(err, auth.ErrQuestionsBlocked):
		return fmt.Sprintf("Your security questions are now blocked after three wrong answers. Ask for a new challenge to confirm it's you another way, or call us at %s.", phoneNo)
	case errors.Is(err, challenge.ErrNotAsked):
		return "These answers are not for the questions we asked last. Ask for a new challenge and answer it."
	case errors.Is(err, challenge.ErrNoQuestions), errors.Is(err, store.ErrNotFound):
		return fmt.Sprintf("You have no security questions set. Sign in to online banking to set them, or call us at %s.", phoneNo)
	case errors.As(err, &wrongCode):
		return fmt.Sprintf("That code is not right. You have %s left.", attempts(wrongCode.AttemptsLeft))
	case errors.Is(err, otp.ErrWrongCode):
		return "That code is not right."
	case errors.Is(err, otp.ErrExpired):
		return "That code has expired. Ask for a new challenge to get a new code."
	case errors.Is(err, otp.ErrNoCode), errors.Is(err, otp.ErrUsed):
		return "This code is no longer waiting for an answer. Ask for a new challenge to get a new code."
	case errors.Is(err, otp.ErrTooManyAttempts):
		return "Too many wrong codes were entered for this challenge. Ask for a new challenge."
	case errors.Is(err, otp.ErrMalformed):
		return "Enter the code exactly as you received it: digits only."
	case errors.Is(err, auth.ErrPINBlocked):
		return fmt.Sprintf("Codes are blocked after three wrong attempts. Ask for a new challenge to confirm it's you another way, or call us at %s.", phoneNo)
	case errors.Is(err, auth.ErrMethodBlocked):
		return fmt.Sprintf("This way of confirming it's you is blocked after three failed attempts. Call us at %s.", phoneNo)
	case errors.Is(err, otp.ErrRevoked):
		return fmt.Sprintf("That access code was withdrawn. Call us at %s for a new one.", phoneNo)
	}
	return ""
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}
