package api

import (
	"net/http"
)

// challengeCancel gives up a challenge: its refresh ends "update account
// canceled or aborted", and nothing more is sent to the bank.
func (s *server) challengeCancel(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decode(r, &struct{}{}); err != nil {
		return err
	}
	if err := s.app.Refresh.Cancel(r.Context(), c.firmID, id); err != nil {
		return err
	}
	return s.writeChallengeResult(w, r, c, id, http.StatusOK)
}
