package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
)

// accountPage is the data of an account's page.
type accountPage struct {
	Account      accountRow
	Transactions []*institution.Transaction // newest first
	Statements   []*institution.Statement
}

// maxTransactions bounds the page; older history is in the statements.
const maxTransactions = 250

// accountShow shows one account: posted and pending transactions, with the
// images of checks, and the statements available so far.
func (s *site) accountShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	a, err := s.memberAccount(r, me)
	if err != nil {
		return err
	}
	txs, err := institution.Transactions(ctx, s.app.DB.Reader(), a.ID, institution.TransactionFilter{IncludePending: true})
	if err != nil {
		return err
	}
	slices.Reverse(txs)
	if len(txs) > maxTransactions {
		txs = txs[:maxTransactions]
	}
	sts, err := institution.Statements(ctx, s.app.DB.Reader(), a.ID, s.now())
	if err != nil {
		return err
	}
	v := s.newView(r, rowOf(a).Name+" "+a.Masked())
	v.Nav = "accounts"
	v.Data = accountPage{Account: rowOf(a), Transactions: txs, Statements: sts}
	return s.render(w, http.StatusOK, "account", v)
}

// memberAccount is the account named by the path's {id}, if it is the
// member's; another member's account is not found, like a missing one.
func (s *site) memberAccount(r *http.Request, me *signedIn) (*institution.Account, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	return institution.GetAccount(r.Context(), s.app.DB.Reader(), me.Member.ID, id)
}
