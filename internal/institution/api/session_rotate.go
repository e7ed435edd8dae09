package api

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
)

// sessionRotate gives the session a new token; the one that asked stops
// working at once (S26).
func (s *server) sessionRotate(w http.ResponseWriter, r *http.Request, c *caller) error {
	tok, err := session.Rotate(r.Context(), s.app.DB.Writer(), s.sessions, c.session, s.now())
	switch {
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound), errors.Is(err, session.ErrExpired):
		// Rotated or ended by another request meanwhile.
		return unauthenticated(signInAgain, err)
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse{Token: string(tok), ExpiresAt: c.session.Deadline()})
	return nil
}
