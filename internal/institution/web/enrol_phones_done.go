package web

import "net/http"

// enrolPhonesDone moves on to the watermark.
func (s *site) enrolPhonesDone(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepPhones)
	if err != nil {
		return err
	}
	if err := s.advanceEnrol(r.Context(), s.app.DB.Writer(), ef); err != nil {
		return err
	}
	return redirect(w, r, ef.url("/enrol/watermark"))
}
