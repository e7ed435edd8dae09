package web

import "net/http"

// watermarkForm is the data of a page choosing the watermark.
type watermarkForm struct {
	Flow     string
	Action   string
	Choices  []Watermark
	Selected string
}

// enrolWatermarkShow asks the member to choose the security image they
// will see before typing their password (S22).
func (s *site) enrolWatermarkShow(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepImage)
	if err != nil {
		return err
	}
	v := s.newView(r, "Choose your security image")
	v.Data = watermarkForm{Flow: ef.ID, Action: "/enrol/watermark", Choices: watermarks()}
	return s.render(w, http.StatusOK, "watermark", v)
}
