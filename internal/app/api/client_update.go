package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// clientUpdate changes the fields of one of the firm's clients that the
// request gives; the others keep their value.
func (s *server) clientUpdate(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in clientRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := firm.GetClient(ctx, s.app.DB.Reader(), c.firmID, id)
	if err != nil {
		return err
	}
	d := in.apply(firm.ClientDetails{Name: cur.Name, Email: cur.Email, Phone: cur.Phone})
	cl, err := firm.UpdateClient(ctx, s.app.DB.Writer(), c.firmID, id, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, clientOf(cl))
	return nil
}
