package api

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
)

// maxRefreshes bounds one list of refreshes.
const maxRefreshes = 500

// refreshList lists a connection's refreshes, newest first (limit, at most
// 500; 50 unless asked).
func (s *server) refreshList(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxRefreshes {
			return invalidParameter("limit", "must be a whole number from 1 to "+strconv.Itoa(maxRefreshes))
		}
		limit = n
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	if _, err := firm.GetConnection(ctx, q, c.firmID, id); err != nil {
		return err
	}
	rs, err := refresh.List(ctx, q, c.firmID, id, limit)
	if err != nil {
		return err
	}
	out := make([]refreshView, len(rs))
	for i, rf := range rs {
		out[i] = refreshOf(rf)
	}
	writeJSON(w, http.StatusOK, struct {
		Refreshes []refreshView `json:"refreshes"`
	}{out})
	return nil
}
