package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// "Forgot your password?" is one flow (S25): the username, all three
// security questions at once (S9, and the seed: "Members must answer all
// three security questions correctly to reset their password"), a PIN to a
// phone on file when the member has one, then a new password. Each answer
// to the questions is a step of its own (answers1…3), so that every try is
// single-use and the count of tries lives in the flow even for a username
// nobody has (see forgotState.Decoy).
const (
	forgotKind         = "recovery"
	forgotStepUsername = "username"
	forgotStepAnswers1 = "answers1"
	forgotStepAnswers2 = "answers2"
	forgotStepAnswers3 = "answers3"
	forgotStepCode     = "code"     // a PIN by text or call (S14), skipped without a phone
	forgotStepPassword = "password" // the last step: completed when the password is set
)

// recoveryPurpose names recovery codes for the engine and the outbox.
const recoveryPurpose = "recovery"

func forgotSteps() []string {
	return []string{forgotStepUsername, forgotStepAnswers1, forgotStepAnswers2, forgotStepAnswers3, forgotStepCode, forgotStepPassword}
}

// answerSteps are the steps at which the questions are answered, in order.
func answerSteps() []string {
	return []string{forgotStepAnswers1, forgotStepAnswers2, forgotStepAnswers3}
}

// forgotTTL bounds a recovery; the five-minute idle rule of security
// screens usually ends an abandoned one sooner.
const forgotTTL = 30 * time.Minute

func forgotPage(step string) string {
	switch step {
	case forgotStepUsername:
		return "/forgot"
	case forgotStepAnswers1, forgotStepAnswers2, forgotStepAnswers3:
		return "/forgot/questions"
	case forgotStepCode:
		return "/forgot/code"
	case forgotStepPassword:
		return "/forgot/password"
	}
	return ""
}

// forgotState is what the recovery has learned; nothing secret. The json
// name "username" is the one the strength meter reads (strengthInputs).
type forgotState struct {
	Username string `json:"username"`
	// Decoy is set when nothing can be recovered: the username is nobody's
	// (or a delegate's, whose access the member manages), or the member has
	// no questions. The pages are the same as for a member, and the answers
	// are never right, so the pages do not tell who has online banking.
	Decoy bool `json:"decoy,omitempty"`
	// Failures counts a decoy's wrong tries, as the lockout counts a
	// member's.
	Failures int `json:"failures,omitempty"`
	// Proven is set once the questions were answered right.
	Proven bool `json:"proven,omitempty"`
}

type forgotFlow struct {
	*flow.Flow
	State forgotState
}

func (ff *forgotFlow) url(page string) string { return page + "?flow=" + url.QueryEscape(ff.ID) }

func staleForgot(err error) error {
	return &pageError{Status: http.StatusConflict, Title: "Start again",
		Message: "This step was already used, has expired, or belongs to another window. For your security each step works once. Start again to reset your password.",
		Next:    "/forgot", NextLabel: "Start again", Err: err}
}

// callUs ends a recovery that cannot go on: what is blocked needs the
// institution (S4), and nothing was changed.
func (s *site) callUs(title, why string) error {
	return &pageError{Status: http.StatusForbidden, Title: title,
		Message: why + fmt.Sprintf(" Nothing was changed. Call us at %s and we will help you sign in again.", s.app.Info.Phone),
		Next:    "/login", NextLabel: "Back to sign in"}
}

func (s *site) questionsBlockedPage() error {
	return s.callUs("Your security questions are blocked", "Your security questions are blocked after three wrong answers, so your password cannot be reset online.")
}

func (s *site) startForgot(ctx context.Context, sess *session.Session) (*forgotFlow, error) {
	f, err := flow.Start(ctx, s.app.DB.Writer(), flow.Params{Kind: forgotKind, SessionID: sess.ID, Steps: forgotSteps(), TTL: forgotTTL}, s.now())
	if err != nil {
		return nil, fmt.Errorf("web: start a password reset: %w", err)
	}
	return &forgotFlow{Flow: f}, nil
}

// loadForgot returns the request's recovery flow if it is at one of steps.
// A GET of another live step's page forwards to the current step's page.
func (s *site) loadForgot(r *http.Request, steps ...string) (*forgotFlow, error) {
	ff := &forgotFlow{}
	f, err := s.openFlow(r, forgotKind, &ff.State, staleForgot)
	if err != nil {
		return nil, err
	}
	ff.Flow = f
	step := steps[0]
	if slices.Contains(steps, f.Step()) {
		step = f.Step()
	}
	if err := f.At(step, s.now()); err != nil {
		if r.Method == http.MethodGet && errors.Is(err, flow.ErrWrongStep) && f.Step() != forgotStepUsername {
			return nil, &goTo{URL: ff.url(forgotPage(f.Step()))}
		}
		return nil, staleForgot(err)
	}
	return ff, nil
}

// advanceForgot moves the recovery past its current step, saving its state.
func (s *site) advanceForgot(ctx context.Context, ff *forgotFlow, opts ...flow.Option) error {
	f, err := s.advanceFlow(ctx, s.app.DB.Writer(), ff.Flow, ff.State, staleForgot, opts...)
	if err != nil {
		return err
	}
	ff.Flow = f
	return nil
}

// forgotAccount is the member's sign-in the recovery is for.
func (s *site) forgotAccount(ctx context.Context, ff *forgotFlow) (*account.Account, *institution.Member, error) {
	a, err := account.Get(ctx, s.app.DB.Reader(), ff.AccountID)
	if err != nil {
		return nil, nil, err
	}
	m, err := institution.MemberBySecurityAccount(ctx, s.app.DB.Reader(), a.ID)
	if err != nil {
		return nil, nil, err
	}
	return a, m, nil
}

// recoverable looks the username up: the member's sign-in, or nil when
// nothing can be recovered for it (see forgotState.Decoy).
func (s *site) recoverable(ctx context.Context, username string) (*account.Account, error) {
	q := s.app.DB.Reader()
	a, err := account.ByUsername(ctx, q, bankapp.MemberRealm, username)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := institution.MemberBySecurityAccount(ctx, q, a.ID); errors.Is(err, store.ErrNotFound) {
		return nil, nil // a delegate: the member manages their access
	} else if err != nil {
		return nil, err
	}
	has, err := challenge.HasQuestions(ctx, q, a.ID)
	if err != nil || !has {
		return nil, err
	}
	return a, nil
}

// decoyPrompts are the three questions shown for a username nothing can be
// recovered for: catalogue questions chosen by the username's keyed hash,
// the same three every time, so a reload does not give it away.
func (s *site) decoyPrompts(username string) []challenge.Prompt {
	mac := hmac.New(sha256.New, s.decoyKey)
	mac.Write([]byte("forgot:" + username))
	sum := mac.Sum(nil)
	pool := challenge.Selectable()
	out := make([]challenge.Prompt, 0, challenge.QuestionCount)
	for i := 0; len(out) < challenge.QuestionCount; i++ {
		q := pool[binary.BigEndian.Uint64(sum[(i%4)*8:(i%4)*8+8])%uint64(len(pool))]
		pool = slices.DeleteFunc(pool, func(x challenge.Question) bool { return x.ID == q.ID })
		out = append(out, challenge.Prompt{ID: q.ID, Label: q.Label})
	}
	return out
}

// forgotProceed takes a recovery whose questions were answered right to
// its next page: the PIN when the member has a phone that can take one,
// else straight to the new password.
//
// A member without a phone is proven by the questions alone. That is the
// seed documents' own rule (its-me-247: "Security questions are also used
// when members reset their passwords through the 'I forgot my password'
// feature. Members must answer all three security questions correctly to
// reset their password"); the PIN is added where the member gave us a way
// to send one (NetSafe / client-website 2FA), not required where they did
// not, or members without a phone could never recover online.
func (s *site) forgotProceed(w http.ResponseWriter, r *http.Request, ff *forgotFlow) error {
	ctx := r.Context()
	for slices.Contains(answerSteps(), ff.Step()) {
		if err := s.advanceForgot(ctx, ff); err != nil {
			return err
		}
	}
	if ff.Step() == forgotStepCode {
		a, _, err := s.forgotAccount(ctx, ff)
		if err != nil {
			return err
		}
		ms, err := s.recoveryMethods(ctx, a)
		if err != nil {
			return err
		}
		if len(ms.Phones) > 0 {
			return redirect(w, r, ff.url("/forgot/code"))
		}
		if err := s.advanceForgot(ctx, ff); err != nil {
			return err
		}
	}
	return redirect(w, r, ff.url("/forgot/password"))
}

// recoveryMethods are the ways a recovery PIN can go out: text and call to
// the member's phones that take them. Phones is empty when the member has
// none. Blocked PINs are reported by the engine when one is sent.
func (s *site) recoveryMethods(ctx context.Context, a *account.Account) (signin.Methods, error) {
	ms := signin.Methods{Blocked: map[risk.Method]bool{}}
	phones, err := phone.List(ctx, s.app.DB.Reader(), a.ID)
	if err != nil {
		return ms, fmt.Errorf("web: the member's phones: %w", err)
	}
	channels := map[phone.Channel]bool{}
	for _, ph := range phones {
		cs := s.app.Phones.ChannelsFor(ph)
		if len(cs) > 0 {
			ms.Phones = append(ms.Phones, ph)
		}
		for _, c := range cs {
			channels[c] = true
		}
	}
	if channels[phone.SMS] {
		ms.Methods = append(ms.Methods, risk.MethodSMS)
	}
	if channels[phone.Voice] {
		ms.Methods = append(ms.Methods, risk.MethodVoice)
	}
	return ms, nil
}

// passwordStillBlocked refuses a recovery for a password the lockout
// disabled, or a disabled sign-in. The seed: a password blocked after three
// wrong tries stays blocked until the credit union resets it (S4), so a
// recovery does not unblock it and sets no password; the member is told to
// call.
func (s *site) passwordStillBlocked(ctx context.Context, a *account.Account) error {
	if !a.DisabledAt.IsZero() {
		return s.callUs("This sign-in is disabled", "This online banking sign-in is disabled.")
	}
	blocked, err := lockout.IsBlocked(ctx, s.app.DB.Reader(), a.ID, lockout.Password, s.app.Members.Policy().LockoutAfter)
	if err != nil {
		return fmt.Errorf("web: is the password blocked: %w", err)
	}
	if blocked {
		return s.callUs("Your password is disabled", "Your password is disabled after three failed attempts, and only we can turn it back on.")
	}
	return nil
}
