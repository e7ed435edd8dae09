package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// connectionList lists the firm's connections, of one client (client_id)
// and with one status (status) when asked.
func (s *server) connectionList(w http.ResponseWriter, r *http.Request, c *caller) error {
	clientID, err := queryID(r, "client_id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	if clientID != 0 {
		if _, err := firm.GetClient(ctx, q, c.firmID, clientID); err != nil {
			return err
		}
	}
	cs, err := firm.ListConnections(ctx, q, c.firmID, firm.ConnectionFilter{ClientID: clientID, Status: firm.Status(r.URL.Query().Get("status"))})
	if err != nil {
		return err
	}
	out := make([]connectionView, len(cs))
	for i := range cs {
		out[i] = connectionOf(&cs[i])
	}
	writeJSON(w, http.StatusOK, struct {
		Connections []connectionView `json:"connections"`
	}{out})
	return nil
}
