// Package statementpdf owns the monthly account statement an institution
// mails or posts to its members: it checks that a statement adds up and lays
// it out as a Letter-size PDF (letterhead, window-envelope address block,
// account summary, transaction table, checks paid, page numbers and footer).
//
// The package takes a plain [Statement] value and returns PDF bytes; it never
// reads the database, so callers gather the period's posted transactions
// themselves. A statement that does not add up is never rendered: [Render]
// validates first and returns an error wrapping [ErrInvalid] that names the
// offending line.
//
// # Sign convention
//
// Money is int64 minor units (cents of USD). Every account type obeys the same
// arithmetic, so one check covers all of them:
//
//	Line[i].Balance = Line[i-1].Balance + Line[i].Amount   (Line[-1].Balance = Opening)
//	Closing         = Opening + sum(Line[i].Amount)
//
// For deposit accounts ([Checking], [Savings]) balances are what the member
// has; a positive Amount is a deposit or credit and a negative Amount is a
// withdrawal or debit.
//
// For a [CreditCard] the balances are what the member owes, and Amount is the
// change in what is owed: purchases, cash advances, fees and interest are
// positive; payments, returns and other credits are negative. A negative
// balance is a credit balance in the member's favour. The PDF states this
// convention under the account summary so a reader never has to guess.
//
// Output is deterministic: the same Statement always renders to the same
// bytes (the PDF creation date is the period end, resource catalogs are
// sorted, and nothing reads the clock).
package statementpdf

import (
	"errors"
	"time"
)

// Account types the package knows how to present. The type decides the sign
// convention and the wording of the summary, so an unknown type is rejected
// rather than guessed at.
const (
	Checking   = "Checking"
	Savings    = "Savings"
	CreditCard = "Credit card"
)

// CurrencyUSD is the only currency supported: amounts are formatted with two
// decimal places.
const CurrencyUSD = "USD"

// ErrInvalid is wrapped by every error Render and Statement.Validate return
// for a statement that does not add up or lacks something it must print.
var ErrInvalid = errors.New("statementpdf: invalid statement")

// Statement is one account's statement for one period.
type Statement struct {
	Institution Institution
	Member      Party
	Account     Account
	// PeriodStart and PeriodEnd are inclusive. Only their calendar dates (in
	// each time's own location) matter.
	PeriodStart, PeriodEnd time.Time
	// Opening and Closing are balances in minor units; for a credit card they
	// are balances owed (see the package documentation).
	Opening, Closing int64
	// Lines are every transaction posted in the period, in date order.
	Lines []Line
	// StatementID identifies the statement, e.g. "2026-10-CHK-0042"; it is
	// printed in every page's footer.
	StatementID string
}

// Institution is the bank or credit union issuing the statement.
type Institution struct {
	Name string
	// Address is the mailing address, one printed line per element.
	Address       []string
	RoutingNumber string
	Phone         string
	Website       string
}

// Party is the member the statement is addressed to.
type Party struct {
	Name string
	// Address is the mailing address, one printed line per element (at most
	// MaxAddressLines, so the block fits an envelope window).
	Address []string
}

// MaxAddressLines is the most address lines (besides the name) that fit in
// the window of a #10 envelope.
const MaxAddressLines = 4

// Account is the account the statement covers.
type Account struct {
	// Type is Checking, Savings or CreditCard.
	Type string
	// Number is the full account number. Only its last four characters are
	// printed; any occurrence of the full number in a description is masked
	// too.
	Number string
	// Currency must be CurrencyUSD.
	Currency string
}

// Line is one posted transaction.
type Line struct {
	Posted      time.Time
	Description string
	// CheckNumber is set for checks; such lines are also listed under
	// "Checks paid".
	CheckNumber string
	// Amount is signed minor units: positive credits the account (for a
	// credit card: increases what is owed), negative debits it.
	Amount int64
	// Balance is the running balance after this line.
	Balance int64
}

// isCreditCard reports whether balances are amounts owed.
func (a Account) isCreditCard() bool { return a.Type == CreditCard }
