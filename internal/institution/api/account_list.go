package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
)

// accountView is an account as the API lists it.
type accountView struct {
	ID           int64  `json:"id"`
	NumberMasked string `json:"number_masked"`
	Type         string `json:"type"`
	Name         string `json:"name"`
	// Balance is the posted (ledger) balance, signed as the bank keeps it:
	// what a credit card owes is negative (as OFX's LEDGERBAL).
	Balance money `json:"balance"`
	// Available is what can be spent now: the balance less pending debits;
	// for a card, the credit limit left. Zero for a closed account.
	Available money  `json:"available"`
	Status    string `json:"status"` // open or closed
}

// accountList lists the member's accounts with their balances.
func (s *server) accountList(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()
	accts, err := institution.Accounts(ctx, s.app.DB.Reader(), c.member.ID)
	if err != nil {
		return err
	}
	out := struct {
		Accounts []accountView `json:"accounts"`
	}{Accounts: make([]accountView, 0, len(accts))}
	for _, a := range accts {
		v, err := s.accountView(ctx, a)
		if err != nil {
			return err
		}
		out.Accounts = append(out.Accounts, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) accountView(ctx context.Context, a *institution.Account) (accountView, error) {
	name := a.Nickname
	if name == "" {
		name = a.Type.Label()
	}
	v := accountView{ID: a.ID, NumberMasked: a.Masked(), Type: string(a.Type), Name: name,
		Balance: moneyOf(a.Balance, a.Currency), Available: moneyOf(0, a.Currency), Status: "open"}
	if a.Closed() {
		v.Status = "closed"
		return v, nil
	}
	holds, err := s.pendingDebits(ctx, a.ID)
	if err != nil {
		return v, err
	}
	available := a.Balance + holds
	if a.Type == institution.CreditCard {
		available = a.CreditLimit + a.Balance + holds
	}
	v.Available = moneyOf(max(available, 0), a.Currency)
	return v, nil
}

// pendingDebits is the sum of the account's pending debits (negative): the
// holds on its balance.
func (s *server) pendingDebits(ctx context.Context, accountID int64) (int64, error) {
	txs, err := institution.Transactions(ctx, s.app.DB.Reader(), accountID, institution.TransactionFilter{IncludePending: true})
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, t := range txs {
		if t.Status == institution.Pending && t.Amount < 0 {
			sum += t.Amount
		}
	}
	return sum, nil
}

// memberAccount is the account named by the path's {id}, if it is the
// caller's member's; another member's account is not found, like a missing
// one.
func (s *server) memberAccount(r *http.Request, c *caller) (*institution.Account, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, notFound("")
	}
	a, err := institution.GetAccount(r.Context(), s.app.DB.Reader(), c.member.ID, id)
	if err != nil {
		return nil, notFoundIf(err)
	}
	return a, nil
}

// notFoundIf turns store.ErrNotFound into the API's 404.
func notFoundIf(err error) error {
	if isNotFound(err) {
		e := notFound("")
		e.Err = err
		return e
	}
	return err
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
