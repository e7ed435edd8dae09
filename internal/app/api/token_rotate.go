package api

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
)

// tokenRotate gives the caller's token a new value; the one that asked
// stops working at once (S26). Its end stays where it was.
func (s *server) tokenRotate(w http.ResponseWriter, r *http.Request, c *caller) error {
	if err := decode(r, &struct{}{}); err != nil {
		return err
	}
	ctx := r.Context()
	token, err := rotateToken(ctx, s.app.DB.Writer(), c.token, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return unauthenticated(signInAgain, err) // rotated or ended by another request meanwhile
	}
	if err != nil {
		return err
	}
	ms, err := firm.MembershipsOf(ctx, s.app.DB.Reader(), c.token.AccountID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse{Token: token, ExpiresAt: c.token.ExpiresAt, IdleExpiresAt: c.token.IdleExpiresAt,
		Firm: firmViews([]firm.Membership{*c.member})[0], Firms: firmViews(ms)})
	return nil
}
