package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
)

// checkFront and checkBack send the images of a paid check as PNGs, the
// same the member site sends.
func (s *server) checkFront(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.checkImage(w, r, c, documents.Front)
}

func (s *server) checkBack(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.checkImage(w, r, c, documents.Back)
}

func (s *server) checkImage(w http.ResponseWriter, r *http.Request, c *caller, side documents.Side) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("")
	}
	a, t, err := s.memberTransaction(r.Context(), c, id)
	if err != nil {
		return err
	}
	if !documents.IsPaidCheck(t) {
		return notFound("This transaction is not a check, so it has no images.")
	}
	img, err := documents.CheckImage(c.member, a, t, side, s.app.Info)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(img)
	return err
}

// memberTransaction finds transaction id among the member's accounts;
// another member's is not found.
func (s *server) memberTransaction(ctx context.Context, c *caller, id int64) (*institution.Account, *institution.Transaction, error) {
	accts, err := institution.Accounts(ctx, s.app.DB.Reader(), c.member.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range accts {
		t, err := institution.GetTransaction(ctx, s.app.DB.Reader(), a.ID, id)
		if err == nil {
			return a, t, nil
		}
		if !isNotFound(err) {
			return nil, nil, err
		}
	}
	return nil, nil, notFound("")
}
