package ofxconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
)

// maxImageBytes bounds an image download: a statement PDF is well under a
// megabyte.
const maxImageBytes = 32 << 20

// Statements lists the account's statements from its statement closing
// information (STMTENDRQ, or CCSTMTENDRQ for a card), where OFX 2.1.1 puts
// each statement's image (INCSTMTIMG). A statement without an image link
// (an older OFX version, a bank that has none) has an empty Ref.
func (s *session) Statements(ctx context.Context, a connector.Account) ([]connector.Statement, error) {
	ref, err := readRef(a)
	if err != nil {
		return nil, s.fail("statements", err)
	}
	rq := ofx.StatementEndRequest{TrnUID: directconnect.NewTrnUID(), Account: ref.account(), IncImages: s.images()}
	req := &ofx.Request{}
	if ref.Card {
		req.CCStatementEnds = []ofx.StatementEndRequest{rq}
	} else {
		req.StatementEnds = []ofx.StatementEndRequest{rq}
	}
	what := "the statements of " + describeRef(a, ref)
	resp, err := s.do(ctx, req)
	if err != nil {
		return nil, s.fail("statements", err)
	}
	var rs *ofx.StatementEndResponse
	for _, l := range [][]ofx.StatementEndResponse{resp.StatementEnds, resp.CCStatementEnds} {
		for i := range l {
			if l[i].TrnUID == rq.TrnUID {
				rs = &l[i]
			}
		}
	}
	switch {
	case rs == nil:
		return nil, s.fail("statements", fmt.Errorf("the bank did not send %s", what))
	case rs.Status.Code != ofx.StatusSuccess:
		return nil, s.fail("statements", transactionError(what, rs.Status, s.secrets()))
	}
	out := make([]connector.Statement, 0, len(rs.Closings))
	for _, c := range rs.Closings {
		start := c.DTOpen
		if start.IsZero() {
			start = c.DTPostStart
		}
		st := connector.Statement{ID: c.FITID, PeriodStart: dateOf(start), PeriodEnd: dateOf(c.DTClose)}
		if c.Image != nil && isURLImage(*c.Image) {
			st.Ref = c.Image.ImageRef
		}
		out = append(out, st)
	}
	return out, nil
}

// StatementPDF downloads a statement's image from the link Statements gave.
// The bank's links expire within minutes: download in the session that
// listed them.
func (s *session) StatementPDF(ctx context.Context, st connector.Statement) ([]byte, error) {
	if st.Ref == "" {
		return nil, s.fail("statement download", fmt.Errorf("the bank offers no image of statement %s", st.ID))
	}
	body, err := s.fetch(ctx, st.Ref)
	if err != nil {
		return nil, s.fail("statement download", err)
	}
	return body, nil
}

// CheckImage downloads one side of a check from the link Transactions gave.
func (s *session) CheckImage(ctx context.Context, c connector.CheckImageRef) ([]byte, error) {
	if c.Ref == "" {
		return nil, s.fail("check image download", errors.New("the bank offers no image of this check"))
	}
	body, err := s.fetch(ctx, c.Ref)
	if err != nil {
		return nil, s.fail("check image download", err)
	}
	return body, nil
}

// fetch GETs an image link. The link is a secret (its token opens the
// image), so no error quotes it. Only https links are followed, or links to
// the OFX server's own host: a bank's response must not make LedgerSync
// fetch from elsewhere on its own network.
func (s *session) fetch(ctx context.Context, link string) ([]byte, error) {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return nil, errors.New("the bank's image link is not a URL")
	}
	ofxURL, _ := url.Parse(s.l.Institution.OFXURL)
	sameHost := ofxURL != nil && strings.EqualFold(u.Scheme, ofxURL.Scheme) && strings.EqualFold(u.Host, ofxURL.Host)
	if u.Scheme != "https" && !sameHost {
		return nil, fmt.Errorf("the bank's image link is neither https nor on its OFX server (%s): not followed", u.Scheme+"://"+u.Host)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, errors.New("the bank's image link is not a URL")
	}
	resp, err := s.c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &connector.DownError{Err: fmt.Errorf("GET the image from %s: %w", u.Host, unwrapURLError(err))}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxImageBytes+1))
	switch {
	case err != nil:
		return nil, &connector.DownError{Err: fmt.Errorf("read the image from %s: %w", u.Host, unwrapURLError(err))}
	case resp.StatusCode == http.StatusGone:
		return nil, errors.New("the bank's link to the image has expired (its links last minutes): read the statements or transactions again for a fresh one")
	case resp.StatusCode == http.StatusNotFound:
		return nil, errors.New("the bank no longer has this image")
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, &connector.DownError{Err: fmt.Errorf("GET the image from %s: HTTP %d", u.Host, resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("the bank refused the image: HTTP %d", resp.StatusCode)
	case len(body) > maxImageBytes:
		return nil, fmt.Errorf("the bank's image is larger than %d MiB", maxImageBytes>>20)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); strings.HasPrefix(mt, "text/") {
		// A sign-in or error page sent with 200: not the image.
		return nil, fmt.Errorf("the bank sent a %s page instead of the image", mt)
	}
	return body, nil
}

// unwrapURLError drops the URL a *url.Error quotes: an image link's token
// is a secret.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
