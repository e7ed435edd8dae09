package api

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/refresh"
)

// maxAnswer bounds an answer, in characters: far past any code or security
// answer a bank takes.
const maxAnswer = 256

// answerRequest answers a challenge: answer for a code or a single
// question, answers (question id → answer) for several questions,
// option_id for where the bank sends a code, nothing for an approval. It
// is a secret: never logged, never shown back.
type answerRequest struct {
	Answer             string            `json:"answer"`
	Answers            map[string]string `json:"answers"`
	OptionID           string            `json:"option_id"`
	ConfirmLastAttempt bool              `json:"confirm_last_attempt"`
}

// challengeResult is where a challenge and its refresh stand after an
// answer or a cancel.
type challengeResult struct {
	Challenge challengeView `json:"challenge"`
	Refresh   refreshView   `json:"refresh"`
}

// challengeAnswer relays a person's answer to the bank, once, while the
// challenge is open. The bank's reply comes on the event stream: the next
// challenge (a wrong answer shows rejected and one attempt fewer) or the
// connection's new status.
func (s *server) challengeAnswer(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in answerRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.Answer) > maxAnswer {
		return invalidParameter("answer", "is longer than any answer a bank takes")
	}
	for qid, a := range in.Answers {
		if utf8.RuneCountInString(a) > maxAnswer || len(qid) > maxAnswer {
			return invalidParameter("answers", "hold an answer longer than any a bank takes")
		}
	}
	if len(in.OptionID) > maxAnswer {
		return invalidParameter("option_id", "is not one of the challenge's options")
	}
	ctx := r.Context()
	err = s.app.Refresh.Answer(ctx, c.firmID, id, connector.Answer{Text: in.Answer, Answers: in.Answers, OptionID: in.OptionID}, in.ConfirmLastAttempt)
	if errors.Is(err, refresh.ErrChallengeClosed) {
		// The sweep closes an unanswered challenge when its time is up;
		// an answer that comes just after is late, not a second answer.
		if ch, gerr := refresh.GetChallenge(ctx, s.app.DB.Reader(), c.firmID, id); gerr == nil && ch.Status == refresh.ChallengeExpired {
			err = refresh.ErrChallengeExpired
		}
	}
	if err != nil {
		return err
	}
	return s.writeChallengeResult(w, r, c, id, http.StatusAccepted)
}

func (s *server) writeChallengeResult(w http.ResponseWriter, r *http.Request, c *caller, id int64, status int) error {
	ctx := r.Context()
	q := s.app.DB.Reader()
	ch, err := refresh.GetChallenge(ctx, q, c.firmID, id)
	if err != nil {
		return err
	}
	rf, err := refresh.Get(ctx, q, c.firmID, ch.RefreshID)
	if err != nil {
		return err
	}
	writeJSON(w, status, challengeResult{Challenge: challengeOf(ch, s.now()), Refresh: refreshOf(rf)})
	return nil
}
