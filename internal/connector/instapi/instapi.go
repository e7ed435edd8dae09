package instapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
)

// DefaultTimeout bounds one request to the bank when Options.Client is nil:
// a statement PDF is the largest thing read, and a bank slower than this is
// treated as down (and retried later) rather than holding a worker.
const DefaultTimeout = 30 * time.Second

// DefaultUserAgent is sent when Options.UserAgent is empty. The bank names
// the client in the member's list of registered devices after its first
// word, so it says who we are.
const DefaultUserAgent = "LedgerSync/1 (instapi)"

// Options configure a Connector. Every field is optional.
type Options struct {
	// Client sends the requests; nil is a client with DefaultTimeout.
	Client *http.Client
	// UserAgent names LedgerSync to the bank; "" is DefaultUserAgent.
	UserAgent string
	// Clock dates the balances read (the API does not say when it
	// computed them); nil is the wall clock.
	Clock clock.Clock
}

// Connector signs in to an institution's JSON API. It keeps nothing between
// calls, so one Connector serves every connection and goroutine.
type Connector struct {
	client    *http.Client
	userAgent string
	clock     clock.Clock
}

var _ connector.Connector = (*Connector)(nil)

// New returns a Connector configured by opts.
func New(opts Options) *Connector {
	c := &Connector{client: opts.Client, userAgent: opts.UserAgent, clock: opts.Clock}
	if c.client == nil {
		c.client = &http.Client{Timeout: DefaultTimeout}
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.clock == nil {
		c.clock = clock.Real{}
	}
	return c
}

// sessionRequest is POST /sessions. It holds the password: never logged.
type sessionRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DeviceToken string `json:"device_token,omitempty"`
}

// Login signs in with l's credentials, presenting the device token of
// l.Device so the bank recognises us. It returns a session, or the bank's
// first challenge (see the package doc for what an unattended sign-in
// does).
func (c *Connector) Login(ctx context.Context, l connector.Login) (connector.Step, error) {
	base, err := apiBase(l.Institution)
	if err != nil {
		return connector.Step{}, err
	}
	if l.Credentials.Username == "" || l.Credentials.Password == "" {
		return connector.Step{}, fmt.Errorf("instapi: sign in to %s: %w (the username or password is empty)", l.Institution.Name, connector.ErrInvalidCredentials)
	}
	dev := readDevice(l.Device)
	body := sessionRequest{Username: l.Credentials.Username, Password: l.Credentials.Password, DeviceToken: dev.DeviceToken}
	res, err := c.send(ctx, http.MethodPost, base.JoinPath("sessions"), "", body)
	if err != nil {
		return connector.Step{}, fmt.Errorf("instapi: sign in to %s: %w", l.Institution.Name, err)
	}
	step, err := c.step(res, base, dev.DeviceToken, nil)
	if err != nil {
		return connector.Step{}, fmt.Errorf("instapi: sign in to %s: %w", l.Institution.Name, err)
	}
	return step, nil
}

// answerRequest is POST /challenges/{id}. It holds the answer: never
// logged.
type answerRequest struct {
	Answer   *string           `json:"answer,omitempty"`
	Answers  map[string]string `json:"answers,omitempty"`
	OptionID string            `json:"option_id,omitempty"`
}

// Answer answers challenge ch (resumed from its State) with a: the next
// step is a session, the bank's next challenge (Rejected when the answer
// was not accepted), or an error. Unattended, it will not choose where the
// bank sends a code (connector.ErrPersonNeeded).
func (c *Connector) Answer(ctx context.Context, l connector.Login, ch *connector.Challenge, a connector.Answer) (connector.Step, error) {
	base, err := apiBase(l.Institution)
	if err != nil {
		return connector.Step{}, err
	}
	if ch == nil {
		return connector.Step{}, errors.New("instapi: answer a challenge: no challenge was given")
	}
	st, err := readChallenge(ch.State)
	if err != nil {
		return connector.Step{}, fmt.Errorf("instapi: answer the challenge of %s: %w", l.Institution.Name, err)
	}
	if st.Type == connector.ChooseDelivery && !l.Attended {
		return connector.Step{}, fmt.Errorf("instapi: answer the challenge of %s: choosing where to send a code would make the bank send one nobody is there to read: %w", l.Institution.Name, connector.ErrPersonNeeded)
	}
	body, err := answerBody(st, a)
	if err != nil {
		return connector.Step{}, fmt.Errorf("instapi: answer the challenge of %s: %w", l.Institution.Name, err)
	}
	res, err := c.send(ctx, http.MethodPost, base.JoinPath("challenges", st.ID), "", body)
	if err != nil {
		return connector.Step{}, fmt.Errorf("instapi: answer the challenge of %s: %w", l.Institution.Name, err)
	}
	// The device token the login started with (or the one the bank gave
	// a client awaiting approval) is the one to keep if the bank does not
	// hand back another.
	deviceToken := st.DeviceToken
	if deviceToken == "" {
		deviceToken = readDevice(l.Device).DeviceToken
	}
	step, err := c.step(res, base, deviceToken, &st)
	if err != nil {
		return connector.Step{}, fmt.Errorf("instapi: answer the challenge of %s: %w", l.Institution.Name, err)
	}
	return step, nil
}

// answerBody is what the bank expects for the challenge's type. The answer
// is checked against what the challenge asked first, so a malformed one
// never reaches the bank.
func answerBody(st challengeState, a connector.Answer) (answerRequest, error) {
	switch st.Type {
	case connector.Question:
		return questionAnswer(st, a)
	case connector.Code:
		code := strings.TrimSpace(a.Text)
		if code == "" {
			return answerRequest{}, errors.New("the code is empty: enter the code the bank sent")
		}
		return answerRequest{Answer: &code}, nil
	case connector.ChooseDelivery:
		for _, id := range st.OptionIDs {
			if id == a.OptionID {
				return answerRequest{OptionID: id}, nil
			}
		}
		return answerRequest{}, errors.New("choose one of the options the bank offered")
	case connector.Approve:
		return answerRequest{}, nil
	}
	return answerRequest{}, fmt.Errorf("a challenge of type %q cannot be answered", st.Type)
}

// questionAnswer answers a question challenge: one question by Text (or
// its id in Answers), several by their ids in Answers. Only the questions
// the bank asked are sent.
func questionAnswer(st challengeState, a connector.Answer) (answerRequest, error) {
	if len(st.QuestionIDs) == 1 {
		text, ok := a.Answers[st.QuestionIDs[0]]
		if !ok {
			text = a.Text
		}
		if strings.TrimSpace(text) == "" {
			return answerRequest{}, errors.New("the answer is empty: answer the security question")
		}
		return answerRequest{Answer: &text}, nil
	}
	out := answerRequest{Answers: make(map[string]string, len(st.QuestionIDs))}
	for i, id := range st.QuestionIDs {
		text := a.Answers[id]
		if strings.TrimSpace(text) == "" {
			return answerRequest{}, fmt.Errorf("security question %d of %d has no answer: answer every question", i+1, len(st.QuestionIDs))
		}
		out.Answers[id] = text
	}
	return out, nil
}

// apiBase is the institution's API base URL, checked: requests carry
// passwords and tokens, so it must be an absolute http(s) URL.
func apiBase(inst connector.Institution) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(inst.APIURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		// The address is not quoted: a mistyped one could hold a password.
		return nil, fmt.Errorf("instapi: the JSON API address of %s is not an http(s) URL such as https://bank.example/api/v1 (without a user or password): correct the institution's settings", inst.Name)
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
