package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
)

// The login is one flow (S25): its steps run in this order, each once. A
// step the login does not need (no temporary password, no step-up, …) is
// advanced past by the server, never skipped by the browser.
const (
	loginKind        = "login"
	stepUsername     = "username"
	stepPassword     = "password"
	stepNewPassword  = "new_password"   // a temporary password must be replaced (S5)
	stepQuestion     = "question"       // the rotating question of every login (S9)
	stepVerify       = "verify"         // the second factor the risk engine asked for (S14–S20)
	stepSetQuestions = "set_questions"  // none set, deleted by staff, or due again (S10, S11)
	stepPhones       = "confirm_phones" // the phones are due for re-collection (S10)
	stepTwoStep      = "two_step"       // the two-step enrolment prompt (S17)
	stepDone         = "done"
)

func loginSteps() []string {
	return []string{stepUsername, stepPassword, stepNewPassword, stepQuestion, stepVerify, stepSetQuestions, stepPhones, stepTwoStep, stepDone}
}

// loginTTL bounds a login from the username to home; the session's
// five-minute idle rule usually ends an abandoned one sooner.
const loginTTL = 30 * time.Minute

// loginPage is the page that shows a step ("" for the last one, which is
// never shown: it completes the login).
func loginPage(step string) string {
	switch step {
	case stepUsername:
		return "/login"
	case stepPassword:
		return "/login/password"
	case stepNewPassword:
		return "/password/change"
	case stepQuestion:
		return "/login/question"
	case stepVerify:
		return "/login/verify"
	case stepSetQuestions:
		return "/login/questions"
	case stepPhones:
		return "/login/phones"
	case stepTwoStep:
		return "/login/two-step"
	}
	return ""
}

// loginState is what the login has learned so far. It is stored in the
// flow, so it holds nothing secret.
type loginState struct {
	Username         string         `json:"username"`
	Watermark        string         `json:"watermark"`
	DeviceKnown      bool           `json:"device_known,omitempty"`
	DeviceRegistered bool           `json:"device_registered,omitempty"`
	StepUp           bool           `json:"step_up,omitempty"`  // a second factor is needed
	Question         bool           `json:"question,omitempty"` // the every-login question is needed
	Reasons          []string       `json:"reasons,omitempty"`  // the risk engine's reason codes
	Enrol            risk.Enrolment `json:"enrol,omitempty"`
	QuestionsOK      bool           `json:"questions_ok,omitempty"`
	QuestionsStepUp  bool           `json:"questions_step_up,omitempty"` // right answers pass the step-up
	Factor           string         `json:"factor,omitempty"`            // the method that passed the step-up
	Notice           string         `json:"notice,omitempty"`            // for the next page: "questions_blocked"
}

// needsVerify says whether the step-up is still to be passed.
func (st loginState) needsVerify() bool {
	return st.StepUp && st.Factor == "" && !(st.QuestionsOK && st.QuestionsStepUp)
}

type loginFlow struct {
	*flow.Flow
	State loginState
}

// url is the page of the flow's step with the flow named in the query.
func (lf *loginFlow) url(page string) string { return page + "?flow=" + url.QueryEscape(lf.ID) }

// staleLogin is the page for a login step used out of turn: a replayed
// form, a second window, a flow that expired or belongs to another
// session.
func staleLogin(err error) error {
	return &pageError{Status: http.StatusConflict, Title: "Start signing in again",
		Message: "This sign-in step was already used, has expired, or belongs to another window. For your security each step works once. Start again to sign in.",
		Next:    "/login", NextLabel: "Sign in", Err: err}
}

// goTo is an error that sends the browser elsewhere rather than to an
// error page: a page of the login that is not the flow's step forwards to
// the page that is (no going back, no skipping ahead).
type goTo struct{ URL string }

func (g *goTo) Error() string { return "go to " + g.URL }

func (s *site) startLogin(ctx context.Context, sess *session.Session) (*loginFlow, error) {
	f, err := flow.Start(ctx, s.app.DB.Writer(), flow.Params{Kind: loginKind, SessionID: sess.ID, Steps: loginSteps(), TTL: loginTTL}, s.now())
	if err != nil {
		return nil, fmt.Errorf("web: start a login: %w", err)
	}
	return &loginFlow{Flow: f}, nil
}

// loadLogin returns the request's login flow if it is at step. A GET of
// another live step's page forwards to the current step's page.
func (s *site) loadLogin(r *http.Request, step string) (*loginFlow, error) {
	lf := &loginFlow{}
	f, err := s.openFlow(r, loginKind, &lf.State, staleLogin)
	if err != nil {
		return nil, err
	}
	lf.Flow = f
	if err := f.At(step, s.now()); err != nil {
		if r.Method == http.MethodGet && errors.Is(err, flow.ErrWrongStep) && loginPage(f.Step()) != "" && f.Step() != stepUsername {
			return nil, &goTo{URL: lf.url(loginPage(f.Step()))}
		}
		return nil, staleLogin(err)
	}
	return lf, nil
}

// advanceLogin moves the login past its current step, saving its state.
func (s *site) advanceLogin(ctx context.Context, lf *loginFlow, opts ...flow.Option) error {
	f, err := s.advanceFlow(ctx, s.app.DB.Writer(), lf.Flow, lf.State, staleLogin, opts...)
	if err != nil {
		return err
	}
	lf.Flow = f
	return nil
}

// proceed takes the login to its next page: it advances past the steps
// this login does not need and finishes it at the last one.
func (s *site) proceed(w http.ResponseWriter, r *http.Request, lf *loginFlow) error {
	ctx := r.Context()
	for {
		need := true
		switch lf.Step() {
		case stepQuestion:
			need = lf.State.Question
		case stepVerify:
			need = lf.State.needsVerify()
		case stepSetQuestions:
			a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
			if err != nil {
				return err
			}
			if need, _, err = s.app.Members.QuestionsDue(ctx, a); err != nil {
				return err
			}
		case stepPhones:
			var err error
			if need, err = s.phonesDue(ctx, lf.AccountID); err != nil {
				return err
			}
		case stepTwoStep:
			a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
			if err != nil {
				return err
			}
			need = lf.State.Enrol != risk.EnrolNone && lf.State.Enrol != "" && a.TwoFactorEnrolledAt.IsZero()
		case stepDone:
			return s.finishLogin(w, r, lf)
		}
		if need {
			return redirect(w, r, lf.url(loginPage(lf.Step())))
		}
		if err := s.advanceLogin(ctx, lf); err != nil {
			return err
		}
	}
}

// finishLogin completes the flow (once: a replay or a second window gets
// the stale page), authenticates the session under a new cookie, remembers
// the device and records the login for later risk decisions.
func (s *site) finishLogin(w http.ResponseWriter, r *http.Request, lf *loginFlow) error {
	ctx := r.Context()
	w1 := s.app.DB.Writer()
	if _, err := flow.Complete(ctx, w1, lf.ID, lf.SessionID, stepDone, s.now()); err != nil {
		return staleLogin(err)
	}
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	level := session.LevelPassword
	if lf.State.Factor != "" {
		level = session.LevelMFA
	}
	if _, err := s.app.MemberSessions.Authenticate(w, r, w1, a.ID, level); err != nil {
		return fmt.Errorf("web: authenticate the session: %w", err)
	}
	if _, err := s.app.Devices.Remember(ctx, w1, w, r, a.ID, s.now()); err != nil {
		return fmt.Errorf("web: remember the device: %w", err)
	}
	m := s.meta(r)
	m.DeviceKnown, m.DeviceRegistered = lf.State.DeviceKnown, lf.State.DeviceRegistered
	if err := s.app.Members.CompleteLogin(ctx, a, m); err != nil {
		return err
	}
	return redirect(w, r, "/")
}
