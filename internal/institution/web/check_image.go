package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
	"github.com/ledgersync/ledgersync/internal/store"
)

// checkImage sends the front or the back of a paid check as a PNG.
func (s *site) checkImage(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	a, err := s.memberAccount(r, me)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("tid"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	t, err := institution.GetTransaction(r.Context(), s.app.DB.Reader(), a.ID, id)
	if err != nil {
		return err
	}
	side, ok := strings.CutSuffix(r.PathValue("side"), ".png")
	if !ok {
		return store.ErrNotFound
	}
	img, err := documents.CheckImage(me.Member, a, t, documents.Side(side), s.app.Info)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(img)
	return err
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
