package api

import (
	"time"

	"github.com/ledgersync/ledgersync/internal/bankdata"
)

// accountView is a bank account as LedgerSync last saw it.
type accountView struct {
	ID           int64  `json:"id"`
	ConnectionID int64  `json:"connection_id"`
	Name         string `json:"name"`
	Mask         string `json:"mask"` // the last four digits
	Type         string `json:"type"` // checking, savings, credit_card, loan or other
	Currency     string `json:"currency"`
	Balance      money  `json:"balance"`
	Available    *money `json:"available"` // null when the bank does not say
	// Status is "open", or "account_closed" when the bank reports it
	// closed: not an error of the connection (L11).
	Status      string     `json:"status"`
	BalanceAt   *time.Time `json:"balance_at"`
	FirstSeenAt time.Time  `json:"first_seen_at"`
	LastSeenAt  time.Time  `json:"last_seen_at"`
}

func accountOf(a *bankdata.Account) accountView {
	v := accountView{
		ID: a.ID, ConnectionID: a.ConnectionID, Name: a.Name, Mask: a.Mask, Type: string(a.Type), Currency: a.Currency,
		Balance: moneyOf(a.Balance, a.Currency), Status: "open",
		BalanceAt: timePtr(a.BalanceAt), FirstSeenAt: a.FirstSeenAt, LastSeenAt: a.LastSeenAt,
	}
	if a.HasAvailable {
		m := moneyOf(a.Available, a.Currency)
		v.Available = &m
	}
	if a.Closed {
		v.Status = "account_closed"
	}
	return v
}
