package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// clientCreate adds a client to the firm.
func (s *server) clientCreate(w http.ResponseWriter, r *http.Request, c *caller) error {
	var in clientRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	cl, err := firm.CreateClient(r.Context(), s.app.DB.Writer(), c.firmID, in.apply(firm.ClientDetails{}), s.now())
	if err != nil {
		return err
	}
	w.Header().Set("Location", clientPath(cl.ID))
	writeJSON(w, http.StatusCreated, clientOf(cl))
	return nil
}
