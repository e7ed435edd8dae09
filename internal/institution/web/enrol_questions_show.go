package web

import "net/http"

// enrolQuestionsShow asks for three questions from the list, one of which
// may be the member's own (S8).
func (s *site) enrolQuestionsShow(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepQuestion)
	if err != nil {
		return err
	}
	v := s.newView(r, "Choose your security questions")
	v.Notice = "Choose three questions and answer them. We will ask one of them when you sign in."
	v.Data = newQuestionsSetForm(ef.ID, "/enrol/questions")
	return s.render(w, http.StatusOK, "questions_set", v)
}
