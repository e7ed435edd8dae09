package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// loginQuestionsSave stores the member's new questions (S8) and carries on
// to home.
func (s *site) loginQuestionsSave(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepSetQuestions)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	form := newQuestionsSetForm(lf.ID, "/login/questions")
	answers := parseQuestions(r, &form)
	if err := s.app.Members.SetQuestions(ctx, a, answers, s.meta(r)); err != nil {
		if form.Problems = questionProblems(err); form.Problems == nil {
			return err
		}
		v := s.loginView(r, lf, "Set your security questions")
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "questions_set", v)
	}
	if err := s.advanceLogin(ctx, lf); err != nil {
		return err
	}
	return s.proceed(w, r, lf)
}
