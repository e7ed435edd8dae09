package ofxconn

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
)

// Transactions reads the account's statement (STMTRQ, or CCSTMTRQ for a
// card) with the transactions posted from..to, and the links to the paid
// checks' images (INCTRANIMG) when the OFX version carries them. OFX
// statements have no pending transactions: they show only in the
// available balance.
func (s *session) Transactions(ctx context.Context, a connector.Account, from, to time.Time) ([]connector.Transaction, error) {
	ref, err := readRef(a)
	if err != nil {
		return nil, s.fail("transactions", err)
	}
	first, last := dateOf(from), dateOf(to)
	if last.Before(first) {
		return nil, s.fail("transactions", fmt.Errorf("the period ends (%s) before it starts (%s)", last.Format(time.DateOnly), first.Format(time.DateOnly)))
	}
	rq := ofx.StatementRequest{
		TrnUID: directconnect.NewTrnUID(), Account: ref.account(),
		// DTEND is the last second of the last day: banks compare times,
		// and the day is inclusive.
		IncTran:   &ofx.IncTran{DTStart: first, DTEnd: last.Add(24*time.Hour - time.Second), Include: true},
		IncImages: s.images(),
	}
	req := &ofx.Request{}
	if ref.Card {
		req.CCStatements = []ofx.StatementRequest{rq}
	} else {
		req.Statements = []ofx.StatementRequest{rq}
	}
	what := "the statement of " + describeRef(a, ref)
	resp, err := s.do(ctx, req)
	if err != nil {
		return nil, s.fail("statement", err)
	}
	rs := findStatement(resp, rq.TrnUID)
	switch {
	case rs == nil:
		return nil, s.fail("statement", fmt.Errorf("the bank did not send %s", what))
	case rs.Status.Code != ofx.StatusSuccess:
		return nil, s.fail("statement", transactionError(what, rs.Status, s.secrets()))
	case rs.Transactions == nil:
		return nil, nil
	}
	var out []connector.Transaction
	for _, t := range rs.Transactions.Transactions {
		day := dateOf(t.DTPosted)
		// A DELETE correction withdraws an earlier transaction: it is not
		// one itself. The bank may also send days around the period.
		if strings.EqualFold(t.CorrectAction, "DELETE") || day.Before(first) || day.After(last) {
			continue
		}
		desc, memo := strings.TrimSpace(t.Name), strings.TrimSpace(t.Memo)
		if desc == "" {
			desc = memo
		}
		out = append(out, connector.Transaction{
			ID: t.FITID, Date: day, Amount: t.Amount, Currency: rs.CurDef,
			Description: desc, Memo: memo, CheckNumber: strings.TrimSpace(t.CheckNum), Checks: checkImages(t.Images),
		})
	}
	return out, nil
}

// findStatement is the statement response of the transaction trnUID.
func findStatement(resp *ofx.Response, trnUID string) *ofx.StatementResponse {
	for _, list := range [][]ofx.StatementResponse{resp.Statements, resp.CCStatements} {
		for i := range list {
			if list[i].TrnUID == trnUID {
				return &list[i]
			}
		}
	}
	return nil
}

// checkImages are a transaction's check images with a URL to fetch, front
// first. An image showing both sides counts as the front.
func checkImages(imgs []ofx.ImageData) []connector.CheckImageRef {
	var out []connector.CheckImageRef
	for _, img := range imgs {
		if !isURLImage(img) || (img.ImageType != "" && !strings.EqualFold(img.ImageType, "TRANSACTION")) {
			continue
		}
		side := connector.Front
		if strings.EqualFold(img.CheckSup, "BACKONLY") {
			side = connector.Back
		}
		out = append(out, connector.CheckImageRef{Side: side, Ref: img.ImageRef})
	}
	slices.SortStableFunc(out, func(a, b connector.CheckImageRef) int {
		return boolInt(a.Side == connector.Back) - boolInt(b.Side == connector.Back)
	})
	return out
}

// isURLImage reports whether an image is fetched by URL (the other kinds
// need a request OFX Direct Connect does not define).
func isURLImage(img ofx.ImageData) bool {
	return strings.EqualFold(img.ImageRefType, "URL") || (img.ImageRefType == "" && strings.HasPrefix(img.ImageRef, "https://"))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dateOf is the calendar day of t in its own zone (for a bank's date, the
// zone it wrote), as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// describeRef names an account in errors: its name, else its last four
// digits.
func describeRef(a connector.Account, r accountRef) string {
	if a.Name != "" {
		return a.Name
	}
	return "the account ending " + lastFour(r.AcctID)
}
