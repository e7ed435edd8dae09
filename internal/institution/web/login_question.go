package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/store"
)

// loginQuestion checks the answer to the rotating question. A wrong answer
// says how many attempts are left and asks another question (S9); the
// third blocks the questions, and another method is asked for (S4).
func (s *site) loginQuestion(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepQuestion)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	err = s.app.Members.AnswerQuestions(ctx, a, answersOf(r), s.meta(r))
	if err == nil {
		lf.State.QuestionsOK = true
		if err := s.advanceLogin(ctx, lf); err != nil {
			return err
		}
		return s.proceed(w, r, lf)
	}
	if msg := answerRefusal(err); msg != "" {
		return s.renderQuestion(w, r, lf, a, http.StatusUnauthorized, msg)
	}
	switch {
	case errors.Is(err, auth.ErrQuestionsBlocked):
		return s.questionsUnavailable(w, r, lf, a, true)
	case errors.Is(err, challenge.ErrNoQuestions), errors.Is(err, store.ErrNotFound):
		return s.questionsUnavailable(w, r, lf, a, false)
	}
	return err
}

// answersOf reads the answers of a questions form: a "question" field and
// an "answer" field for each question asked, in order.
func answersOf(r *http.Request) map[challenge.QuestionID]string {
	if err := r.ParseForm(); err != nil {
		return nil
	}
	ids, texts := r.PostForm["question"], r.PostForm["answer"]
	out := make(map[challenge.QuestionID]string, len(ids))
	for i, id := range ids {
		if i < len(texts) && len(out) < challenge.QuestionCount {
			out[challenge.QuestionID(id)] = texts[i]
		}
	}
	return out
}

// answerRefusal is what a member is told about a wrong answer; "" for
// errors that are not about the answer.
func answerRefusal(err error) string {
	var wrong *auth.ErrWrongAnswer
	switch {
	case errors.As(err, &wrong):
		if wrong.AttemptsLeft == 1 {
			return "That answer is not right. You have 1 attempt left before your security questions are blocked. Here is another question."
		}
		return fmt.Sprintf("That answer is not right. You have %d attempts left before your security questions are blocked. Here is another question.", wrong.AttemptsLeft)
	case errors.Is(err, challenge.ErrNotAsked):
		return "The question changed, perhaps in another window. Please answer this one."
	}
	return ""
}
