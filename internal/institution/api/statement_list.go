package api

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// statementView is a statement as the API lists it.
type statementView struct {
	ID             int64  `json:"id"`
	AccountID      int64  `json:"account_id"`
	PeriodStart    string `json:"period_start"` // YYYY-MM-DD
	PeriodEnd      string `json:"period_end"`
	OpeningBalance money  `json:"opening_balance"`
	ClosingBalance money  `json:"closing_balance"`
	AvailableOn    string `json:"available_on"`
	PDF            string `json:"pdf"` // the path of its PDF
}

// statementList lists an account's statements available so far (from the
// day after each period ends), newest first.
func (s *server) statementList(w http.ResponseWriter, r *http.Request, c *caller) error {
	a, err := s.memberAccount(r, c)
	if err != nil {
		return err
	}
	sts, err := institution.Statements(r.Context(), s.app.DB.Reader(), a.ID, s.now())
	if err != nil {
		return err
	}
	out := struct {
		AccountID  int64           `json:"account_id"`
		Statements []statementView `json:"statements"`
	}{AccountID: a.ID, Statements: make([]statementView, 0, len(sts))}
	for _, st := range sts {
		out.Statements = append(out.Statements, statementView{
			ID: st.ID, AccountID: a.ID,
			PeriodStart: st.PeriodStart.Format(institution.DateLayout), PeriodEnd: st.PeriodEnd.Format(institution.DateLayout),
			OpeningBalance: moneyOf(st.Opening, a.Currency), ClosingBalance: moneyOf(st.Closing, a.Currency),
			AvailableOn: st.AvailableOn.Format(institution.DateLayout), PDF: "/api/v1/statements/" + strconv.FormatInt(st.ID, 10),
		})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
