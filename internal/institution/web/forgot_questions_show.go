package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/challenge"
)

// forgotQuestionsShow asks all three security questions at once (S9). A
// member's blocked questions are not revealed here: the answer is refused
// like any other, so the page looks the same for every username.
func (s *site) forgotQuestionsShow(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, answerSteps()...)
	if err != nil {
		return err
	}
	return s.renderForgotQuestions(w, r, ff, http.StatusOK, "")
}

func (s *site) renderForgotQuestions(w http.ResponseWriter, r *http.Request, ff *forgotFlow, status int, msg string) error {
	prompts, err := s.forgotPrompts(r, ff)
	if err != nil {
		return err
	}
	v := s.newView(r, "Answer your security questions")
	v.Error = msg
	v.Data = answerForm{Flow: ff.ID, Action: "/forgot/questions", Prompts: prompts}
	return s.render(w, status, "forgot_questions", v)
}

// forgotPrompts are the three questions the recovery asks: the member's,
// in the order they chose them, or the username's decoys.
func (s *site) forgotPrompts(r *http.Request, ff *forgotFlow) ([]challenge.Prompt, error) {
	if ff.State.Decoy {
		return s.decoyPrompts(ff.State.Username), nil
	}
	return challenge.List(r.Context(), s.app.DB.Reader(), ff.AccountID)
}
