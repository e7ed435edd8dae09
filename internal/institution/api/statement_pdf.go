package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
)

// statementPDF sends a statement as the same PDF the member site sends.
func (s *server) statementPDF(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("")
	}
	a, st, err := s.memberStatement(ctx, c, id)
	if err != nil {
		return err
	}
	pdf, err := documents.StatementPDF(ctx, s.app, c.member, a, st)
	if isNotFound(err) {
		return notFound("")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+documents.StatementFilename(a, st)+`"`)
	_, err = w.Write(pdf)
	return err
}

// memberStatement finds statement id among the member's accounts; another
// member's is not found.
func (s *server) memberStatement(ctx context.Context, c *caller, id int64) (*institution.Account, *institution.Statement, error) {
	accts, err := institution.Accounts(ctx, s.app.DB.Reader(), c.member.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range accts {
		st, err := institution.GetStatement(ctx, s.app.DB.Reader(), a.ID, id)
		if err == nil {
			return a, st, nil
		}
		if !isNotFound(err) {
			return nil, nil, err
		}
	}
	return nil, nil, notFound("")
}
