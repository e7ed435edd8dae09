package api

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/refresh"
)

// refreshGet shows one of the firm's refreshes: where it stands, how it
// ended, what it landed, and the challenges it relayed.
func (s *server) refreshGet(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	rf, err := refresh.Get(ctx, q, c.firmID, id)
	if err != nil {
		return err
	}
	cs, err := refresh.Challenges(ctx, q, c.firmID, id)
	if err != nil {
		return err
	}
	now := s.now()
	out := refreshDetail{refreshView: refreshOf(rf), Challenges: make([]challengeView, len(cs))}
	for i, ch := range cs {
		out.Challenges[i] = challengeOf(ch, now)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
