package ofxserver

import (
	"context"
	"errors"
	"fmt"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/store"
)

// accountInfo lists the member's open accounts (a delegate's sign-in lists
// the member's): every one downloads statements, none is a transfer
// source or destination over OFX.
func (x *exchange) accountInfo(ctx context.Context, in *signedIn, rq *ofx.AccountInfoRequest) (*ofx.AccountInfoResponse, error) {
	accts, err := institution.Accounts(ctx, x.s.app.DB.Reader(), in.member.ID)
	if err != nil {
		return nil, fmt.Errorf("ofxserver: account list: %w", err)
	}
	rs := &ofx.AccountInfoResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie, Status: ofx.NewStatus(ofx.StatusSuccess, ""), DTAcctUp: x.now}
	for _, a := range accts {
		if a.Closed() {
			continue
		}
		name := a.Type.Label()
		if a.Nickname != "" {
			name = a.Nickname
		}
		rs.Accounts = append(rs.Accounts, ofx.AccountInfo{
			Desc: printable(name+" ending "+lastFour(a.Number), 80), Phone: x.s.app.Info.Phone,
			CreditCard: a.Type == institution.CreditCard, Account: x.ofxAccount(a),
			SupTxDl: true, SvcStatus: "ACTIVE",
		})
	}
	return rs, nil
}

// ofxAccount is how OFX names the account: BANKACCTFROM with the bank's
// routing number, or CCACCTFROM for a card.
func (x *exchange) ofxAccount(a *institution.Account) ofx.Account {
	switch a.Type {
	case institution.CreditCard:
		return ofx.Account{AcctID: a.Number}
	case institution.Savings:
		return ofx.Account{BankID: x.s.app.Info.Routing, AcctID: a.Number, AcctType: "SAVINGS"}
	}
	return ofx.Account{BankID: x.s.app.Info.Routing, AcctID: a.Number, AcctType: "CHECKING"}
}

// errNoAccount is a request for an account that is not the member's (or not
// of the type asked for, or at another bank): all alike, so that nothing
// tells an account number that exists from one that does not.
var errNoAccount = errors.New("no such account of the member")

// memberAccount finds the member's account the request names.
func (x *exchange) memberAccount(ctx context.Context, in *signedIn, want ofx.Account, card bool) (*institution.Account, error) {
	a, err := institution.AccountByNumber(ctx, x.s.app.DB.Reader(), want.AcctID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, errNoAccount
	case err != nil:
		return nil, fmt.Errorf("ofxserver: find an account: %w", err)
	case a.MemberID != in.member.ID, (a.Type == institution.CreditCard) != card:
		return nil, errNoAccount
	}
	if !card {
		got := x.ofxAccount(a)
		if want.BankID != got.BankID || (want.AcctType != "" && want.AcctType != got.AcctType) {
			return nil, errNoAccount
		}
	}
	return a, nil
}

// noAccount is the status of a request for an account that is not the
// member's.
func noAccount() ofx.Status {
	return ofx.NewStatus(ofx.StatusAccountNotFound,
		"None of your accounts has this number and type at this bank. Check the account number, the routing number (BANKID) and the type, or ask for your account list.")
}

func lastFour(s string) string { return s[max(0, len(s)-4):] }
