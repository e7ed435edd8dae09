package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/refresh"
)

// challengeGet shows one of the firm's challenges, with the seconds left to
// answer it.
func (s *server) challengeGet(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ch, err := refresh.GetChallenge(r.Context(), s.app.DB.Reader(), c.firmID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, challengeOf(ch, s.now()))
	return nil
}
