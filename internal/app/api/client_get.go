package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// clientGet shows one of the firm's clients.
func (s *server) clientGet(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cl, err := firm.GetClient(r.Context(), s.app.DB.Reader(), c.firmID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, clientOf(cl))
	return nil
}
