package ofxserver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
	"github.com/ledgersync/ledgersync/internal/ofx"
)

// defaultHistory is how far back a statement goes when INCTRAN has no
// DTSTART.
const defaultHistory = 90 * 24 * time.Hour

// maxName is the length of OFX's NAME.
const maxName = 32

// trnTypes are the TRNTYPEs of OFX 2.1.1 §11.4.4.3.
var trnTypes = map[string]bool{
	"CREDIT": true, "DEBIT": true, "INT": true, "DIV": true, "FEE": true, "SRVCHG": true, "DEP": true, "ATM": true,
	"POS": true, "XFER": true, "CHECK": true, "PAYMENT": true, "CASH": true, "DIRECTDEP": true, "DIRECTDEBIT": true,
	"REPEATPMT": true, "OTHER": true,
}

// statement answers one STMTRQ or CCSTMTRQ: the balances, and the posted
// transactions of the INCTRAN range.
func (x *exchange) statement(ctx context.Context, in *signedIn, rq ofx.StatementRequest, card bool) (ofx.StatementResponse, error) {
	rs := ofx.StatementResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie}
	a, err := x.memberAccount(ctx, in, rq.Account, card)
	if errors.Is(err, errNoAccount) {
		rs.Status = noAccount()
		return rs, nil
	}
	if err != nil {
		return rs, err
	}
	var start, end time.Time
	include := rq.IncTran != nil && rq.IncTran.Include
	if include {
		var msg string
		if start, end, msg = x.dateRange(rq.IncTran); msg != "" {
			rs.Status = ofx.NewStatus(ofx.StatusInvalidDate, msg)
			return rs, nil
		}
	}
	all, err := institution.Transactions(ctx, x.s.app.DB.Reader(), a.ID, institution.TransactionFilter{IncludePending: true})
	if err != nil {
		return rs, fmt.Errorf("ofxserver: statement of account %d: %w", a.ID, err)
	}
	var pending int64
	var posted []ofx.Transaction
	for _, t := range all {
		switch {
		case t.Status == institution.Pending:
			pending += t.Amount
		case include && !t.Date.Before(day(start)) && !t.Date.After(day(end)):
			posted = append(posted, x.transaction(in, a, t, rq.IncImages))
		}
	}
	rs.Status = ofx.NewStatus(ofx.StatusSuccess, "")
	rs.CurDef = a.Currency
	rs.Account = x.ofxAccount(a)
	if include {
		rs.Transactions = &ofx.TransactionList{DTStart: start, DTEnd: end, Transactions: posted}
	}
	rs.LedgerBal = &ofx.Balance{Amount: a.Balance, DTAsOf: x.now}
	avail := a.Balance + pending
	if card && a.CreditLimit > 0 {
		avail += a.CreditLimit // the credit still available
	}
	rs.AvailBal = &ofx.Balance{Amount: avail, DTAsOf: x.now}
	return rs, nil
}

// dateRange is INCTRAN's range: DTSTART (default 90 days ago) to DTEND
// (default and at most now). A range that ends before it starts is refused
// when the client gave both ends; otherwise it is empty.
func (x *exchange) dateRange(inc *ofx.IncTran) (start, end time.Time, refusal string) {
	end = x.now
	if !inc.DTEnd.IsZero() && inc.DTEnd.Before(end) {
		end = inc.DTEnd
	}
	start = x.now.Add(-defaultHistory)
	if !inc.DTStart.IsZero() {
		start = inc.DTStart
	}
	if start.After(end) {
		if !inc.DTStart.IsZero() && !inc.DTEnd.IsZero() {
			return start, end, fmt.Sprintf("DTSTART (%s) is after DTEND (%s).", ofx.FormatDate(inc.DTStart), ofx.FormatDate(inc.DTEnd))
		}
		start = end
	}
	return start.UTC(), end.UTC(), ""
}

// day is the posting date t falls on, as the bank stores it.
func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// transaction is a posted transaction as an STMTTRN. Its DTPOSTED is noon
// GMT of the posting day, which falls on that day in every time zone from
// GMT-11 to GMT+11, so a client that converts to local time files it on the
// right day.
func (x *exchange) transaction(in *signedIn, a *institution.Account, t *institution.Transaction, images bool) ofx.Transaction {
	typ := t.Type
	isCheck := documents.IsPaidCheck(t)
	switch {
	case isCheck:
		typ = "CHECK"
	case !trnTypes[typ] && t.Amount < 0:
		typ = "DEBIT"
	case !trnTypes[typ]:
		typ = "CREDIT"
	}
	name := t.Description
	if isCheck && t.Payee != "" {
		name = t.Payee
	}
	memo := t.Memo
	if short := cut(name, maxName); short != name {
		if memo == "" {
			memo = name
		}
		name = short
	}
	out := ofx.Transaction{
		TrnType: typ, DTPosted: noon(t.Date), Amount: t.Amount, FITID: t.FITID,
		Name: name, Memo: memo,
	}
	if isCheck {
		out.CheckNum = t.CheckNumber
		if images && x.version >= 211 {
			out.Images = []ofx.ImageData{
				x.imageData("TRANSACTION", imageLink{Kind: imageCheckFront, MemberID: in.member.ID, AccountID: a.ID, ObjectID: t.ID}, "FRONTONLY"),
				x.imageData("TRANSACTION", imageLink{Kind: imageCheckBack, MemberID: in.member.ID, AccountID: a.ID, ObjectID: t.ID}, "BACKONLY"),
			}
		}
	}
	return out
}

// cut shortens s to n characters.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n]))
}
