package web

import "net/http"

// loginQuestionsShow asks a member to set their three questions before
// going on: they have none (staff deleted them, S11) or they are due again
// (every 180 days in the seed policy, S10).
func (s *site) loginQuestionsShow(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepSetQuestions)
	if err != nil {
		return err
	}
	v := s.loginView(r, lf, "Set your security questions")
	v.Notice = "Choose three security questions and answer them. We will ask one when you sign in."
	v.Data = newQuestionsSetForm(lf.ID, "/login/questions")
	return s.render(w, http.StatusOK, "questions_set", v)
}
