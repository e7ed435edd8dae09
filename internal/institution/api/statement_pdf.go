package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/statementpdf"
)

// statementPDF sends a statement as the same PDF the member site sends.
func (s *server) statementPDF(w http.ResponseWriter, r *http.Request, c *caller) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("")
	}
	a, st, err := s.memberStatement(ctx, c, id)
	if err != nil {
		return err
	}
	if s.now().Before(st.AvailableOn) {
		return notFound("")
	}
	txs, err := institution.Transactions(ctx, s.app.DB.Reader(), a.ID, institution.TransactionFilter{From: st.PeriodStart, To: st.PeriodEnd})
	if err != nil {
		return err
	}
	pdf, err := statementpdf.Render(s.statementOf(c.member, a, st, txs))
	if err != nil {
		return fmt.Errorf("api: statement %d: %w", st.ID, err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statement-%s-%s.pdf"`, st.PeriodEnd.Format("2006-01"), lastFour(a.Number)))
	_, err = w.Write(pdf)
	return err
}

// memberStatement finds statement id among the member's accounts; another
// member's is not found.
func (s *server) memberStatement(ctx context.Context, c *caller, id int64) (*institution.Account, *institution.Statement, error) {
	accts, err := institution.Accounts(ctx, s.app.DB.Reader(), c.member.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range accts {
		st, err := institution.GetStatement(ctx, s.app.DB.Reader(), a.ID, id)
		if err == nil {
			return a, st, nil
		}
		if !isNotFound(err) {
			return nil, nil, err
		}
	}
	return nil, nil, notFound("")
}

// statementOf lays the institution's statement out for statementpdf, as
// the member site does (internal/institution/web/statement_pdf.go). A
// card's balances there are what is owed, so its signs are turned.
func (s *server) statementOf(m *institution.Member, a *institution.Account, st *institution.Statement, txs []*institution.Transaction) statementpdf.Statement {
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
