package console

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// searchLimit is the most members one search lists.
const searchLimit = 50

// searchPage is the member search's data.
type searchPage struct {
	Query    string
	Searched bool
	Members  []*institution.Member
	Limit    int
}

// search finds members by member number, name, email or phone on file.
// A phone number typed with punctuation, "(202) 555-0101", also matches the
// stored E.164 form.
func (c *Console) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := searchPage{Query: q, Limit: searchLimit}
	if q != "" {
		if len([]rune(q)) > 100 {
			return badRequest("Search for at most 100 characters.")
		}
		p.Searched = true
		found, err := institution.SearchMembers(r.Context(), c.app.DB.Reader(), q, searchLimit)
		if err != nil {
			return err
		}
		if digits := phoneDigits(q); digits != "" && digits != q {
			more, err := institution.SearchMembers(r.Context(), c.app.DB.Reader(), digits, searchLimit)
			if err != nil {
				return err
			}
			found = mergeMembers(found, more)
		}
		p.Members = found
	}
	return c.render(w, r, http.StatusOK, "search.html", &view{Title: "Members", Nav: "members", Data: p})
}

// phoneDigits returns the digits of q when q looks like a phone number
// (digits and phone punctuation, at least seven digits), else "".
func phoneDigits(q string) string {
	var b strings.Builder
	for _, r := range q {
		switch {
		case unicode.IsDigit(r):
			b.WriteRune(r)
		case strings.ContainsRune(" ()-.+", r):
		default:
			return ""
		}
	}
	if b.Len() < 7 {
		return ""
	}
	return b.String()
}

// mergeMembers appends to a the members of b it does not hold yet.
func mergeMembers(a, b []*institution.Member) []*institution.Member {
	seen := make(map[int64]bool, len(a))
	for _, m := range a {
		seen[m.ID] = true
	}
	for _, m := range b {
		if !seen[m.ID] && len(a) < searchLimit {
			a = append(a, m)
			seen[m.ID] = true
		}
	}
	return a
}
