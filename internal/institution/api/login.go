package api

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// A login that meets challenges is one flow (S25) bound to a pre-sign-in
// session of its own: challenge n is the flow's step "ask<n>"; answering
// it moves the flow to "check<n>" by compare-and-set before anything is
// checked, so of two answers to one challenge exactly one is checked (and
// counted), and the other is already_answered. The next challenge moves
// the flow on to "ask<n+1>" with what it asks. A login that ends (a
// session, a refusal) leaves the flow where it is; it expires.
const (
	loginKind     = "api_login"
	maxChallenges = 16 // questions (3), a delivery, codes (3), an approval, re-asks: well within
	codePurpose   = "login"
)

func askStep(n int) string   { return "ask" + strconv.Itoa(n) }
func checkStep(n int) string { return "check" + strconv.Itoa(n) }

func loginSteps() []string {
	steps := make([]string, 0, 2*maxChallenges)
	for n := 1; n <= maxChallenges; n++ {
		steps = append(steps, askStep(n), checkStep(n))
	}
	return steps
}

// loginState is what a login carries between requests, in its flow.
type loginState struct {
	DeviceKnown      bool  `json:"device_known,omitempty"`
	DeviceRegistered bool  `json:"device_registered,omitempty"`
	DeviceID         int64 `json:"device_id,omitempty"` // the client's device record, when it has one
	// DeviceSealed is the device token the login hands back when it
	// completes, sealed (see sealer).
	DeviceSealed string `json:"device_sealed,omitempty"`
	Challenge    issued `json:"challenge"`
}

// login is a sign-in in progress, as one request sees it.
type login struct {
	account *account.Account
	member  *institution.Member
	own     bool      // the member's own sign-in, not a delegate's
	meta    auth.Meta // this request's, with the pre-sign-in session once there is one
	flow    *flow.Flow
	state   loginState
	// deviceToken is the client's device token in clear, known in the
	// request that presented or made it; later requests open the sealed one.
	deviceToken string
}

// decide asks the risk engine about the login, under the member's controls
// and with the device it presented, and answers with what the login needs
// next: the session, the member's approval of a new client, a step-up, or
// a refusal. passed names a factor this request already passed.
func (s *server) decide(ctx context.Context, w http.ResponseWriter, lg *login, passed string) error {
	lg.meta.DeviceKnown, lg.meta.DeviceRegistered = lg.state.DeviceKnown, lg.state.DeviceRegistered
	p, err := signin.AssessMember(ctx, s.app, lg.account, lg.member, lg.own, lg.meta)
	if err != nil {
		return err
	}
	switch {
	case p.Deny && lg.own && slices.Equal(p.Reasons, []string{risk.ReasonPCNotRegistered}):
		return s.askApproval(ctx, w, lg)
	case p.Deny:
		return denied(p.Reasons, nil)
	case p.StepUp:
		return s.stepUp(ctx, w, lg, "", "")
	}
	return s.finish(ctx, w, lg, passed)
}

// denied is the refusal of the member's controls or the risk engine, in
// the words the member site uses. The engine has left a message in the
// member's message center.
func denied(reasons []string, cause error) *apiError {
	var msgs []string
	for _, code := range reasons {
		if m := signin.DenialMessage(code); !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 0 {
		msgs = []string{signin.DenialMessage("")}
	}
	return &apiError{Status: http.StatusForbidden, Code: "denied", Message: strings.Join(msgs, " "), Err: cause}
}

// askApproval is the login of a member who allows only registered
// computers, from a client that is not registered: the client is
// remembered (unregistered), the member is told in their message center,
// and the login waits for the member to register it on the member site.
func (s *server) askApproval(ctx context.Context, w http.ResponseWriter, lg *login) error {
	label := clientLabel(lg.meta.UserAgent)
	err := s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		if lg.state.DeviceID == 0 {
			tok := device.NewToken()
			d, err := device.RememberClient(ctx, tx, lg.account.ID, device.KindAPI, tok, label, lg.meta.IP, s.now())
			if err != nil {
				return err
			}
			lg.state.DeviceID, lg.deviceToken = d.ID, tok
		}
		return s.audit(ctx, tx, lg.account.ID, "device.pending", lg.meta, map[string]string{"device": label, "via": "json_api"})
	})
	if err != nil {
		return fmt.Errorf("api: a client awaiting approval: %w", err)
	}
	return s.issue(ctx, w, lg, issued{Type: typeApprove,
		Prompt: fmt.Sprintf("Your settings allow sign-in only from registered computers. Approve this program (%q): sign in to online banking, open Settings, Computers and devices, and register it. Then send this challenge again.", label),
	}, "")
}

// stepUp asks for the first step-up method the member can use, in the
// institution's order (signin.StepUpMethods): the security questions, or a
// choice of where to send a code. blocked names a method the request just
// blocked, for the 423 when none is left; msg says why the challenge came.
func (s *server) stepUp(ctx context.Context, w http.ResponseWriter, lg *login, blocked lockout.Method, msg string) error {
	ms, err := signin.StepUpMethods(ctx, s.app, lg.account)
	if err != nil {
		return err
	}
	for _, m := range ms.Methods {
		switch m {
		case risk.MethodQuestions:
			ch, ok, err := s.questionChallenge(ctx, lg)
			if err != nil {
				return err
			}
			if ok {
				return s.issue(ctx, w, lg, ch, msg)
			}
		case risk.MethodSMS, risk.MethodVoice, risk.MethodCallback, risk.MethodAccessCode:
			if ch, ok := s.deliveryChallenge(ctx, lg, ms); ok {
				return s.issue(ctx, w, lg, ch, msg)
			}
		}
	}
	if blocked != "" {
		return &apiError{Status: http.StatusLocked, Code: "locked", Method: string(blocked),
			Message: fmt.Sprintf("%s No other way to confirm it's you is left: call us at %s to unblock it.", blockedWords(blocked), s.app.Info.Phone)}
	}
	return denied([]string{risk.ReasonNoStepUpMethod}, nil)
}

// offerDelivery asks again where to send a code (a code expired, ran out
// of tries, or could not be sent), or for another method when no phone is
// left.
func (s *server) offerDelivery(ctx context.Context, w http.ResponseWriter, lg *login, msg string) error {
	ms, err := signin.StepUpMethods(ctx, s.app, lg.account)
	if err != nil {
		return err
	}
	if ch, ok := s.deliveryChallenge(ctx, lg, ms); ok {
		return s.issue(ctx, w, lg, ch, msg)
	}
	return s.stepUp(ctx, w, lg, "", msg)
}

// questionChallenge asks the member's questions in their mode: one
// rotating question, or two of three at once (one challenge with both: the
// engine checks the two together, so neither answer has to be kept while
// the other is asked). ok is false when the questions cannot be asked
// (blocked, or none set).
func (s *server) questionChallenge(ctx context.Context, lg *login) (issued, bool, error) {
	prompts, err := s.app.Members.AskQuestionsIn(ctx, lg.account, signin.QuestionMode(s.app, lg.member))
	switch {
	case errors.Is(err, auth.ErrQuestionsBlocked), errors.Is(err, store.ErrNotFound), errors.Is(err, challenge.ErrNoQuestions):
		return issued{}, false, nil
	case err != nil:
		return issued{}, false, err
	case len(prompts) == 0:
		return issued{}, false, nil
	}
	left, err := s.attemptsLeft(ctx, lg.account.ID, lockout.Questions)
	if err != nil {
		return issued{}, false, err
	}
	ch := issued{Type: typeQuestion, AttemptsLeft: intp(left)}
	for _, p := range prompts {
		ch.Questions = append(ch.Questions, questionPrompt{ID: string(p.ID), Prompt: p.Label})
	}
	if len(prompts) == 1 {
		ch.Prompt = prompts[0].Label
	} else {
		ch.Prompt = "Answer both security questions."
	}
	return ch, true, nil
}

// deliveryChallenge lists where a code can go: a text or a call to each
// phone that can take it (landlines take calls only), and the access code
// staff issued, if any. Codes go to phones only: the engine sends none by
// email.
func (s *server) deliveryChallenge(ctx context.Context, lg *login, ms signin.Methods) (issued, bool) {
	var opts []option
	for _, ph := range ms.Phones {
		for _, c := range s.app.Phones.ChannelsFor(ph) {
			switch {
			case c == phone.SMS && ms.Has(risk.MethodSMS):
				opts = append(opts, option{ID: "sms-" + strconv.FormatInt(ph.ID, 10), Label: "Text to " + ph.Masked()})
			case c == phone.Voice && (ms.Has(risk.MethodVoice) || ms.Has(risk.MethodCallback)):
				opts = append(opts, option{ID: "voice-" + strconv.FormatInt(ph.ID, 10), Label: "Call to " + ph.Masked()})
			}
		}
	}
	if ms.Has(risk.MethodAccessCode) {
		opts = append(opts, option{ID: optionAccessCode, Label: "Enter the one-time access code our staff gave you"})
	}
	if len(opts) == 0 {
		return issued{}, false
	}
	ch := issued{Type: typeChooseDelivery, Prompt: "Choose where we send a code to confirm it's you.", Options: opts}
	if left, err := s.attemptsLeft(ctx, lg.account.ID, lockout.PIN); err == nil {
		ch.AttemptsLeft = intp(left)
	}
	return ch, true
}

// attemptsLeft is how many more failures method takes before it is blocked.
func (s *server) attemptsLeft(ctx context.Context, accountID int64, method lockout.Method) (int, error) {
	limit := s.app.Members.Policy().LockoutAfter
	states, err := lockout.States(ctx, s.app.DB.Reader(), accountID)
	if err != nil {
		return 0, err
	}
	for _, st := range states {
		if st.Method == method {
			return max(0, limit-st.Failures), nil
		}
	}
	return limit, nil
}

// issue makes ch the login's next challenge and answers 202 with it: the
// first starts the flow (and its pre-sign-in session); a later one moves
// the flow on from the step this request claimed.
func (s *server) issue(ctx context.Context, w http.ResponseWriter, lg *login, ch issued, msg string) error {
	now := s.now()
	ch.IssuedAt, ch.ExpiresAt = now, now.Add(ChallengeTTL)
	if lg.flow == nil {
		err := s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
			sess, _, err := session.New(ctx, tx, s.sessions, session.Params{Realm: Realm, Area: session.AreaDefault, UserAgent: lg.meta.UserAgent, IP: lg.meta.IP}, now)
			if err != nil {
				return err
			}
			lg.meta.SessionID = sess.ID
			if lg.deviceToken != "" {
				lg.state.DeviceSealed = s.seal.seal(lg.deviceToken, boundTo(sess.ID))
			}
			ch.N = 1
			lg.state.Challenge = ch
			raw, err := json.Marshal(lg.state)
			if err != nil {
				return err
			}
			// The flow lives as long as its session would without activity,
			// so the sessions' clean-up never ends a login still running.
			lg.flow, err = flow.Start(ctx, tx, flow.Params{Kind: loginKind, SessionID: sess.ID, AccountID: lg.account.ID, Steps: loginSteps(), TTL: s.sessions.IdleDefault, State: raw}, now)
			return err
		})
		if err != nil {
			return fmt.Errorf("api: start a sign-in: %w", err)
		}
	} else {
		k := lg.state.Challenge.N
		if k >= maxChallenges {
			return &apiError{Status: http.StatusForbidden, Code: "denied", Message: "This sign-in has met too many challenges. Start again."}
		}
		if ch.ExpiresAt.After(lg.flow.ExpiresAt) {
			ch.ExpiresAt = lg.flow.ExpiresAt
		}
		ch.N = k + 1
		lg.state.Challenge = ch
		raw, err := json.Marshal(lg.state)
		if err != nil {
			return err
		}
		f, err := flow.Advance(ctx, s.app.DB.Writer(), lg.flow.ID, lg.flow.SessionID, checkStep(k), now, flow.WithState(raw))
		if err != nil {
			return staleChallenge(err)
		}
		lg.flow = f
	}
	return s.writeChallenge(w, lg, msg)
}

func (s *server) writeChallenge(w http.ResponseWriter, lg *login, msg string) error {
	out := challengeResponse{Challenge: view(lg.flow.ID, lg.state.Challenge), Message: msg}
	if lg.state.Challenge.Type == typeApprove {
		tok, err := s.deviceTokenOf(lg)
		if err != nil {
			return err
		}
		out.DeviceToken = tok
	}
	writeJSON(w, http.StatusAccepted, out)
	return nil
}

// claim takes the login's current challenge for this request: the flow
// moves past it by compare-and-set, so no other request can answer it.
func (s *server) claim(ctx context.Context, lg *login) error {
	f, err := flow.Advance(ctx, s.app.DB.Writer(), lg.flow.ID, lg.flow.SessionID, askStep(lg.state.Challenge.N), s.now())
	if err != nil {
		return staleChallenge(err)
	}
	lg.flow = f
	return nil
}

// staleChallenge says why a challenge's flow would not move.
func staleChallenge(err error) error {
	switch {
	case errors.Is(err, flow.ErrExpired):
		return challengeExpired(err)
	case errors.Is(err, flow.ErrWrongStep), errors.Is(err, flow.ErrCompleted):
		return alreadyAnswered(err)
	case errors.Is(err, store.ErrNotFound):
		return challengeNotFound(err)
	}
	return err
}

// finish lets the login in: a bearer token (a session of the API's realm,
// at the MFA level when a factor was passed), the client's device
// remembered, and the login recorded for the risk engine's later decisions.
func (s *server) finish(ctx context.Context, w http.ResponseWriter, lg *login, factor string) error {
	devToken, err := s.rememberDevice(ctx, lg, factor != "")
	if err != nil {
		return err
	}
	level := session.LevelPassword
	if factor != "" {
		level = session.LevelMFA
	}
	now := s.now()
	q := s.app.DB.Writer()
	sess, tok, err := session.New(ctx, q, s.sessions, session.Params{
		AccountID: lg.account.ID, Realm: Realm, Area: session.AreaDefault, Level: level, UserAgent: lg.meta.UserAgent, IP: lg.meta.IP,
	}, now)
	if err != nil {
		return fmt.Errorf("api: start the session: %w", err)
	}
	m := lg.meta
	m.SessionID = sess.ID
	if err := s.app.Members.CompleteLogin(ctx, lg.account, m); err != nil {
		return errors.Join(err, session.Destroy(ctx, q, sess.ID))
	}
	writeJSON(w, http.StatusCreated, tokenResponse{Token: string(tok), ExpiresAt: sess.Deadline(), DeviceToken: devToken})
	return nil
}

// tokenResponse is a bearer token: at sign-in with the client's device
// token, at rotation without.
type tokenResponse struct {
	Token       string    `json:"token"`
	ExpiresAt   time.Time `json:"expires_at"`
	DeviceToken string    `json:"device_token,omitempty"`
}

// rememberDevice records the client's device for later logins and returns
// its token: the one the login presented (or was given to await approval),
// else a new one. A login that passed a step-up registers the device, as
// "this is my computer" does on the member site, and the member is told in
// their message center.
func (s *server) rememberDevice(ctx context.Context, lg *login, steppedUp bool) (string, error) {
	tok, err := s.deviceTokenOf(lg)
	if err != nil {
		return "", err
	}
	label := clientLabel(lg.meta.UserAgent)
	now := s.now()
	var registered string
	err = s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		if tok == "" {
			tok = device.NewToken()
		}
		d, err := device.RememberClient(ctx, tx, lg.account.ID, device.KindAPI, tok, label, lg.meta.IP, now)
		if errors.Is(err, device.ErrRevoked) {
			// Revoked by the member during this login: never that one again.
			tok = device.NewToken()
			d, err = device.RememberClient(ctx, tx, lg.account.ID, device.KindAPI, tok, label, lg.meta.IP, now)
		}
		if err != nil {
			return err
		}
		if !steppedUp || d.Registered {
			return nil
		}
		if err := device.Register(ctx, tx, lg.account.ID, d.ID, now); err != nil {
			return err
		}
		registered = d.Label
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("api: remember the client's device: %w", err)
	}
	if registered != "" {
		if err := s.audit(ctx, s.app.DB.Writer(), lg.account.ID, "device.registered", lg.meta, map[string]string{"device": registered, "via": "json_api"}); err != nil {
			return "", err
		}
	}
	return tok, nil
}

// deviceTokenOf is the login's device token in clear, or "" when it has
// none yet.
func (s *server) deviceTokenOf(lg *login) (string, error) {
	if lg.deviceToken != "" || lg.state.DeviceSealed == "" {
		return lg.deviceToken, nil
	}
	tok, err := s.seal.open(lg.state.DeviceSealed, boundTo(lg.flow.SessionID))
	if err != nil {
		return "", err
	}
	lg.deviceToken = tok
	return tok, nil
}

func boundTo(sessionID int64) string { return "session:" + strconv.FormatInt(sessionID, 10) }

// audit records what the API did to the member's sign-in that the engine
// does not record itself (a client awaiting approval, a client
// registered): the member realm's stream, where the message center reads.
// detail never holds a secret.
func (s *server) audit(ctx context.Context, q store.Querier, accountID int64, action string, m auth.Meta, detail map[string]string) error {
	subject := "account:" + strconv.FormatInt(accountID, 10)
	ev := &audit.Event{OccurredAt: s.now(), Scope: bankapp.MemberRealm, Actor: subject, Action: action, Subject: subject, IP: m.IP, Detail: detail}
	if err := audit.Append(ctx, q, ev); err != nil {
		return fmt.Errorf("api: audit %s: %w", action, err)
	}
	return nil
}

// clientLabel names an API client in the member's list of devices, from
// the product its user agent names: "Aggregator (JSON API): LedgerSync/1.4".
func clientLabel(userAgent string) string {
	const base = "Aggregator (JSON API)"
	fields := strings.Fields(userAgent)
	if len(fields) == 0 {
		return base
	}
	product := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) && r < unicode.MaxASCII {
			return r
		}
		return -1
	}, fields[0])
	if len(product) > 40 {
		product = product[:40]
	}
	if product == "" {
		return base
	}
	return base + ": " + product
}

// blockedWords says which method is blocked, for a 423.
func blockedWords(m lockout.Method) string {
	switch m {
	case lockout.Password:
		return "Your password is disabled after three failed attempts."
	case lockout.Questions:
		return "Your security questions are blocked after three wrong answers."
	case lockout.PIN:
		return "Codes are blocked after three wrong attempts."
	}
	return "This way of confirming it's you is blocked after three failed attempts."
}
