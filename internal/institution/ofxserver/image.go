package ofxserver

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/documents"
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
		pdf, err := documents.StatementPDF(ctx, s.app, m, a, st)
		return pdf, "application/pdf", err
	case imageCheckFront, imageCheckBack:
		t, err := institution.GetTransaction(ctx, q, a.ID, l.ObjectID)
		if err != nil {
			return nil, "", err
		}
		side := documents.Front
		if l.Kind == imageCheckBack {
			side = documents.Back
		}
		png, err := documents.CheckImage(m, a, t, side, s.app.Info)
		return png, "image/png", err
	}
	return nil, "", store.ErrNotFound
}
