package api

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/store"
)

// connectionGet shows one of the firm's connections with its health, the
// refresh in flight and the challenge waiting for a person, if any, and its
// accounts.
func (s *server) connectionGet(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	conn, err := firm.GetConnection(ctx, q, c.firmID, id)
	if err != nil {
		return err
	}
	inst, err := firm.GetInstitution(ctx, q, conn.InstitutionID)
	if err != nil {
		return err
	}
	out := connectionDetail{connectionView: connectionOf(conn), Institution: institutionOf(inst)}
	switch active, err := refresh.Active(ctx, q, c.firmID, conn.ID); {
	case err == nil:
		v := refreshOf(active)
		out.Refresh = &v
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	open, err := s.openChallenges(r, c.firmID, conn.ID)
	if err != nil {
		return err
	}
	if len(open) > 0 {
		out.Challenge = &open[0]
	}
	accts, err := bankdata.ListAccounts(ctx, q, c.firmID, conn.ID)
	if err != nil {
		return err
	}
	out.Accounts = make([]accountView, len(accts))
	for i := range accts {
		out.Accounts[i] = accountOf(&accts[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
