package api

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ledgersync/ledgersync/internal/bankdata"
)

// statementPDF sends a statement's PDF as it was fetched from the bank.
func (s *server) statementPDF(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	st, err := bankdata.GetStatement(ctx, q, c.firmID, id)
	if err != nil {
		return err
	}
	acct, err := bankdata.GetAccount(ctx, q, c.firmID, st.AccountID)
	if err != nil {
		return err
	}
	body, obj, err := s.app.Blobs.Get(ctx, st.BlobKey)
	if err != nil {
		return fmt.Errorf("statement %d: read its PDF from storage: %w", st.ID, err)
	}
	defer body.Close()
	name := fmt.Sprintf("statement-%s-%s-to-%s.pdf", fileWord(acct.Mask, acct.ID),
		st.PeriodStart.Format(bankdata.DateLayout), st.PeriodEnd.Format(bankdata.DateLayout))
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if obj.Size > 0 {
		w.Header().Set("Content-Length", strconv.FormatInt(obj.Size, 10))
	}
	_, err = io.Copy(w, body)
	return err
}

// fileWord is word reduced to letters and digits, for a file name; the id
// when nothing is left.
func fileWord(word string, id int64) string {
	word = strings.Map(func(r rune) rune {
		if r < 128 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return -1
	}, word)
	if word == "" {
		return "account" + strconv.FormatInt(id, 10)
	}
	return word
}
