package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// challengeList lists the firm's challenges waiting for a person (of one
// connection with connection_id), oldest first: the ones to answer now.
func (s *server) challengeList(w http.ResponseWriter, r *http.Request, c *caller) error {
	connID, err := queryID(r, "connection_id")
	if err != nil {
		return err
	}
	if connID != 0 {
		if _, err := firm.GetConnection(r.Context(), s.app.DB.Reader(), c.firmID, connID); err != nil {
			return err
		}
	}
	out, err := s.openChallenges(r, c.firmID, connID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Challenges []challengeView `json:"challenges"`
	}{out})
	return nil
}
