package api

import (
	"net/http"
	"time"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/refresh"
)

// challengeView is a bank's challenge relayed to a person: what to show,
// never the connector's state or an answer.
type challengeView struct {
	ID           int64          `json:"id"`
	ConnectionID int64          `json:"connection_id"`
	RefreshID    int64          `json:"refresh_id"`
	Type         string         `json:"type"` // question, choose_delivery, code or approve
	Prompt       string         `json:"prompt"`
	Questions    []questionView `json:"questions"`
	Options      []optionView   `json:"options"`
	// AttemptsLeft is how many wrong answers the bank still takes before
	// it locks the sign-in; null when the bank does not say.
	AttemptsLeft *int `json:"attempts_left"`
	// LastAttempt: one more wrong answer locks the sign-in at the bank, so
	// the answer must come with confirm_last_attempt.
	LastAttempt bool      `json:"last_attempt"`
	Rejected    bool      `json:"rejected"` // the bank did not accept the previous answer
	Status      string    `json:"status"`   // pending, answered, done, expired or canceled
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	SecondsLeft int       `json:"seconds_left"` // to answer; 0 once it cannot be answered
}

type questionView struct {
	ID     string `json:"id"`
	Prompt string `json:"prompt"`
}

type optionView struct {
	ID      string `json:"id"`
	Label   string `json:"label"`   // masked: "Text to (•••) •••-0111"
	Channel string `json:"channel"` // sms, voice, email, or "" when the bank does not say
	Firm    bool   `json:"firm"`    // it reaches the firm's own phone: staff can take the code
}

// challengeOf shows c as it stands at now: a pending challenge whose time
// is up is expired, even before the sweep has closed it.
func challengeOf(c *refresh.Challenge, now time.Time) challengeView {
	v := challengeView{
		ID: c.ID, ConnectionID: c.ConnectionID, RefreshID: c.RefreshID, Type: string(c.Type), Prompt: c.Prompt,
		Questions: make([]questionView, len(c.Questions)), Options: make([]optionView, len(c.Options)),
		LastAttempt: c.LastAttempt(), Rejected: c.Rejected, Status: string(c.Status),
		CreatedAt: c.CreatedAt.UTC(), ExpiresAt: c.ExpiresAt.UTC(),
	}
	for i, q := range c.Questions {
		v.Questions[i] = questionView{ID: q.ID, Prompt: q.Prompt}
	}
	for i, o := range c.Options {
		v.Options[i] = optionView{ID: o.ID, Label: maskDigits(o.Label), Channel: o.Channel, Firm: o.Firm}
	}
	if c.AttemptsLeft >= 0 {
		n := c.AttemptsLeft
		v.AttemptsLeft = &n
	}
	if c.Status == refresh.ChallengeOpen {
		v.SecondsLeft = c.SecondsLeft(now)
		if v.SecondsLeft == 0 {
			v.Status = string(refresh.ChallengeExpired)
		}
	}
	return v
}

// maskDigits keeps the last four digits of a label and hides the others:
// connectors mask a destination already, and this makes sure a phone
// number or an account number never reaches a screen whole.
func maskDigits(label string) string {
	r := []rune(label)
	keep := 4
	for i := len(r) - 1; i >= 0; i-- {
		if !unicode.IsDigit(r[i]) {
			continue
		}
		if keep > 0 {
			keep--
			continue
		}
		r[i] = '•'
	}
	return string(r)
}

// openChallenges lists the firm's challenges a person can still answer
// (of one connection, or of all with connectionID 0), oldest first.
func (s *server) openChallenges(r *http.Request, firmID, connectionID int64) ([]challengeView, error) {
	cs, err := refresh.OpenChallenges(r.Context(), s.app.DB.Reader(), firmID, connectionID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]challengeView, 0, len(cs))
	for _, c := range cs {
		if v := challengeOf(c, now); v.Status == string(refresh.ChallengeOpen) {
			out = append(out, v)
		}
	}
	return out, nil
}
