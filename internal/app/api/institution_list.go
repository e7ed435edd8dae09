package api

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// institutionView is an entry of the directory of banks.
type institutionView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"` // how LedgerSync connects: ofx (Direct Connect) or instapi (the bank's JSON API)
}

func institutionOf(in *firm.Institution) institutionView {
	return institutionView{ID: in.ID, Name: in.Name, Kind: string(in.Kind)}
}

// institutionList searches the directory: q matches anywhere in the name,
// ignoring case; limit is at most firm.MaxSearchLimit.
func (s *server) institutionList(w http.ResponseWriter, r *http.Request, c *caller) error {
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > firm.MaxSearchLimit {
			return invalidParameter("limit", "must be a whole number from 1 to "+strconv.Itoa(firm.MaxSearchLimit))
		}
		limit = n
	}
	query := q.Get("q")
	if len(query) > firm.MaxNameLength*4 {
		return invalidParameter("q", "is longer than any institution's name")
	}
	ins, err := firm.SearchInstitutions(r.Context(), s.app.DB.Reader(), query, limit)
	if err != nil {
		return err
	}
	out := make([]institutionView, len(ins))
	for i := range ins {
		out[i] = institutionOf(&ins[i])
	}
	writeJSON(w, http.StatusOK, struct {
		Institutions []institutionView `json:"institutions"`
	}{out})
	return nil
}
