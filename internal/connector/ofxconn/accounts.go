package ofxconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
)

// accountRef is an Account's Ref: what builds its BANKACCTFROM or
// CCACCTFROM again.
type accountRef struct {
	Card     bool   `json:"card,omitempty"`
	BankID   string `json:"bankid,omitempty"`
	BranchID string `json:"branchid,omitempty"`
	AcctID   string `json:"acctid"`
	AcctType string `json:"accttype,omitempty"`
	AcctKey  string `json:"acctkey,omitempty"`
}

func newRef(ai ofx.AccountInfo) accountRef {
	a := ai.Account
	return accountRef{Card: ai.CreditCard, BankID: a.BankID, BranchID: a.BranchID, AcctID: a.AcctID, AcctType: a.AcctType, AcctKey: a.AcctKey}
}

func (r accountRef) String() string {
	raw, err := json.Marshal(r)
	if err != nil {
		panic(err) // strings and a bool always encode
	}
	return string(raw)
}

func (r accountRef) account() ofx.Account {
	return ofx.Account{BankID: r.BankID, BranchID: r.BranchID, AcctID: r.AcctID, AcctType: r.AcctType, AcctKey: r.AcctKey}
}

var errBadRef = errors.New("this account was not listed by the OFX connector: list the accounts again")

// readRef reads an Account's Ref.
func readRef(a connector.Account) (accountRef, error) {
	var r accountRef
	if err := json.Unmarshal([]byte(a.Ref), &r); err != nil || r.AcctID == "" || (!r.Card && (r.BankID == "" || r.AcctType == "")) {
		return accountRef{}, errBadRef
	}
	return r, nil
}

// Accounts lists the accounts the bank lists (ACCTINFORQ) with their
// balances, read in one more request: a statement request without
// transactions per account. Banks list open accounts only (the demo bank
// leaves closed ones out), and OFX has no status for a closed one, so no
// account here is Closed: an account that stops being listed is how a
// closure shows.
func (s *session) Accounts(ctx context.Context) ([]connector.Account, error) {
	s.mu.Lock()
	info := s.accounts
	s.accounts = nil
	s.mu.Unlock()
	if info == nil {
		resp, err := s.do(ctx, &ofx.Request{AccountInfo: &ofx.AccountInfoRequest{TrnUID: directconnect.NewTrnUID()}})
		if err != nil {
			return nil, s.fail("account list", err)
		}
		switch info = resp.AccountInfo; {
		case info == nil:
			return nil, s.fail("account list", errors.New("the bank sent no account list"))
		case info.Status.Code != ofx.StatusSuccess:
			return nil, s.fail("account list", transactionError("the account list", info.Status, s.secrets()))
		}
	}
	if len(info.Accounts) == 0 {
		return nil, nil
	}

	req := &ofx.Request{}
	trnUIDs := make([]string, len(info.Accounts))
	for i, ai := range info.Accounts {
		trnUIDs[i] = directconnect.NewTrnUID()
		rq := ofx.StatementRequest{TrnUID: trnUIDs[i], Account: ai.Account} // no INCTRAN: the balances only
		if ai.CreditCard {
			req.CCStatements = append(req.CCStatements, rq)
		} else {
			req.Statements = append(req.Statements, rq)
		}
	}
	resp, err := s.do(ctx, req)
	if err != nil {
		return nil, s.fail("balances", err)
	}
	byTrnUID := map[string]*ofx.StatementResponse{}
	for _, list := range [][]ofx.StatementResponse{resp.Statements, resp.CCStatements} {
		for i := range list {
			byTrnUID[list[i].TrnUID] = &list[i]
		}
	}
	out := make([]connector.Account, 0, len(info.Accounts))
	for i, ai := range info.Accounts {
		name := describe(ai)
		rs := byTrnUID[trnUIDs[i]]
		switch {
		case rs == nil:
			return nil, s.fail("balances", fmt.Errorf("the bank sent no balance for %s", name))
		case rs.Status.Code != ofx.StatusSuccess:
			return nil, s.fail("balances", transactionError("the balance of "+name, rs.Status, s.secrets()))
		case rs.LedgerBal == nil:
			return nil, s.fail("balances", fmt.Errorf("the bank sent no ledger balance for %s", name))
		}
		a := connector.Account{
			ID: ai.Account.AcctID, Mask: lastFour(ai.Account.AcctID), Name: name, Type: accountType(ai),
			Currency: rs.CurDef, Balance: rs.LedgerBal.Amount, BalanceAt: rs.LedgerBal.DTAsOf, Ref: newRef(ai).String(),
		}
		if rs.AvailBal != nil {
			a.Available, a.HasAvailable = rs.AvailBal.Amount, true
		}
		out = append(out, a)
	}
	return out, nil
}

// accountType maps OFX's account types: ACCTTYPE of a BANKACCTFROM, or a
// CCACCTFROM for a card.
func accountType(ai ofx.AccountInfo) connector.AccountType {
	if ai.CreditCard {
		return connector.CreditCard
	}
	switch strings.ToUpper(ai.Account.AcctType) {
	case "CHECKING":
		return connector.Checking
	case "SAVINGS", "MONEYMRKT", "CD":
		return connector.Savings
	case "CREDITLINE":
		return connector.Loan
	}
	return connector.Other
}

// describe is the account's name: the bank's DESC, else its type and last
// four digits.
func describe(ai ofx.AccountInfo) string {
	if d := strings.TrimSpace(ai.Desc); d != "" {
		return d
	}
	kind := strings.ToLower(ai.Account.AcctType)
	if ai.CreditCard {
		kind = "credit card"
	}
	return fmt.Sprintf("%s account ending %s", kind, lastFour(ai.Account.AcctID))
}

func lastFour(s string) string { return s[max(0, len(s)-4):] }
