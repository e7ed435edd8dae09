package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
)

// transactionView is a transaction as the API lists it.
type transactionView struct {
	ID          int64  `json:"id"`
	FITID       string `json:"fit_id"` // stable: what aggregators reconcile on
	Status      string `json:"status"` // pending or posted
	Date        string `json:"date"`   // YYYY-MM-DD
	Amount      money  `json:"amount"` // + credit, - debit
	Type        string `json:"type"`   // OFX TRNTYPE: DEBIT, CHECK, XFER, …
	Description string `json:"description"`
	Memo        string `json:"memo,omitempty"`
	Payee       string `json:"payee,omitempty"`
	CheckNumber string `json:"check_number,omitempty"`
	// PendingTransactionID, on a posted transaction, is the id of the
	// pending one it replaced (which is no longer listed).
	PendingTransactionID *int64      `json:"pending_transaction_id,omitempty"`
	CheckImages          *checkLinks `json:"check_images,omitempty"`
}

// checkLinks are where a paid check's images are.
type checkLinks struct {
	Front string `json:"front"`
	Back  string `json:"back"`
}

// transactionList lists an account's pending and posted transactions in
// date order, from and to (inclusive dates, both optional).
func (s *server) transactionList(w http.ResponseWriter, r *http.Request, c *caller) error {
	a, err := s.memberAccount(r, c)
	if err != nil {
		return err
	}
	from, to, err := dateRange(r.URL.Query())
	if err != nil {
		return err
	}
	txs, err := institution.Transactions(r.Context(), s.app.DB.Reader(), a.ID, institution.TransactionFilter{From: from, To: to, IncludePending: true})
	if err != nil {
		return err
	}
	out := struct {
		AccountID    int64             `json:"account_id"`
		Transactions []transactionView `json:"transactions"`
	}{AccountID: a.ID, Transactions: make([]transactionView, 0, len(txs))}
	for _, t := range txs {
		v := transactionView{ID: t.ID, FITID: t.FITID, Status: string(t.Status), Date: t.Date.Format(institution.DateLayout),
			Amount: moneyOf(t.Amount, a.Currency), Type: t.Type, Description: t.Description, Memo: t.Memo, Payee: t.Payee, CheckNumber: t.CheckNumber}
		if t.PendingID != 0 {
			v.PendingTransactionID = &t.PendingID
		}
		if documents.IsPaidCheck(t) {
			base := "/api/v1/checks/" + strconv.FormatInt(t.ID, 10)
			v.CheckImages = &checkLinks{Front: base + "/front", Back: base + "/back"}
		}
		out.Transactions = append(out.Transactions, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// dateRange reads the from and to parameters: dates as YYYY-MM-DD, from
// not after to.
func dateRange(q url.Values) (from, to time.Time, err error) {
	parse := func(name string) (time.Time, error) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, nil
		}
		d, err := time.Parse(institution.DateLayout, v)
		if err != nil {
			return time.Time{}, invalidParameter(name, "must be a date written YYYY-MM-DD, such as 2026-01-31.")
		}
		return d, nil
	}
	if from, err = parse("from"); err != nil {
		return
	}
	if to, err = parse("to"); err != nil {
		return
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		err = invalidParameter("from", "must not be after to.")
	}
	return
}
