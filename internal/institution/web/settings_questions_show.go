package web

import "net/http"

// settingsQuestionsShow lets the member choose new questions (S8).
func (s *site) settingsQuestionsShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	v := s.newView(r, "Change your security questions")
	v.Nav = "settings"
	v.Data = newQuestionsSetForm("", "/settings/questions")
	return s.render(w, http.StatusOK, "questions_set", v)
}
