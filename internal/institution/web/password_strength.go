package web

import (
	"encoding/json"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/password"
)

// strengthRequest is what the strength meter sends as the member types.
type strengthRequest struct {
	Password string `json:"password"`
	Flow     string `json:"flow"` // the enrolment, whose member's details count against the password
}

// passwordStrength answers the strength meter (S2) with zxcvbn's estimate
// of the password the member is typing: a POST, so the password is in no
// URL or log, and under the CSRF check like every POST. The score is
// advice; the rules are checked when the form is sent.
func (s *site) passwordStrength(w http.ResponseWriter, r *http.Request) error {
	var req strengthRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
		return &pageError{Status: http.StatusBadRequest, Title: "Bad request", Message: "The strength check needs a JSON body."}
	}
	inputs, err := s.strengthInputs(r, req.Flow)
	if err != nil {
		return err
	}
	est := password.Strength(req.Password, inputs)
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(struct {
		Score    int    `json:"score"`
		Label    string `json:"label"`
		Feedback string `json:"feedback,omitempty"`
	}{est.Score, est.Label, est.Feedback})
}
