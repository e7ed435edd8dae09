package web

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
	"github.com/ledgersync/ledgersync/internal/store"
)

// statementPDF sends a statement as a PDF: every posted transaction of the
// period with its running balance. A statement is available from the day
// after its period ends.
func (s *site) statementPDF(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	a, err := s.memberAccount(r, me)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	st, err := institution.GetStatement(ctx, s.app.DB.Reader(), a.ID, id)
	if err != nil {
		return err
	}
	pdf, err := documents.StatementPDF(ctx, s.app, me.Member, a, st)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+documents.StatementFilename(a, st)+`"`)
	_, err = w.Write(pdf)
	return err
}
