package ofxserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/ofx"
)

// closing answers one STMTENDRQ or CCSTMTENDRQ: the statements available
// whose period ended between DTSTART and DTEND (all of them without
// DTSTART), newest first, each with a link to its PDF when the request asks
// for statement images and its version can carry them (2.1.1 and later).
func (x *exchange) closing(ctx context.Context, in *signedIn, rq ofx.StatementEndRequest, card bool) (ofx.StatementEndResponse, error) {
	rs := ofx.StatementEndResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie}
	a, err := x.memberAccount(ctx, in, rq.Account, card)
	if errors.Is(err, errNoAccount) {
		rs.Status = noAccount()
		return rs, nil
	}
	if err != nil {
		return rs, err
	}
	if !rq.DTStart.IsZero() && !rq.DTEnd.IsZero() && rq.DTStart.After(rq.DTEnd) {
		rs.Status = ofx.NewStatus(ofx.StatusInvalidDate, fmt.Sprintf("DTSTART (%s) is after DTEND (%s).", ofx.FormatDate(rq.DTStart), ofx.FormatDate(rq.DTEnd)))
		return rs, nil
	}
	sts, err := institution.Statements(ctx, x.s.app.DB.Reader(), a.ID, x.now)
	if err != nil {
		return rs, fmt.Errorf("ofxserver: statements of account %d: %w", a.ID, err)
	}
	rs.Status = ofx.NewStatus(ofx.StatusSuccess, "")
	rs.CurDef = a.Currency
	rs.Account = x.ofxAccount(a)
	for _, st := range sts {
		if (!rq.DTStart.IsZero() && st.PeriodEnd.Before(day(rq.DTStart))) || (!rq.DTEnd.IsZero() && st.PeriodEnd.After(day(rq.DTEnd))) {
			continue
		}
		open := st.Opening
		c := ofx.Closing{
			FITID: "STMT-" + strconv.FormatInt(st.ID, 10), DTOpen: noon(st.PeriodStart), DTClose: noon(st.PeriodEnd),
			DTNext: noon(st.PeriodEnd.AddDate(0, 1, 0)), BalOpen: &open, BalClose: st.Closing,
			DTPostStart: noon(st.PeriodStart), DTPostEnd: noon(st.PeriodEnd),
		}
		if rq.IncImages && x.version >= 211 {
			img := x.imageData("STATEMENT", imageLink{Kind: imageStatement, MemberID: in.member.ID, AccountID: a.ID, ObjectID: st.ID}, "")
			c.Image = &img
		}
		rs.Closings = append(rs.Closings, c)
	}
	return rs, nil
}

// noon is noon GMT of a date the bank stores without a time (see
// transaction).
func noon(d time.Time) time.Time { return day(d).Add(12 * time.Hour) }
