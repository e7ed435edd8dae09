package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/firm"
)

// accountList lists the firm's bank accounts, of one connection with
// connection_id.
func (s *server) accountList(w http.ResponseWriter, r *http.Request, c *caller) error {
	connID, err := queryID(r, "connection_id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	if connID != 0 {
		if _, err := firm.GetConnection(ctx, q, c.firmID, connID); err != nil {
			return err
		}
	}
	accts, err := bankdata.ListAccounts(ctx, q, c.firmID, connID)
	if err != nil {
		return err
	}
	out := make([]accountView, len(accts))
	for i := range accts {
		out[i] = accountOf(&accts[i])
	}
	writeJSON(w, http.StatusOK, struct {
		Accounts []accountView `json:"accounts"`
	}{out})
	return nil
}
