package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// connectionDelete removes one of the firm's connections, its sealed
// secrets, its refreshes and the bank data it synced.
func (s *server) connectionDelete(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := firm.DeleteConnection(r.Context(), s.app.DB.Writer(), c.firmID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
