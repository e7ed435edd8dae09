package web

import "net/http"

// settingsQuestions replaces the member's questions through the engine.
func (s *site) settingsQuestions(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	form := newQuestionsSetForm("", "/settings/questions")
	if err := s.app.Members.SetQuestions(r.Context(), me.Account, parseQuestions(r, &form), s.meta(r)); err != nil {
		if form.Problems = questionProblems(err); form.Problems == nil {
			return err
		}
		v := s.newView(r, "Change your security questions")
		v.Nav = "settings"
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "questions_set", v)
	}
	return s.renderSettings(w, r, me, http.StatusOK, "Your security questions were changed.", "")
}
