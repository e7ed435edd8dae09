package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// accountRow is an account as the pages list it.
type accountRow struct {
	ID      int64
	Name    string
	Masked  string
	Balance int64 // for a card: what is owed, positive
	Card    bool
	Closed  bool
}

func rowOf(a *institution.Account) accountRow {
	row := accountRow{ID: a.ID, Name: a.Type.Label(), Masked: a.Masked(), Balance: a.Balance, Card: a.Type == institution.CreditCard, Closed: a.Closed()}
	if a.Nickname != "" {
		row.Name = a.Nickname
	}
	if row.Card {
		row.Balance = -a.Balance
	}
	return row
}

// home lists the member's accounts with their balances.
func (s *site) home(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	accts, err := institution.Accounts(r.Context(), s.app.DB.Reader(), me.Member.ID)
	if err != nil {
		return err
	}
	rows := make([]accountRow, 0, len(accts))
	for _, a := range accts {
		rows = append(rows, rowOf(a))
	}
	v := s.newView(r, "Your accounts")
	v.Nav = "accounts"
	v.Data = rows
	return s.render(w, http.StatusOK, "home", v)
}
