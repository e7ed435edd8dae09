package ofxserver

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/checkimage"
	"github.com/ledgersync/ledgersync/internal/institution/statementpdf"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/store"
)

// imageKind is what an image link opens.
type imageKind byte

const (
	imageStatement  imageKind = 's' // a statement's PDF
	imageCheckFront imageKind = 'f' // the front of a paid check, PNG
	imageCheckBack  imageKind = 'b' // its back
)

// imageLink is what a signed image token names: one image of one of the
// member's accounts, until Expires.
type imageLink struct {
	Kind      imageKind
	MemberID  int64
	AccountID int64
	ObjectID  int64 // the statement's or the check's transaction's id
	Expires   time.Time
}

const (
	tokenVersion = 1
	macBytes     = 16 // 128 bits of HMAC-SHA256: forging takes 2^128 tries
)

var (
	errForged  = errors.New("image link: not one of ours")
	errExpired = errors.New("image link: expired")
)

// sign returns l's token: the link's fields and an HMAC-SHA256 of them under
// the bank's link key, URL-safe.
func (s *server) sign(l imageLink) string {
	p := []byte{tokenVersion, byte(l.Kind)}
	p = binary.AppendUvarint(p, uint64(l.MemberID))
	p = binary.AppendUvarint(p, uint64(l.AccountID))
	p = binary.AppendUvarint(p, uint64(l.ObjectID))
	p = binary.AppendUvarint(p, uint64(l.Expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(p, s.mac(p)...))
}

func (s *server) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, s.app.LinkKey)
	h.Write([]byte("ledgersync ofx image link\x00"))
	h.Write(payload)
	return h.Sum(nil)[:macBytes]
}

// open checks a token and returns the link it names: errForged for a token
// not signed by the bank (or malformed), errExpired after its expiry.
func (s *server) open(token string, now time.Time) (imageLink, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 2+macBytes {
		return imageLink{}, errForged
	}
	p, sum := raw[:len(raw)-macBytes], raw[len(raw)-macBytes:]
	if !hmac.Equal(sum, s.mac(p)) || p[0] != tokenVersion {
		return imageLink{}, errForged
	}
	l := imageLink{Kind: imageKind(p[1])}
	rest := p[2:]
	var fields [4]uint64
	for i := range fields {
		v, n := binary.Uvarint(rest)
		if n <= 0 {
			return imageLink{}, errForged
		}
		fields[i], rest = v, rest[n:]
	}
	if len(rest) != 0 {
		return imageLink{}, errForged
	}
	l.MemberID, l.AccountID, l.ObjectID = int64(fields[0]), int64(fields[1]), int64(fields[2])
	l.Expires = time.Unix(int64(fields[3]), 0).UTC()
	if !now.Before(l.Expires) {
		return imageLink{}, errExpired
	}
	return l, nil
}

// imageData is the IMAGEDATA of a link that opens from now for
// imageLinkTTL. IMAGETTL is left out: OFX counts it in days.
func (x *exchange) imageData(typ string, l imageLink, checkSup string) ofx.ImageData {
	l.Expires = x.now.Add(imageLinkTTL)
	return ofx.ImageData{
		ImageType: typ, ImageRef: x.baseURL() + "/ofx/images/" + x.s.sign(l), ImageRefType: "URL",
		DTImageAvail: x.now, CheckSup: checkSup,
	}
}

// image sends the image a link names: 404 for a link that is not the
// bank's or whose image is gone, 410 for an expired one, never saying more.
// The token is the URL's secret: it is not logged.
func (s *server) image(w http.ResponseWriter, r *http.Request) {
	l, err := s.open(r.PathValue("token"), s.app.Clock.Now())
	switch {
	case errors.Is(err, errExpired):
		plain(w, http.StatusGone, "This link has expired. Download the statement again for a new one.")
		return
	case err != nil:
		plain(w, http.StatusNotFound, "Not found.")
		return
	}
	body, contentType, err := s.render(r.Context(), l)
	if errors.Is(err, store.ErrNotFound) {
		plain(w, http.StatusNotFound, "Not found.")
		return
	}
	if err != nil {
		s.app.Logger.ErrorContext(r.Context(), "ofx image not rendered", "kind", string(l.Kind), "account_id", l.AccountID, "object_id", l.ObjectID, "err", err)
		plain(w, http.StatusInternalServerError, "The image could not be made. Try again later.")
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(body)
}

// render makes the image of l from the bank's records, the way the member
// site does (statement_pdf.go, check_image.go): store.ErrNotFound when the
// account is no longer the member's, the statement not yet available, or
// the transaction not a paid check.
func (s *server) render(ctx context.Context, l imageLink) ([]byte, string, error) {
	q := s.app.DB.Reader()
	m, err := institution.GetMember(ctx, q, l.MemberID)
	if err != nil {
		return nil, "", err
	}
	a, err := institution.GetAccount(ctx, q, m.ID, l.AccountID)
	if err != nil {
		return nil, "", err
	}
	switch l.Kind {
	case imageStatement:
		st, err := institution.GetStatement(ctx, q, a.ID, l.ObjectID)
		if err != nil {
			return nil, "", err
		}
		if s.app.Clock.Now().Before(st.AvailableOn) {
			return nil, "", store.ErrNotFound
		}
		txs, err := institution.Transactions(ctx, q, a.ID, institution.TransactionFilter{From: st.PeriodStart, To: st.PeriodEnd})
		if err != nil {
			return nil, "", err
		}
		pdf, err := statementpdf.Render(s.statementOf(m, a, st, txs))
		if err != nil {
			return nil, "", fmt.Errorf("ofxserver: statement %d: %w", st.ID, err)
		}
		return pdf, "application/pdf", nil
	case imageCheckFront, imageCheckBack:
		t, err := institution.GetTransaction(ctx, q, a.ID, l.ObjectID)
		if err != nil {
			return nil, "", err
		}
		if t.CheckNumber == "" || t.Amount >= 0 {
			return nil, "", store.ErrNotFound
		}
		draw := checkimage.Front
		if l.Kind == imageCheckBack {
			draw = checkimage.Back
		}
		png, err := draw(s.checkOf(m, a, t))
		if err != nil {
			return nil, "", fmt.Errorf("ofxserver: check image of transaction %d: %w", t.ID, err)
		}
		return png, "image/png", nil
	}
	return nil, "", store.ErrNotFound
}

// statementOf lays a statement out for statementpdf as the member site
// does; a card's balances there are what is owed, so its signs are turned.
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
	info := s.app.Info
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

// checkOf fills in a check from the transaction that paid it, as the member
// site does.
func (s *server) checkOf(m *institution.Member, a *institution.Account, t *institution.Transaction) checkimage.Check {
	payee := t.Payee
	if payee == "" {
		payee = t.Description
	}
	addr := m.Address
	if len(addr) > 3 {
		addr = addr[:3]
	}
	city := ""
	if n := len(s.app.Info.Address); n > 0 {
		city = s.app.Info.Address[n-1]
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, a.Number)
	return checkimage.Check{
		Number: t.CheckNumber, Date: t.Date, Payee: payee, Amount: -t.Amount, Memo: t.Memo,
		Drawer:        checkimage.Party{Name: m.Name(), Address: addr},
		Bank:          checkimage.Bank{Name: s.app.Info.Name, City: city},
		RoutingNumber: s.app.Info.Routing, AccountNumber: digits, Signature: m.Name(),
		DepositedAt: t.Date,
	}
}
