package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/store"
)

// forgotQuestions checks the answers to all three questions (S9). Wrong
// ones count against the questions like a login's (S4): they say how many
// tries are left, and the third blocks the questions and ends the reset
// with "call us". Right ones lead to the PIN, or to the new password for a
// member without a phone.
func (s *site) forgotQuestions(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, answerSteps()...)
	if err != nil {
		return err
	}
	ctx := r.Context()
	answers := answersOf(r)
	if ff.State.Decoy {
		return s.decoyAnswers(w, r, ff, answers)
	}
	a, _, err := s.forgotAccount(ctx, ff)
	if err != nil {
		return err
	}
	err = s.app.Members.AnswerAllQuestions(ctx, a, answers, s.meta(r))
	var wrong *auth.ErrWrongAnswer
	switch {
	case err == nil:
		ff.State.Proven = true
		return s.forgotProceed(w, r, ff)
	case errors.As(err, &wrong):
		return s.wrongAnswers(w, r, ff, wrong.AttemptsLeft)
	case errors.Is(err, auth.ErrQuestionsBlocked):
		return s.questionsBlockedPage()
	case errors.Is(err, challenge.ErrNotAsked):
		return s.renderForgotQuestions(w, r, ff, http.StatusUnprocessableEntity, "Answer the three questions shown.")
	case errors.Is(err, challenge.ErrNoQuestions), errors.Is(err, store.ErrNotFound):
		return s.callUs("Your security questions are not set up", "Your security questions are not set up, so your password cannot be reset online.")
	}
	return err
}

// decoyAnswers refuses the answers of a username nothing can be recovered
// for the way a member's wrong answers are refused: after about the same
// work (one hash per answer, as the engine verifies one per question), with
// the tries counted in the flow.
func (s *site) decoyAnswers(w http.ResponseWriter, r *http.Request, ff *forgotFlow, answers map[challenge.QuestionID]string) error {
	ids := make([]challenge.QuestionID, 0, challenge.QuestionCount)
	for _, p := range s.decoyPrompts(ff.State.Username) {
		ids = append(ids, p.ID)
	}
	for id := range answers {
		if !slices.Contains(ids, id) {
			return s.renderForgotQuestions(w, r, ff, http.StatusUnprocessableEntity, "Answer the three questions shown.")
		}
	}
	for _, id := range ids {
		if _, err := s.hasher.Hash(r.Context(), answers[id]); err != nil {
			return fmt.Errorf("web: reset password: %w", err)
		}
	}
	ff.State.Failures++
	return s.wrongAnswers(w, r, ff, max(0, s.app.Members.Policy().LockoutAfter-ff.State.Failures))
}

// wrongAnswers moves the recovery to its next try and asks again, saying
// how many tries are left but not which answer was wrong.
func (s *site) wrongAnswers(w http.ResponseWriter, r *http.Request, ff *forgotFlow, left int) error {
	if left <= 0 {
		return s.questionsBlockedPage()
	}
	if ff.Step() == forgotStepAnswers3 {
		return staleForgot(errors.New("three tries in one reset"))
	}
	if err := s.advanceForgot(r.Context(), ff); err != nil {
		return err
	}
	msg := fmt.Sprintf("Your answers are not all right. You have %d attempts left before your security questions are blocked.", left)
	if left == 1 {
		msg = "Your answers are not all right. You have 1 attempt left before your security questions are blocked."
	}
	return s.renderForgotQuestions(w, r, ff, http.StatusUnauthorized, msg)
}
