package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// answerRequest answers a challenge: answer (a code, or the one question),
// answers (each question by id), option_id (a choose_delivery), or nothing
// (an approve). It holds secrets: never logged.
type answerRequest struct {
	Answer   *string           `json:"answer"`
	Answers  map[string]string `json:"answers"`
	OptionID string            `json:"option_id"`
}

// challengeAnswer answers challenge {id}. The input is checked first (a
// malformed answer costs nothing and leaves the challenge open); then the
// challenge is claimed, so it is answered once; then the engine checks the
// answer and the login goes on: 201 with a token, 202 with the next
// challenge, or a refusal.
func (s *server) challengeAnswer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lg, err := s.openChallenge(r)
	if err != nil {
		return err
	}
	var in answerRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	switch lg.state.Challenge.Type {
	case typeQuestion:
		return s.answerQuestions(ctx, w, lg, in)
	case typeChooseDelivery:
		return s.chooseDelivery(ctx, w, lg, in)
	case typeCode:
		return s.answerCode(ctx, w, lg, in)
	case typeApprove:
		return s.answerApproval(ctx, w, lg)
	}
	return fmt.Errorf("api: challenge of unknown type %q", lg.state.Challenge.Type)
}

// openChallenge loads the login a challenge id names, if that challenge can
// be answered now: 404 for an id never issued, 409 for one answered
// already, 410 for one past its 180 seconds.
func (s *server) openChallenge(r *http.Request) (*login, error) {
	ctx := r.Context()
	flowID, n, ok := parseChallengeID(r.PathValue("id"))
	if !ok {
		return nil, challengeNotFound(nil)
	}
	f, err := flow.Find(ctx, s.app.DB.Reader(), flowID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (f.Kind != loginKind || f.AccountID == 0)) {
		return nil, challengeNotFound(err)
	}
	if err != nil {
		return nil, err
	}
	var st loginState
	if err := json.Unmarshal(f.State, &st); err != nil {
		return nil, fmt.Errorf("api: sign-in state: %w", err)
	}
	now := s.now()
	switch cur := st.Challenge.N; {
	case n > cur:
		return nil, challengeNotFound(nil)
	case n < cur || f.Step() != askStep(n) || f.Completed():
		return nil, alreadyAnswered(nil)
	case !now.Before(st.Challenge.ExpiresAt) || !now.Before(f.ExpiresAt):
		return nil, challengeExpired(nil)
	}
	a, err := account.Get(ctx, s.app.DB.Reader(), f.AccountID)
	if err != nil {
		return nil, err
	}
	m, own, err := signin.MemberOfAccount(ctx, s.app, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, denied(nil, err)
	}
	if err != nil {
		return nil, err
	}
	lg := &login{account: a, member: m, own: own, meta: s.meta(r), flow: f, state: st}
	lg.meta.SessionID = f.SessionID
	lg.meta.DeviceKnown, lg.meta.DeviceRegistered = st.DeviceKnown, st.DeviceRegistered
	return lg, nil
}

// answerQuestions checks the answers to a question challenge. A wrong one
// asks another question (S9) with one attempt fewer; the third blocks the
// questions (S4) and another method is asked for, or, with none left, the
// login is locked.
func (s *server) answerQuestions(ctx context.Context, w http.ResponseWriter, lg *login, in answerRequest) error {
	qs := lg.state.Challenge.Questions
	answers := make(map[challenge.QuestionID]string, len(qs))
	switch {
	case in.Answers != nil:
		for _, q := range qs {
			a := in.Answers[q.ID]
			if strings.TrimSpace(a) == "" {
				return invalidParameter("answers", fmt.Sprintf("answer every question of the challenge; %q has no answer.", q.ID))
			}
			answers[challenge.QuestionID(q.ID)] = a
		}
	case in.Answer != nil && len(qs) == 1:
		if strings.TrimSpace(*in.Answer) == "" {
			return invalidParameter("answer", "give the answer to the question.")
		}
		answers[challenge.QuestionID(qs[0].ID)] = *in.Answer
	case len(qs) == 1:
		return invalidParameter("answer", "give the answer to the question.")
	default:
		return invalidParameter("answers", "answer each question by its id: {\"answers\": {\"<id>\": \"<answer>\", …}}.")
	}
	if err := s.claim(ctx, lg); err != nil {
		return err
	}
	err := s.app.Members.AnswerQuestions(ctx, lg.account, answers, lg.meta)
	var wrong *auth.ErrWrongAnswer
	switch {
	case err == nil:
		return s.finish(ctx, w, lg, "questions")
	case errors.As(err, &wrong):
		return s.askQuestionsAgain(ctx, w, lg, fmt.Sprintf("That answer is not right. %s left before your security questions are blocked. Here is another question.", plural(wrong.AttemptsLeft, "attempt")))
	case errors.Is(err, auth.ErrQuestionsBlocked):
		return s.stepUp(ctx, w, lg, lockout.Questions, "Your security questions are now blocked after three wrong answers. Choose another way to confirm it's you.")
	case errors.Is(err, challenge.ErrNotAsked):
		// Answered meanwhile at another door: nothing was counted.
		return s.askQuestionsAgain(ctx, w, lg, "The questions changed, perhaps in another sign-in. Please answer these.")
	case errors.Is(err, challenge.ErrNoQuestions), errors.Is(err, store.ErrNotFound):
		return s.stepUp(ctx, w, lg, "", "")
	}
	return err
}

// askQuestionsAgain asks another question after a wrong answer (or
// another method when the questions cannot be asked any more).
func (s *server) askQuestionsAgain(ctx context.Context, w http.ResponseWriter, lg *login, msg string) error {
	ch, ok, err := s.questionChallenge(ctx, lg)
	if err != nil {
		return err
	}
	if !ok {
		return s.stepUp(ctx, w, lg, lockout.Questions, msg)
	}
	return s.issue(ctx, w, lg, ch, msg)
}

// chooseDelivery sends a code where the client chose (S14), or asks for the
// access code staff issued, and returns the code challenge.
func (s *server) chooseDelivery(ctx context.Context, w http.ResponseWriter, lg *login, in answerRequest) error {
	var chosen *option
	for i, o := range lg.state.Challenge.Options {
		if o.ID == in.OptionID {
			chosen = &lg.state.Challenge.Options[i]
		}
	}
	if chosen == nil {
		return invalidParameter("option_id", "choose one of the challenge's options by its id.")
	}
	if err := s.claim(ctx, lg); err != nil {
		return err
	}
	if chosen.ID == optionAccessCode {
		left, err := s.attemptsLeft(ctx, lg.account.ID, lockout.AccessCode)
		if err != nil {
			return err
		}
		return s.issue(ctx, w, lg, issued{Type: typeCode, Delivery: chosen.ID, AttemptsLeft: intp(left),
			Prompt: "Enter the one-time access code our staff gave you."}, "")
	}
	channel, phoneID, ok := parseDelivery(chosen.ID)
	if !ok {
		return fmt.Errorf("api: delivery option %q is malformed", chosen.ID)
	}
	to, err := s.app.Members.SendCode(ctx, lg.account, lg.flow.ID, codePurpose, phoneID, channel, lg.meta)
	switch {
	case errors.Is(err, auth.ErrPINBlocked):
		return s.stepUp(ctx, w, lg, lockout.PIN, "Codes are blocked after three wrong attempts. Choose another way to confirm it's you.")
	case err != nil:
		if msg := codeRefusal(err); msg != "" {
			return s.offerDelivery(ctx, w, lg, msg)
		}
		return err
	}
	return s.codeChallenge(ctx, w, lg, chosen.ID, codePrompt(channel, to, s.app.Members.Policy().CodeTTL.Minutes()), "", -1)
}

// codeChallenge asks for the code sent by delivery. left, when not
// negative, caps the attempts shown (the code's own tries may be fewer than
// the method's).
func (s *server) codeChallenge(ctx context.Context, w http.ResponseWriter, lg *login, delivery, prompt, msg string, left int) error {
	method := lockout.PIN
	if delivery == optionAccessCode {
		method = lockout.AccessCode
	}
	n, err := s.attemptsLeft(ctx, lg.account.ID, method)
	if err != nil {
		return err
	}
	if left >= 0 {
		n = min(n, left)
	}
	return s.issue(ctx, w, lg, issued{Type: typeCode, Delivery: delivery, Prompt: prompt, AttemptsLeft: intp(n)}, msg)
}

func codePrompt(c phone.Channel, to string, minutes float64) string {
	how := "texted to "
	if c == phone.Voice {
		how = "read out in a call to "
	}
	return fmt.Sprintf("Enter the code we %s%s. It expires in %d minutes.", how, to, int(minutes))
}

// answerCode checks the code (S14), or the staff access code (S16). A
// wrong one asks again with the attempts left; a blocked method asks for
// another; an expired or used-up code asks where to send a new one.
func (s *server) answerCode(ctx context.Context, w http.ResponseWriter, lg *login, in answerRequest) error {
	if in.Answer == nil || strings.TrimSpace(*in.Answer) == "" {
		return invalidParameter("answer", "give the code.")
	}
	code := strings.TrimSpace(*in.Answer)
	if err := s.claim(ctx, lg); err != nil {
		return err
	}
	ch := lg.state.Challenge
	var err error
	factor := optionAccessCode
	if ch.Delivery == optionAccessCode {
		err = s.app.Members.RedeemAccessCode(ctx, lg.account, code, lg.meta)
	} else {
		err = s.app.Members.VerifyCode(ctx, lg.account, lg.flow.ID, codePurpose, code, lg.meta)
		c, _, _ := parseDelivery(ch.Delivery)
		factor = string(c)
	}
	var wrong *otp.WrongCodeError
	switch {
	case err == nil:
		return s.finish(ctx, w, lg, factor)
	case errors.As(err, &wrong) && wrong.AttemptsLeft == 0:
		return s.offerDelivery(ctx, w, lg, "That code is not right, and it has no tries left. Choose where we send a new one.")
	case errors.As(err, &wrong):
		return s.codeChallenge(ctx, w, lg, ch.Delivery, ch.Prompt, "That code is not right.", wrong.AttemptsLeft)
	case errors.Is(err, otp.ErrWrongCode):
		return s.codeChallenge(ctx, w, lg, ch.Delivery, ch.Prompt, "That code is not right.", -1)
	case errors.Is(err, auth.ErrPINBlocked):
		return s.stepUp(ctx, w, lg, lockout.PIN, "Codes are now blocked after three wrong attempts. Choose another way to confirm it's you.")
	case errors.Is(err, auth.ErrMethodBlocked):
		return s.stepUp(ctx, w, lg, lockout.AccessCode, "The access code is now blocked after three wrong attempts. Choose another way to confirm it's you.")
	case errors.Is(err, otp.ErrMalformed):
		return s.codeChallenge(ctx, w, lg, ch.Delivery, ch.Prompt, "Enter the code exactly as you received it.", -1)
	}
	if msg := codeRefusal(err); msg != "" {
		return s.offerDelivery(ctx, w, lg, msg)
	}
	return err
}

// answerApproval goes on once the member has registered the client on the
// member site: until then the same challenge is pending (202, nothing
// claimed); a client the member revoked is refused.
func (s *server) answerApproval(ctx context.Context, w http.ResponseWriter, lg *login) error {
	d, err := device.Get(ctx, s.app.DB.Reader(), lg.account.ID, lg.state.DeviceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.Revoked()) {
		return &apiError{Status: http.StatusForbidden, Code: "denied", Err: err,
			Message: "This program was refused on the member site. Sign in from a registered computer, or call us."}
	}
	if err != nil {
		return err
	}
	if !d.Registered {
		return s.writeChallenge(w, lg, "Waiting for the member to register this program on the member site.")
	}
	if err := s.claim(ctx, lg); err != nil {
		return err
	}
	lg.state.DeviceKnown, lg.state.DeviceRegistered = true, true
	return s.decide(ctx, w, lg, "device_approval")
}

// parseDelivery reads a phone option: "sms-<phone id>" or "voice-<phone id>".
func parseDelivery(id string) (phone.Channel, int64, bool) {
	c, n, ok := strings.Cut(id, "-")
	phoneID, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || (phone.Channel(c) != phone.SMS && phone.Channel(c) != phone.Voice) {
		return "", 0, false
	}
	return phone.Channel(c), phoneID, true
}

// codeRefusal says why a code could not be sent or checked, for the next
// challenge's message; "" for errors that are not about the code.
func codeRefusal(err error) string {
	switch {
	case errors.Is(err, otp.ErrExpired):
		return "That code has expired. Choose where we send a new one."
	case errors.Is(err, otp.ErrNoCode), errors.Is(err, otp.ErrUsed):
		return "No code is waiting for this sign-in. Choose where we send one."
	case errors.Is(err, otp.ErrTooManyAttempts):
		return "Too many wrong codes were entered. Choose where we send a new one."
	case errors.Is(err, otp.ErrTooManySends):
		return "We have sent as many codes as we can for this sign-in. Choose another way, or start again later."
	case errors.Is(err, otp.ErrRevoked):
		return "That access code was withdrawn. Choose another way to confirm it's you."
	}
	var fe *phone.FieldError
	if errors.As(err, &fe) {
		return fe.Message + ". Choose another way."
	}
	return ""
}
