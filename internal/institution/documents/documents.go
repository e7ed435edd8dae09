// Package documents owns the documents the bank hands out: a statement as
// a PDF and the front and back of a paid check as PNGs, made from the
// bank's records on request. The member site, the OFX server's image links
// and the JSON API all call it, so every door gives out the same bytes
// under the same rules (a statement only from the day after its period, a
// check image only for a paid check).
package documents

import (
	"context"
	"fmt"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/checkimage"
	"github.com/ledgersync/ledgersync/internal/institution/statementpdf"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Side is a side of a check.
type Side string

// The sides of a check.
const (
	Front Side = "front"
	Back  Side = "back"
)

// StatementPDF renders statement st of member m's account a: every posted
// transaction of the period with its running balance. A statement not yet
// available (its period has not ended a day ago) is store.ErrNotFound.
func StatementPDF(ctx context.Context, app *bankapp.App, m *institution.Member, a *institution.Account, st *institution.Statement) ([]byte, error) {
	if app.Clock.Now().Before(st.AvailableOn) {
		return nil, fmt.Errorf("documents: statement %d is not available yet: %w", st.ID, store.ErrNotFound)
	}
	txs, err := institution.Transactions(ctx, app.DB.Reader(), a.ID, institution.TransactionFilter{From: st.PeriodStart, To: st.PeriodEnd})
	if err != nil {
		return nil, err
	}
	pdf, err := statementpdf.Render(statementOf(app.Info, m, a, st, txs))
	if err != nil {
		return nil, fmt.Errorf("documents: statement %d: %w", st.ID, err)
	}
	return pdf, nil
}

// StatementFilename is the name a statement is downloaded under:
// "statement-2026-10-4821.pdf" (period end, last four of the account).
func StatementFilename(a *institution.Account, st *institution.Statement) string {
	n := a.Number
	if len(n) > 4 {
		n = n[len(n)-4:]
	}
	return fmt.Sprintf("statement-%s-%s.pdf", st.PeriodEnd.Format("2006-01"), n)
}

// CheckImage renders one side of the check that transaction t of member
// m's account a paid. A transaction that is not a paid check is
// store.ErrNotFound.
func CheckImage(m *institution.Member, a *institution.Account, t *institution.Transaction, side Side, info bankapp.Info) ([]byte, error) {
	if !IsPaidCheck(t) {
		return nil, fmt.Errorf("documents: transaction %d is not a paid check: %w", t.ID, store.ErrNotFound)
	}
	draw := checkimage.Front
	switch side {
	case Front:
	case Back:
		draw = checkimage.Back
	default:
		return nil, fmt.Errorf("documents: a check has no side %q: %w", side, store.ErrNotFound)
	}
	img, err := draw(checkOf(info, m, a, t))
	if err != nil {
		return nil, fmt.Errorf("documents: check image of transaction %d: %w", t.ID, err)
	}
	return img, nil
}

// IsPaidCheck reports whether t is a check the account paid, the only
// transactions with check images.
func IsPaidCheck(t *institution.Transaction) bool { return t.CheckNumber != "" && t.Amount < 0 }

// statementOf lays the institution's statement out for statementpdf. A
// card's balances there are what is owed, so its signs are turned.
func statementOf(info bankapp.Info, m *institution.Member, a *institution.Account, st *institution.Statement, txs []*institution.Transaction) statementpdf.Statement {
	sign := int64(1)
	typ := statementpdf.Checking
	switch a.Type {
	case institution.Savings:
		typ = statementpdf.Savings
	case institution.CreditCard:
		typ, sign = statementpdf.CreditCard, -1
	}
	addr := m.Address
	if len(addr) > statementpdf.MaxAddressLines {
		addr = addr[:statementpdf.MaxAddressLines]
	}
	out := statementpdf.Statement{
		Institution: statementpdf.Institution{Name: info.Name, Address: info.Address, RoutingNumber: info.Routing, Phone: info.Phone},
		Member:      statementpdf.Party{Name: m.Name(), Address: addr},
		Account:     statementpdf.Account{Type: typ, Number: a.Number, Currency: statementpdf.CurrencyUSD},
		PeriodStart: st.PeriodStart, PeriodEnd: st.PeriodEnd,
		Opening: sign * st.Opening, Closing: sign * st.Closing,
		StatementID: fmt.Sprintf("%s-%d", st.PeriodEnd.Format("2006-01"), st.ID),
	}
	balance := out.Opening
	for _, t := range txs {
		balance += sign * t.Amount
		out.Lines = append(out.Lines, statementpdf.Line{Posted: t.Date, Description: t.Description, CheckNumber: t.CheckNumber, Amount: sign * t.Amount, Balance: balance})
	}
	return out
}

// checkOf fills in a check from the transaction that paid it.
func checkOf(info bankapp.Info, m *institution.Member, a *institution.Account, t *institution.Transaction) checkimage.Check {
	payee := t.Payee
	if payee == "" {
		payee = t.Description
	}
	addr := m.Address
	if len(addr) > 3 {
		addr = addr[:3]
	}
	city := ""
	if n := len(info.Address); n > 0 {
		city = info.Address[n-1]
	}
	return checkimage.Check{
		Number: t.CheckNumber, Date: t.Date, Payee: payee, Amount: -t.Amount, Memo: t.Memo,
		Drawer:        checkimage.Party{Name: m.Name(), Address: addr},
		Bank:          checkimage.Bank{Name: info.Name, City: city},
		RoutingNumber: info.Routing, AccountNumber: digitsOf(a.Number), Signature: m.Name(),
		DepositedAt: t.Date,
	}
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
