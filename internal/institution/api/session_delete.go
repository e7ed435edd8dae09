package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session"
)

// sessionDelete signs out: the token stops working.
func (s *server) sessionDelete(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := session.Destroy(r.Context(), s.app.DB.Writer(), c.session.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
