package api

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/refresh"
)

// refreshStart starts an attended refresh of one of the firm's connections
// (a person is waiting: the bank's challenges are relayed to them, on the
// event stream and GET /challenges). A connection already being refreshed
// answers 409 with that refresh.
func (s *server) refreshStart(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := decode(r, &struct{}{}); err != nil {
		return err
	}
	started, err := s.app.Refresh.Start(r.Context(), c.firmID, id, refresh.TriggerAPI)
	if errors.Is(err, refresh.ErrInProgress) {
		ae := refusal(err)
		if started != nil {
			v := refreshOf(started)
			ae.Refresh = &v
		}
		return ae
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", refreshPath(started.ID))
	writeJSON(w, http.StatusAccepted, struct {
		Refresh refreshView `json:"refresh"`
	}{refreshOf(started)})
	return nil
}
