package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/notify"
)

// outbox lists the messages the demo bank "sent" (codes included, in
// clear): the development outbox, routed only in demo mode. It answers
// JSON to a client that asks for it (Accept: application/json), HTML
// otherwise.
func (s *site) outbox(w http.ResponseWriter, r *http.Request) error {
	entries, err := s.app.Outbox.List(r.Context(), notify.OutboxFilter{To: r.URL.Query().Get("to"), Limit: 100})
	if err != nil {
		return err
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		type entry struct {
			ID        int64     `json:"id"`
			Channel   string    `json:"channel"`
			To        string    `json:"to"`
			Subject   string    `json:"subject,omitempty"`
			Body      string    `json:"body"`
			Purpose   string    `json:"purpose"`
			CreatedAt time.Time `json:"created_at"`
		}
		out := make([]entry, 0, len(entries))
		for _, e := range entries {
			out = append(out, entry{e.ID, string(e.Channel), e.To, e.Subject, e.Body, e.Purpose, e.CreatedAt})
		}
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(out)
	}
	v := s.newView(r, "Messages sent (demo)")
	v.Data = entries
	return s.render(w, http.StatusOK, "outbox", v)
}
