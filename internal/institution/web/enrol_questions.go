package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// enrolQuestions stores the three questions through the engine.
func (s *site) enrolQuestions(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepQuestion)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), ef.AccountID)
	if err != nil {
		return err
	}
	form := newQuestionsSetForm(ef.ID, "/enrol/questions")
	if err := s.app.Members.SetQuestions(ctx, a, parseQuestions(r, &form), s.meta(r)); err != nil {
		if form.Problems = questionProblems(err); form.Problems == nil {
			return err
		}
		v := s.newView(r, "Choose your security questions")
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "questions_set", v)
	}
	if err := s.advanceEnrol(ctx, s.app.DB.Writer(), ef); err != nil {
		return err
	}
	return redirect(w, r, ef.url("/enrol/phones"))
}
