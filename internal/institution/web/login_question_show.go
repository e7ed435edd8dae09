package web

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/store"
)

// answerForm is the data of a page that asks challenge questions.
type answerForm struct {
	Flow    string
	Action  string
	Method  string
	Prompts []challenge.Prompt
}

// loginQuestionShow asks the rotating question of every login (S9). The
// question stays the same until it is answered: reloading does not cycle
// to an easier one.
func (s *site) loginQuestionShow(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepQuestion)
	if err != nil {
		return err
	}
	a, err := account.Get(r.Context(), s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	return s.renderQuestion(w, r, lf, a, http.StatusOK, "")
}

func (s *site) renderQuestion(w http.ResponseWriter, r *http.Request, lf *loginFlow, a *account.Account, status int, msg string) error {
	prompts, err := s.app.Members.AskQuestionsIn(r.Context(), a, challenge.Rotating)
	if errors.Is(err, auth.ErrQuestionsBlocked) || errors.Is(err, store.ErrNotFound) {
		return s.questionsUnavailable(w, r, lf, a, errors.Is(err, auth.ErrQuestionsBlocked))
	}
	if err != nil {
		return err
	}
	v := s.loginView(r, lf, "Answer your security question")
	v.Error = msg
	v.Data = answerForm{Flow: lf.ID, Action: "/login/question", Prompts: prompts}
	return s.render(w, status, "login_question", v)
}

// questionsUnavailable carries on without the every-login question: when
// the questions are blocked (S4) another method must confirm the member
// instead; when staff deleted them (S11) the member sets new ones before
// home.
func (s *site) questionsUnavailable(w http.ResponseWriter, r *http.Request, lf *loginFlow, a *account.Account, blocked bool) error {
	lf.State.Question = false
	if blocked {
		ms, err := signin.StepUpMethods(r.Context(), s.app, a)
		if err != nil {
			return err
		}
		if len(ms.Methods) == 0 {
			return s.deny(w, r, []string{"no_step_up_method"}, "Sign-in refused")
		}
		lf.State.StepUp, lf.State.Notice = true, "questions_blocked"
	}
	if err := s.advanceLogin(r.Context(), lf); err != nil {
		return err
	}
	return s.proceed(w, r, lf)
}
