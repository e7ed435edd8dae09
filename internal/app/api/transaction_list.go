package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/bankdata"
)

// The page size of a transaction list.
const (
	defaultTransactions = 100
	maxTransactions     = 1000
)

// transactionView is a transaction as the API lists it.
type transactionView struct {
	ID          int64  `json:"id"`
	AccountID   int64  `json:"account_id"`
	FITID       string `json:"fit_id"` // the bank's id: stable, what to reconcile on
	Status      string `json:"status"` // pending or posted
	Date        string `json:"date"`   // YYYY-MM-DD: posted, or authorised for a pending one
	Amount      money  `json:"amount"` // money out is negative
	Description string `json:"description"`
	Memo        string `json:"memo"`
	CheckNumber string `json:"check_number"`
	// PendingTransactionID, on a posted transaction, is the id of the
	// pending one it replaced (no longer listed).
	PendingTransactionID *int64      `json:"pending_transaction_id"`
	CheckImages          *checkLinks `json:"check_images,omitempty"`
}

// checkLinks are where a check's stored images are.
type checkLinks struct {
	Front string `json:"front,omitempty"`
	Back  string `json:"back,omitempty"`
}

func transactionOf(t *bankdata.Transaction) transactionView {
	v := transactionView{ID: t.ID, AccountID: t.AccountID, FITID: t.ExternalID, Status: "posted", Date: t.PostedOn.Format(bankdata.DateLayout),
		Amount: moneyOf(t.Amount, t.Currency), Description: t.Description, Memo: t.Memo, CheckNumber: t.CheckNumber}
	if t.Pending {
		v.Status = "pending"
	}
	if t.PendingOf != 0 {
		id := t.PendingOf
		v.PendingTransactionID = &id
	}
	if t.HasFront || t.HasBack {
		base := "/api/v1/transactions/" + strconv.FormatInt(t.ID, 10) + "/checks/"
		v.CheckImages = &checkLinks{}
		if t.HasFront {
			v.CheckImages.Front = base + "front"
		}
		if t.HasBack {
			v.CheckImages.Back = base + "back"
		}
	}
	return v
}

// transactionList lists an account's transactions, newest first, a page at
// a time: from and to (inclusive dates), q (words in the description or
// memo), pending (true or false), limit and offset.
func (s *server) transactionList(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := transactionFilter(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	if _, err := bankdata.GetAccount(ctx, q, c.firmID, id); err != nil {
		return err
	}
	f.AccountID = id
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	ts, err := bankdata.ListTransactions(ctx, q, c.firmID, f)
	if err != nil {
		return err
	}
	out := struct {
		AccountID    int64             `json:"account_id"`
		Transactions []transactionView `json:"transactions"`
		Limit        int               `json:"limit"`
		Offset       int               `json:"offset"`
		NextOffset   *int              `json:"next_offset"` // null on the last page
	}{AccountID: id, Limit: limit, Offset: f.Offset}
	if len(ts) > limit {
		ts = ts[:limit]
		next := f.Offset + limit
		out.NextOffset = &next
	}
	out.Transactions = make([]transactionView, len(ts))
	for i := range ts {
		out.Transactions[i] = transactionOf(&ts[i])
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// transactionFilter reads the query of a transaction list.
func transactionFilter(r *http.Request) (bankdata.TransactionFilter, error) {
	q := r.URL.Query()
	f := bankdata.TransactionFilter{Search: q.Get("q"), Limit: defaultTransactions}
	date := func(name string) (time.Time, error) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, nil
		}
		d, err := time.Parse(bankdata.DateLayout, v)
		if err != nil {
			return time.Time{}, invalidParameter(name, "must be a date written YYYY-MM-DD, such as 2026-01-31")
		}
		return d, nil
	}
	var err error
	if f.From, err = date("from"); err != nil {
		return f, err
	}
	if f.To, err = date("to"); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		return f, invalidParameter("from", "must not be after to")
	}
	if len(f.Search) > 200 {
		return f, invalidParameter("q", "must be at most 200 characters")
	}
	switch q.Get("pending") {
	case "":
	case "true":
		f.Pending = new(true)
	case "false":
		f.Pending = new(false)
	default:
		return f, invalidParameter("pending", "must be true (pending only) or false (posted only)")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTransactions {
			return f, invalidParameter("limit", "must be a whole number from 1 to "+strconv.Itoa(maxTransactions))
		}
		f.Limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, invalidParameter("offset", "must be a whole number, 0 or more")
		}
		f.Offset = n
	}
	return f, nil
}
