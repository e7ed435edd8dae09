package instapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
	"github.com/ledgersync/ledgersync/internal/institution/demobanktest"
	"github.com/ledgersync/ledgersync/internal/store"
)

// env is the connector against the real demo bank, served in-process on a
// real database. It remembers every secret the test used or the bank gave
// (passwords, answers, codes, bearer and device tokens) and every error and
// challenge state the connector returned, and when the test ends checks
// that no error holds any secret and no State a password, answer, code or
// bearer token (a State may hold the device token: it is stored encrypted).
type env struct {
	t    *testing.T
	bank *demobanktest.Bank
	conn *instapi.Connector
	inst connector.Institution

	mu        sync.Mutex
	sensitive []string // passwords, answers, codes, bearer tokens
	devices   []string // device tokens
	bearers   []string // the bearer tokens, in the order the bank gave them
	errs      []error
	states    [][]byte
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{t: t}
	e.bank = demobanktest.StartWith(t, db, e.recordTokens)
	e.conn = instapi.New(instapi.Options{Client: e.bank.Server.Client(), UserAgent: "LedgerSync-test/1.0", Clock: e.bank.Clock})
	e.inst = connector.Institution{Name: "Demo Community Bank", Kind: connector.InstAPI, APIURL: e.bank.APIURL()}
	e.keep(e.bank.Demo.Password)
	for _, a := range e.bank.Demo.Answers {
		e.keep(a.Answer)
	}
	t.Cleanup(e.checkSecrets)
	return e
}

// recordTokens wraps the bank to learn the tokens it hands out, so that
// the test can look for them in errors.
func (e *env) recordTokens(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &teeWriter{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		if !strings.HasPrefix(r.URL.Path, "/api/v1/sessions") && !strings.HasPrefix(r.URL.Path, "/api/v1/challenges/") {
			return
		}
		var body struct {
			Token       string `json:"token"`
			DeviceToken string `json:"device_token"`
		}
		if json.Unmarshal(tw.buf.Bytes(), &body) != nil {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if body.Token != "" {
			e.sensitive = append(e.sensitive, body.Token)
			e.bearers = append(e.bearers, body.Token)
		}
		if body.DeviceToken != "" {
			e.devices = append(e.devices, body.DeviceToken)
		}
	})
}

type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	return w.ResponseWriter.Write(p)
}

// keep adds a password, answer or code the test used.
func (e *env) keep(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Contains(e.sensitive, s) {
		e.sensitive = append(e.sensitive, s)
	}
}

// lastBearer is the newest bearer token the bank gave.
func (e *env) lastBearer() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.bearers) == 0 {
		e.t.Fatal("the bank gave no bearer token")
	}
	return e.bearers[len(e.bearers)-1]
}

func (e *env) checkSecrets() {
	e.mu.Lock()
	defer e.mu.Unlock()
	all := append(append([]string{}, e.sensitive...), e.devices...)
	for i, err := range e.errs {
		msg := err.Error()
		for _, s := range all {
			if len(s) >= 3 && strings.Contains(msg, s) {
				// The failure message must not show the secret either.
				e.t.Errorf("error %d holds a secret: %s", i, strings.ReplaceAll(msg, s, "[secret]"))
			}
		}
	}
	for i, st := range e.states {
		for _, s := range e.sensitive {
			if len(s) >= 3 && bytes.Contains(st, []byte(s)) {
				e.t.Errorf("challenge state %d holds a password, answer, code or bearer token", i)
			}
		}
	}
}

// loginAs is the Login of a demo member.
func (e *env) loginAs(username, password string, device []byte, attended bool) connector.Login {
	e.keep(password)
	return connector.Login{Institution: e.inst, Credentials: connector.Credentials{Username: username, Password: password}, Device: device, Attended: attended}
}

// Login calls the connector and records what it returned.
func (e *env) Login(l connector.Login) (connector.Step, error) {
	e.t.Helper()
	step, err := e.conn.Login(e.t.Context(), l)
	e.record(step, err)
	return step, err
}

// Answer calls the connector and records what it returned.
func (e *env) Answer(l connector.Login, ch *connector.Challenge, a connector.Answer) (connector.Step, error) {
	e.t.Helper()
	e.keep(a.Text)
	for _, v := range a.Answers {
		e.keep(v)
	}
	step, err := e.conn.Answer(e.t.Context(), l, ch, a)
	e.record(step, err)
	return step, err
}

func (e *env) record(step connector.Step, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		e.errs = append(e.errs, err)
	}
	if step.Challenge != nil {
		e.states = append(e.states, step.Challenge.State)
	}
}

// seen records an error the test got from a session.
func (e *env) seen(err error) error {
	if err != nil {
		e.mu.Lock()
		e.errs = append(e.errs, err)
		e.mu.Unlock()
	}
	return err
}

// answerTo is the demo answer to a question prompt ("Favorite color" is
// "blue").
func (e *env) answerTo(prompt string) string {
	e.t.Helper()
	for _, a := range e.bank.Demo.Answers {
		if a.Question == prompt {
			return a.Answer
		}
	}
	e.t.Fatalf("%q is not one of the demo questions", prompt)
	return ""
}

// rightAnswers answers every question of ch by id.
func (e *env) rightAnswers(ch *connector.Challenge) connector.Answer {
	e.t.Helper()
	a := connector.Answer{Answers: map[string]string{}}
	for _, q := range ch.Questions {
		a.Answers[q.ID] = e.answerTo(q.Prompt)
	}
	return a
}

func wrongAnswers(ch *connector.Challenge) connector.Answer {
	a := connector.Answer{Answers: map[string]string{}}
	for _, q := range ch.Questions {
		a.Answers[q.ID] = "definitely not it"
	}
	return a
}

// signIn signs username in through whatever challenges come, answering
// them right (questions; a text to the first phone, then its code).
func (e *env) signIn(username string, device []byte) connector.Session {
	e.t.Helper()
	l := e.loginAs(username, e.bank.Demo.Password, device, true)
	step, err := e.Login(l)
	for range 4 {
		if err != nil || step.Challenge == nil {
			break
		}
		ch := step.Challenge
		switch ch.Type {
		case connector.Question:
			step, err = e.Answer(l, ch, e.rightAnswers(ch))
		case connector.ChooseDelivery:
			step, err = e.Answer(l, ch, connector.Answer{OptionID: ch.Options[0].ID})
		case connector.Code:
			code := e.bank.Code(e.t, e.bank.Member(e.t, username).Phones[0].Number)
			step, err = e.Answer(l, ch, connector.Answer{Text: code})
		default:
			e.t.Fatalf("signIn cannot answer %s", describe(ch))
		}
	}
	return e.mustSession(step, err)
}

func (e *env) mustSession(step connector.Step, err error) connector.Session {
	t := e.t
	t.Helper()
	if err != nil {
		t.Fatalf("want a session, got the error: %v", err)
	}
	if step.Session == nil {
		t.Fatalf("want a session, got %s", describe(step.Challenge))
	}
	// t.Context is done by the time cleanups run.
	t.Cleanup(func() { _ = step.Session.Close(context.Background()) })
	return step.Session
}

func mustChallenge(t *testing.T, step connector.Step, err error, typ connector.ChallengeType) *connector.Challenge {
	t.Helper()
	if err != nil {
		t.Fatalf("want a %s challenge, got the error: %v", typ, err)
	}
	if step.Challenge == nil {
		t.Fatalf("want a %s challenge, got a session", typ)
	}
	if c := step.Challenge; c.Type != typ || c.Prompt == "" || len(c.State) == 0 {
		t.Fatalf("want a %s challenge with a prompt and a state, got %s", typ, describe(c))
	}
	return step.Challenge
}

// describe prints a challenge for a failure message, without its State
// (which holds the device token).
func describe(c *connector.Challenge) string {
	if c == nil {
		return "no challenge"
	}
	return fmt.Sprintf("%s challenge %q (questions %v, options %v, attempts left %d, rejected %v, expires %s)",
		c.Type, c.Prompt, c.Questions, c.Options, c.AttemptsLeft, c.Rejected, c.ExpiresAt.Format("15:04:05"))
}
