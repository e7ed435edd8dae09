package web

import "net/http"

// usernameForm is the data of the username step.
type usernameForm struct {
	Flow     string
	Username string
	Problems []string
}

// enrolUsernameShow asks the member to choose a username (S1).
func (s *site) enrolUsernameShow(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepUsername)
	if err != nil {
		return err
	}
	v := s.newView(r, "Choose a username")
	v.Notice = "Your activation code is right. Now choose how you will sign in."
	v.Data = usernameForm{Flow: ef.ID}
	return s.render(w, http.StatusOK, "enrol_username", v)
}
