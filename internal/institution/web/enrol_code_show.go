package web

import "net/http"

// enrolCodeShow asks for the activation code.
func (s *site) enrolCodeShow(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepCode)
	if err != nil {
		return err
	}
	return s.renderEnrolCode(w, r, ef, http.StatusOK, "", "")
}

func (s *site) renderEnrolCode(w http.ResponseWriter, r *http.Request, ef *enrolFlow, status int, msg, notice string) error {
	v := s.newView(r, "Enter your activation code")
	v.Error, v.Notice = msg, notice
	v.Data = enrolForm{Flow: ef.ID, SentTo: ef.State.SentTo, Channel: ef.State.Channel, Hours: int(s.app.Members.Policy().ActivationCodeTTL.Hours())}
	return s.render(w, status, "enrol_code", v)
}
