package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/statementpdf"
	"github.com/ledgersync/ledgersync/internal/store"
)

// statementPDF sends a statement as a PDF: every posted transaction of the
// period with its running balance. A statement is available from the day
// after its period ends.
func (s *site) statementPDF(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	a, err := s.memberAccount(r, me)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	st, err := institution.GetStatement(ctx, s.app.DB.Reader(), a.ID, id)
	if err != nil {
		return err
	}
	if s.now().Before(st.AvailableOn) {
		return store.ErrNotFound
	}
	txs, err := institution.Transactions(ctx, s.app.DB.Reader(), a.ID, institution.TransactionFilter{From: st.PeriodStart, To: st.PeriodEnd})
	if err != nil {
		return err
	}
	pdf, err := statementpdf.Render(s.statementOf(me.Member, a, st, txs))
	if err != nil {
		return fmt.Errorf("web: statement %d: %w", st.ID, err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statement-%s-%s.pdf"`, st.PeriodEnd.Format("2006-01"), lastFour(a.Number)))
	_, err = w.Write(pdf)
	return err
}

// statementOf lays the institution's statement out for statementpdf. A
// card's balances there are what is owed, so its signs are turned.
func (s *site) statementOf(m *institution.Member, a *institution.Account, st *institution.Statement, txs []*institution.Transaction) statementpdf.Statement {
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
		Institution: statementpdf.Institution{Name: s.app.Info.Name, Address: s.app.Info.Address, RoutingNumber: s.app.Info.Routing, Phone: s.app.Info.Phone},
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

func lastFour(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}
