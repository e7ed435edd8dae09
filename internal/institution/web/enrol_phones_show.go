package web

import "net/http"

// enrolPhonesShow asks for up to four phones, each a mobile or a landline
// (S13): where codes go, and the numbers we call back.
func (s *site) enrolPhonesShow(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepPhones)
	if err != nil {
		return err
	}
	p, err := s.newPhonesPage(r.Context(), ef.AccountID)
	if err != nil {
		return err
	}
	p.Flow, p.Add, p.Done = ef.ID, "/enrol/phones", "/enrol/phones/done"
	v := s.newView(r, "Your phone numbers")
	v.Data = p
	return s.render(w, http.StatusOK, "phones", v)
}
