package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// clientList lists the firm's clients by name.
func (s *server) clientList(w http.ResponseWriter, r *http.Request, c *caller) error {
	cs, err := firm.ListClients(r.Context(), s.app.DB.Reader(), c.firmID)
	if err != nil {
		return err
	}
	out := make([]clientView, len(cs))
	for i := range cs {
		out[i] = clientOf(&cs[i])
	}
	writeJSON(w, http.StatusOK, struct {
		Clients []clientView `json:"clients"`
	}{out})
	return nil
}
