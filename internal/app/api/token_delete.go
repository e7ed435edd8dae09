package api

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/store"
)

// tokenDelete ends the caller's token.
func (s *server) tokenDelete(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := deleteToken(r.Context(), s.app.DB.Writer(), c.token.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
