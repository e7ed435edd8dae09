package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// clientDelete removes one of the firm's clients, and with it its
// connections, their refreshes and the bank data they synced.
func (s *server) clientDelete(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := firm.DeleteClient(r.Context(), s.app.DB.Writer(), c.firmID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
