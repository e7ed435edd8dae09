package instapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
)

// tokenResponse is a 201 of POST /sessions or /challenges/{id}.
type tokenResponse struct {
	Token       string    `json:"token"`
	ExpiresAt   time.Time `json:"expires_at"`
	DeviceToken string    `json:"device_token"`
}

// challengeResponse is a 202: the challenge, why it came, and for an
// approve challenge the device token of the client awaiting approval.
type challengeResponse struct {
	Challenge   *challengeJSON `json:"challenge"`
	Message     string         `json:"message"`
	DeviceToken string         `json:"device_token"`
}

type challengeJSON struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Prompt    string `json:"prompt"`
	Questions []struct {
		ID     string `json:"id"`
		Prompt string `json:"prompt"`
	} `json:"questions"`
	Options []struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"options"`
	AttemptsLeft *int      `json:"attempts_left"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// step reads the bank's answer to a sign-in or to an answer: a session
// (201), a challenge (202), or the refusal as an error. deviceToken is the
// one to keep if the bank gives none; prev is the challenge just answered
// (nil for a login).
func (c *Connector) step(res *response, base *url.URL, deviceToken string, prev *challengeState) (connector.Step, error) {
	switch res.status {
	case http.StatusCreated:
		var tok tokenResponse
		if err := res.decodeJSON(&tok); err != nil {
			return connector.Step{}, err
		}
		if tok.Token == "" {
			return connector.Step{}, errors.New("the bank signed in but gave no token")
		}
		if tok.DeviceToken != "" {
			deviceToken = tok.DeviceToken
		}
		return connector.Step{Session: newSession(c, base, tok.Token, deviceToken)}, nil
	case http.StatusAccepted:
		var cr challengeResponse
		if err := res.decodeJSON(&cr); err != nil {
			return connector.Step{}, err
		}
		if cr.DeviceToken != "" {
			deviceToken = cr.DeviceToken
		}
		ch, err := challengeOf(cr.Challenge, deviceToken, prev)
		if err != nil {
			return connector.Step{}, err
		}
		return connector.Step{Challenge: ch}, nil
	}
	return connector.Step{}, refusal(res, prev)
}

// challengeOf maps the API's challenge to the connector's, with the State
// Answer resumes from.
func challengeOf(j *challengeJSON, deviceToken string, prev *challengeState) (*connector.Challenge, error) {
	if j == nil || !pathSegment(j.ID) {
		return nil, errors.New("the bank asked for a challenge but did not say which (no usable challenge id)")
	}
	typ := connector.ChallengeType(j.Type)
	switch typ {
	case connector.Question, connector.ChooseDelivery, connector.Code, connector.Approve:
	default:
		return nil, fmt.Errorf("the bank asked for a challenge of type %q, which this connector cannot answer", printable(j.Type, 40))
	}
	ch := &connector.Challenge{Type: typ, Prompt: j.Prompt, AttemptsLeft: -1, ExpiresAt: j.ExpiresAt}
	if j.AttemptsLeft != nil {
		ch.AttemptsLeft = *j.AttemptsLeft
	}
	st := challengeState{ID: j.ID, Type: typ, AttemptsLeft: ch.AttemptsLeft, DeviceToken: deviceToken}
	for _, q := range j.Questions {
		ch.Questions = append(ch.Questions, connector.QuestionPrompt{ID: q.ID, Prompt: q.Prompt})
		st.QuestionIDs = append(st.QuestionIDs, q.ID)
	}
	if typ == connector.Question && len(ch.Questions) == 0 {
		return nil, errors.New("the bank asked a security question challenge without a question")
	}
	for _, o := range j.Options {
		ch.Options = append(ch.Options, connector.Option{ID: o.ID, Label: o.Label, Channel: channelOf(o.ID, o.Label)})
		st.OptionIDs = append(st.OptionIDs, o.ID)
	}
	if typ == connector.ChooseDelivery && len(ch.Options) == 0 {
		return nil, errors.New("the bank asked where to send a code but offered nowhere")
	}
	ch.Rejected = rejected(prev, typ)
	ch.State = st.bytes()
	if typ == connector.Approve && deviceToken != "" {
		// The client the member is asked to approve: kept even if nobody
		// continues in time, so the next sign-in is that client again.
		ch.Device = deviceState{DeviceToken: deviceToken}.bytes()
	}
	return ch, nil
}

// rejected says whether a challenge that follows prev means the bank did
// not accept prev's answer. A right answer to a question or a code signs in
// (201), so any challenge after one is a rejection: the next question, the
// same code with one attempt fewer, or another method once three wrong
// answers blocked this one. After a delivery choice the code challenge is
// the expected next step; any other means the choice was not accepted (no
// code could be sent). An approve challenge answered before the member
// approved comes back as it was: still pending, not refused.
func rejected(prev *challengeState, next connector.ChallengeType) bool {
	if prev == nil {
		return false
	}
	switch prev.Type {
	case connector.Question, connector.Code:
		return true
	case connector.ChooseDelivery:
		return next != connector.Code
	}
	return false
}

// channelOf reads how an option delivers its code from the API's option
// ids ("sms-12", "voice-12", "access_code"), or else from its label.
func channelOf(id, label string) string {
	prefix, _, _ := strings.Cut(id, "-")
	switch prefix {
	case "sms", "voice", "email":
		return prefix
	}
	switch l := strings.ToLower(label); {
	case strings.HasPrefix(l, "text"):
		return "sms"
	case strings.HasPrefix(l, "call"):
		return "voice"
	case strings.HasPrefix(l, "email"):
		return "email"
	}
	return ""
}

// refusal maps an error of the sign-in (prev nil) or of an answer to the
// connector's errors, quoting the bank's message (never the request).
func refusal(res *response, prev *challengeState) error {
	e := res.bankError()
	answering := prev != nil
	switch {
	case res.status == http.StatusUnauthorized && !answering:
		return fmt.Errorf("%w: %s", connector.ErrInvalidCredentials, e.says())
	case res.status == http.StatusLocked:
		return fmt.Errorf("%w: %s", connector.ErrLocked, e.says())
	case res.status == http.StatusForbidden && e.Code == "password_change_required":
		return fmt.Errorf("%w: %s", connector.ErrPasswordChange, e.says())
	case res.status == http.StatusForbidden && e.Code == "password_expired":
		// Only the bank can reset it; the client must call it.
		return fmt.Errorf("%w: the password has expired: %s", connector.ErrPasswordChange, e.says())
	case res.status == http.StatusForbidden && e.Code == "account_disabled":
		return fmt.Errorf("%w: the sign-in is disabled: %s", connector.ErrLocked, e.says())
	case res.status == http.StatusForbidden:
		return fmt.Errorf("%w: %s", connector.ErrBlocked, e.says())
	case res.status == http.StatusGone && answering:
		return fmt.Errorf("%w: it was not answered within its time (the bank allows 180 seconds): sign in again", connector.ErrChallengeExpired)
	case res.status == http.StatusConflict && answering:
		return fmt.Errorf("%w: it was already answered (each challenge is answered once): sign in again", connector.ErrChallengeExpired)
	case res.status == http.StatusNotFound && answering && e.Code == "not_found":
		return fmt.Errorf("%w: the bank no longer knows it: sign in again", connector.ErrChallengeExpired)
	case res.status == http.StatusNotFound:
		return fmt.Errorf("%s: check the institution's JSON API address (it ends in /api/v1)", res.describe())
	}
	return fmt.Errorf("%s", res.describe())
}
