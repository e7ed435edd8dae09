package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/bankdata"
)

// statementView is a statement LedgerSync keeps; PDF is where to download
// it.
type statementView struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	PeriodStart string    `json:"period_start"` // YYYY-MM-DD
	PeriodEnd   string    `json:"period_end"`
	Size        int64     `json:"size"`   // bytes
	SHA256      string    `json:"sha256"` // of the PDF, hex
	FetchedAt   time.Time `json:"fetched_at"`
	PDF         string    `json:"pdf"`
}

// statementList lists an account's statements, the latest period first.
func (s *server) statementList(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	if _, err := bankdata.GetAccount(ctx, q, c.firmID, id); err != nil {
		return err
	}
	sts, err := bankdata.ListStatements(ctx, q, c.firmID, id)
	if err != nil {
		return err
	}
	out := struct {
		AccountID  int64           `json:"account_id"`
		Statements []statementView `json:"statements"`
	}{AccountID: id, Statements: make([]statementView, len(sts))}
	for i, st := range sts {
		out.Statements[i] = statementView{ID: st.ID, AccountID: st.AccountID,
			PeriodStart: st.PeriodStart.Format(bankdata.DateLayout), PeriodEnd: st.PeriodEnd.Format(bankdata.DateLayout),
			Size: st.Size, SHA256: st.SHA256, FetchedAt: st.FetchedAt, PDF: "/api/v1/statements/" + strconv.FormatInt(st.ID, 10)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
