// Package directconnect owns LedgerSync's OFX Direct Connect client: it
// posts a typed OFX request to a bank's OFX server, in SGML for OFX 1.x and
// XML for 2.x, and reads the typed response back. It also builds the signon
// a bank expects and answers the machine phrases (MFA101–MFA107) of an
// OFX 2.1.1 MFA challenge. What to do with a response (a 3000, a 15510, the
// statements) is the caller's: Do returns the bank's statuses as they are.
//
// Secrets (the password, MFA answers, credentials) travel only in request
// bodies: no error of this package contains them, even when a bank quotes
// them back.
package directconnect

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/ofx"
)

const (
	// DefaultVersion is the OFX version of a Client without one: 2.2, XML,
	// with MFA challenges, CLIENTUID and image references.
	DefaultVersion = 220
	// maxResponseBytes bounds what Do reads: years of statements fit in a
	// few megabytes.
	maxResponseBytes = 64 << 20
	// defaultTimeout bounds a request of a Client without an HTTP client.
	defaultTimeout = 2 * time.Minute
	// snippet is how much of an unexpected body an error quotes.
	snippet = 200
)

// Client posts OFX requests to one bank's Direct Connect server.
type Client struct {
	URL string // the bank's OFX endpoint, https://…/ofx
	// HTTP is the client the requests go through; nil means one with a
	// two-minute timeout.
	HTTP *http.Client
	// Version is the OFX version of the requests: 102, 103, 151 or 160
	// (SGML), or 200 to 220 (XML); 0 means DefaultVersion.
	Version int
	// AppID and AppVer name the program to the bank (APPID A-5, APPVER A-4);
	// many banks accept only the ids of programs they know, such as QWIN
	// 2700.
	AppID, AppVer string
	// Org and FID name the bank (SONRQ's FI).
	Org, FID string
	// ClientUID names this installation (OFX 1.0.3 and 2.0.3 onwards): keep
	// it for the connection, so the bank can recognise the device once the
	// member approves it. Empty for none.
	ClientUID string
	// Now is the clock of DTCLIENT; nil means time.Now.
	Now func() time.Time
}

// HTTPError is a reply that is not an OFX response: a status other than 200
// or a body that is not OFX. Body is the start of the reply, with the
// request's secrets removed.
type HTTPError struct {
	URL        string // without any user info
	StatusCode int
	Body       string
	Err        error // why the body is not OFX, for a 200
}

func (e *HTTPError) Error() string {
	if e.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("directconnect: POST %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
		if e.Body != "" {
			msg += ": " + e.Body
		}
		return msg
	}
	return fmt.Sprintf("directconnect: POST %s: the reply is not an OFX response (%v); it starts %q", e.URL, e.Err, e.Body)
}

func (e *HTTPError) Unwrap() error { return e.Err }

// ErrNotOFX is wrapped by the HTTPError of a 200 reply whose body is not an
// OFX response (a login page, a maintenance notice).
var ErrNotOFX = errors.New("not an OFX response")

// Do posts req and returns the bank's response. The response's statuses
// (the SONRS, each transaction's) are the caller's to act on; an error
// means no OFX response came back: the request could not be written or
// sent, the bank replied with an HTTP error (*HTTPError), or the reply is
// not OFX (*HTTPError wrapping ErrNotOFX).
func (c *Client) Do(ctx context.Context, req *ofx.Request) (*ofx.Response, error) {
	where := redactedURL(c.URL)
	version := c.version()
	doc := ofx.NewDocument(version, req.Element())
	doc.Header["NEWFILEUID"] = NewTrnUID()
	var body bytes.Buffer
	var err error
	if version >= 200 {
		err = ofx.WriteXML(&body, doc)
	} else {
		err = ofx.WriteSGML(&body, doc)
	}
	if err != nil {
		return nil, fmt.Errorf("directconnect: write the request to %s: %w", where, err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, &body)
	if err != nil {
		return nil, fmt.Errorf("directconnect: request to %s: %w", where, scrubErr(err, c.URL))
	}
	hreq.Header.Set("Content-Type", "application/x-ofx")
	hreq.Header.Set("Accept", "application/x-ofx, application/xml;q=0.9, */*;q=0.1")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	hresp, err := hc.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("directconnect: POST %s: %w", where, scrubErr(err, c.URL))
	}
	defer hresp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(hresp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("directconnect: read the reply of %s: %w", where, err)
	}
	secrets := secretsOf(req)
	if hresp.StatusCode != http.StatusOK {
		return nil, &HTTPError{URL: where, StatusCode: hresp.StatusCode, Body: quote(raw, secrets)}
	}
	if len(raw) > maxResponseBytes {
		return nil, &HTTPError{URL: where, StatusCode: hresp.StatusCode, Body: quote(raw, secrets), Err: fmt.Errorf("%w: larger than %d bytes", ErrNotOFX, maxResponseBytes)}
	}
	rdoc, err := ofx.Parse(bytes.NewReader(raw))
	var resp *ofx.Response
	if err == nil {
		resp, err = ofx.DecodeResponse(rdoc)
	}
	if err != nil {
		return nil, &HTTPError{URL: where, StatusCode: hresp.StatusCode, Body: quote(raw, secrets), Err: fmt.Errorf("%w: %s", ErrNotOFX, scrub(err.Error(), secrets))}
	}
	return resp, nil
}

func (c *Client) version() int {
	if c.Version == 0 {
		return DefaultVersion
	}
	return c.Version
}

// Signon returns the SONRQ of a user: now, the bank's FI, this program and
// installation. The password is a secret: keep the request out of logs.
func (c *Client) Signon(userID, password string) ofx.SignonRequest {
	return ofx.SignonRequest{
		DTClient: c.now(), UserID: userID, UserPass: password, Language: "ENG",
		FI: &ofx.FI{Org: c.Org, FID: c.FID}, AppID: c.AppID, AppVer: c.AppVer, ClientUID: c.ClientUID,
	}
}

// AnonymousUserID is the USERID of a profile request made before signing on.
const AnonymousUserID = "anonymous00000000000000000000000"

// Profile fetches the bank's profile (PROFRQ) with the anonymous signon:
// its message sets, URLs and password and MFA rules.
func (c *Client) Profile(ctx context.Context) (*ofx.Response, error) {
	return c.Do(ctx, &ofx.Request{
		Signon:  c.Signon(AnonymousUserID, AnonymousUserID),
		Profile: &ofx.ProfileRequest{TrnUID: NewTrnUID(), ClientRouting: "MSGSET"},
	})
}

// MachineInfo is what the program tells a bank that asks the machine
// phrases MFA102–MFA107 (MFA101, the date and time, comes from the clock).
type MachineInfo struct {
	HostName, IPAddress, MACAddress, OSVersion, Processor, UserAgent string
}

// MachineAnswers answers the machine phrases among challenges (MFA101, the
// client's date and time as YYYYMMDDHHMMSS in GMT, and MFA102–MFA107 from
// info); the phrases a person must answer are left to the caller.
func (c *Client) MachineAnswers(challenges []ofx.MFAChallenge, info MachineInfo) []ofx.MFAAnswer {
	var out []ofx.MFAAnswer
	for _, ch := range challenges {
		var v string
		switch ch.PhraseID {
		case "MFA101":
			v = c.now().UTC().Format("20060102150405")
		case "MFA102":
			v = info.HostName
		case "MFA103":
			v = info.IPAddress
		case "MFA104":
			v = info.MACAddress
		case "MFA105":
			v = info.OSVersion
		case "MFA106":
			v = info.Processor
		case "MFA107":
			v = info.UserAgent
		default:
			continue
		}
		out = append(out, ofx.MFAAnswer{PhraseID: ch.PhraseID, Answer: v})
	}
	return out
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// NewTrnUID returns a new transaction id: a random UUID, as OFX suggests.
func NewTrnUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := strings.ToUpper(hex.EncodeToString(b[:]))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// secretsOf lists the secrets req carries.
func secretsOf(req *ofx.Request) []string {
	s := req.Signon
	out := []string{s.UserPass, s.UserKey, s.AccessToken, s.UserCred1, s.UserCred2, s.AuthToken, s.SessCookie}
	for _, a := range s.MFAAnswers {
		if !ofx.MFAPhraseMachine(a.PhraseID) {
			out = append(out, a.Answer)
		}
	}
	return out
}

// scrub removes the secrets from text a bank sent back.
func scrub(text string, secrets []string) string {
	for _, s := range secrets {
		if strings.TrimSpace(s) != "" {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	return text
}

// quote is the start of a reply body for an error, secrets removed.
func quote(raw []byte, secrets []string) string {
	text := strings.ToValidUTF8(string(raw), "?")
	text = scrub(text, secrets)
	if utf8.RuneCountInString(text) > snippet {
		text = string([]rune(text)[:snippet]) + "…"
	}
	return strings.TrimSpace(text)
}

// redactedURL is the URL without its user info (a password in it).
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the bank's OFX URL"
	}
	return u.Redacted()
}

// scrubErr keeps a URL's password out of an error that quotes the URL.
func scrubErr(err error, raw string) error {
	u, perr := url.Parse(raw)
	if perr != nil || u.User == nil {
		return err
	}
	if p, ok := u.User.Password(); ok && p != "" && strings.Contains(err.Error(), p) {
		return &redactedError{msg: strings.ReplaceAll(err.Error(), p, "xxxxx"), err: err}
	}
	return err
}

// redactedError is an error whose text had a secret removed; errors.Is and
// errors.As still see the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
