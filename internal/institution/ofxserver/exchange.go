package ofxserver

import (
	"context"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/security/account"
)

// exchange is one request being answered.
type exchange struct {
	s       *server
	r       *http.Request
	req     *ofx.Request
	version int
	now     time.Time
}

// signedIn is a sign-on the bank let in: the sign-in, and the member whose
// accounts it may read (a delegate reads the member's).
type signedIn struct {
	account *account.Account
	member  *institution.Member
}

// outcome is what the signon decided. With a status other than success
// only the SONRS is sent. With success and no sign-in (the anonymous
// profile request, the MFA challenge round trip) the data transactions are
// refused with withheld.
type outcome struct {
	status    ofx.Status
	in        *signedIn
	challenge *ofx.MFAChallengeResponse
	withheld  ofx.Status
}

func refused(code int, message string) outcome { return outcome{status: ofx.NewStatus(code, message)} }

// respond answers req.
func (s *server) respond(ctx context.Context, r *http.Request, req *ofx.Request, version int) (*ofx.Response, error) {
	x := &exchange{s: s, r: r, req: req, version: version, now: s.app.Clock.Now()}
	resp := &ofx.Response{Signon: ofx.SignonResponse{DTServer: x.now, Language: "ENG", FI: &ofx.FI{Org: s.app.Info.ORG, FID: s.app.Info.FID}}}
	out, err := x.signon(ctx)
	if err != nil {
		return nil, err
	}
	resp.Signon.Status = out.status
	resp.MFAChallenge = out.challenge
	if out.status.Code != ofx.StatusSuccess {
		return resp, nil
	}
	if req.Profile != nil {
		resp.Profile = x.profile(req.Profile)
	}
	if out.in == nil {
		x.withhold(resp, out.withheld)
		return resp, nil
	}
	if err := x.serve(ctx, out.in, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// serve answers the data transactions of a signed-in request.
func (x *exchange) serve(ctx context.Context, in *signedIn, resp *ofx.Response) error {
	r := x.req
	if r.AccountInfo != nil {
		ai, err := x.accountInfo(ctx, in, r.AccountInfo)
		if err != nil {
			return err
		}
		resp.AccountInfo = ai
	}
	for _, rq := range r.Statements {
		st, err := x.statement(ctx, in, rq, false)
		if err != nil {
			return err
		}
		resp.Statements = append(resp.Statements, st)
	}
	for _, rq := range r.CCStatements {
		st, err := x.statement(ctx, in, rq, true)
		if err != nil {
			return err
		}
		resp.CCStatements = append(resp.CCStatements, st)
	}
	for _, rq := range r.StatementEnds {
		st, err := x.closing(ctx, in, rq, false)
		if err != nil {
			return err
		}
		resp.StatementEnds = append(resp.StatementEnds, st)
	}
	for _, rq := range r.CCStatementEnds {
		st, err := x.closing(ctx, in, rq, true)
		if err != nil {
			return err
		}
		resp.CCStatementEnds = append(resp.CCStatementEnds, st)
	}
	return nil
}

// withhold refuses the data transactions of a request that was not signed
// in.
func (x *exchange) withhold(resp *ofx.Response, st ofx.Status) {
	r := x.req
	if r.AccountInfo != nil {
		resp.AccountInfo = &ofx.AccountInfoResponse{TrnUID: r.AccountInfo.TrnUID, CltCookie: r.AccountInfo.CltCookie, Status: st}
	}
	for _, rq := range r.Statements {
		resp.Statements = append(resp.Statements, ofx.StatementResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie, Status: st})
	}
	for _, rq := range r.CCStatements {
		resp.CCStatements = append(resp.CCStatements, ofx.StatementResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie, Status: st})
	}
	for _, rq := range r.StatementEnds {
		resp.StatementEnds = append(resp.StatementEnds, ofx.StatementEndResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie, Status: st})
	}
	for _, rq := range r.CCStatementEnds {
		resp.CCStatementEnds = append(resp.CCStatementEnds, ofx.StatementEndResponse{TrnUID: rq.TrnUID, CltCookie: rq.CltCookie, Status: st})
	}
}
