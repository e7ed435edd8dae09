package notify

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
)

// SMTPConfig configures the email Sender.
type SMTPConfig struct {
	// URL names the server, the login and the sender:
	//
	//	smtp://[user@]host[:port]?from=no-reply@bank.example[&starttls=required|opportunistic|never][&helo=name]
	//	smtps://[user@]host[:port]?from=…   (TLS from the first byte)
	//
	// The port defaults to 587 (smtp) or 465 (smtps). starttls defaults to
	// opportunistic: STARTTLS whenever the server offers it. from may carry
	// a display name ("LedgerSync <no-reply@bank.example>", URL-encoded).
	// The URL must not hold a password: it ends up in logs and process
	// listings, so the password is a separate setting.
	URL string
	// Password authenticates user with AUTH PLAIN; used only when the URL
	// names a user.
	Password string
	// TLSConfig is used for STARTTLS and smtps; nil means the system's roots
	// and the URL's host name. Tests pass their own certificate authority.
	TLSConfig *tls.Config
	// Timeout bounds one whole delivery (connect to QUIT), on top of any
	// deadline of the caller's context. Zero means 30 seconds.
	Timeout time.Duration
	// Clock dates the messages; nil means clock.Real.
	Clock clock.Clock
}

type startTLSMode string

const (
	startTLSOpportunistic startTLSMode = "opportunistic"
	startTLSRequired      startTLSMode = "required"
	startTLSNever         startTLSMode = "never"
)

// SMTP sends email through one SMTP server (a submission port with STARTTLS
// and AUTH PLAIN, or smtps), one connection per message, as a plain-text
// UTF-8 RFC 5322 message in quoted-printable.
type SMTP struct {
	host, port  string
	implicitTLS bool
	startTLS    startTLSMode
	user        string
	password    string
	from        *mail.Address
	helo        string
	tls         *tls.Config
	timeout     time.Duration
	clock       clock.Clock
}

// NewSMTP checks cfg and returns the email Sender. Its errors name the
// setting at fault and never quote the URL or the password.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		// url.Parse's error quotes the URL, which may hold a password.
		return nil, errors.New("notify: smtp: the SMTP URL does not parse; expected smtp://user@host:587?from=no-reply@example.com")
	}
	s := &SMTP{host: u.Hostname(), port: u.Port(), timeout: cfg.Timeout, clock: cfg.Clock, password: cfg.Password}
	switch u.Scheme {
	case "smtp":
		s.port = cmp.Or(s.port, "587")
	case "smtps":
		s.port = cmp.Or(s.port, "465")
		s.implicitTLS = true
	default:
		return nil, fmt.Errorf("notify: smtp: URL scheme %q is not smtp or smtps", u.Scheme)
	}
	if s.host == "" {
		return nil, errors.New("notify: smtp: the SMTP URL names no host")
	}
	if u.User != nil {
		if _, set := u.User.Password(); set {
			return nil, errors.New("notify: smtp: the SMTP URL holds a password; remove it from the URL and give it in the separate SMTP password setting")
		}
		s.user = u.User.Username()
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" {
		return nil, fmt.Errorf("notify: smtp: the SMTP URL of %s has a path or fragment; only ?from=, starttls= and helo= are understood", s.host)
	}
	q := u.Query()
	for k := range q {
		if k != "from" && k != "starttls" && k != "helo" {
			return nil, fmt.Errorf("notify: smtp: the SMTP URL has an unknown parameter %q; only from, starttls and helo are understood", k)
		}
	}
	if s.from, err = mail.ParseAddress(q.Get("from")); err != nil || q.Get("from") == "" {
		return nil, fmt.Errorf("notify: smtp: the SMTP URL needs ?from= with the sender's address, like from=no-reply@bank.example (got %q)", q.Get("from"))
	}
	s.startTLS = startTLSMode(cmp.Or(q.Get("starttls"), string(startTLSOpportunistic)))
	switch {
	case s.startTLS != startTLSOpportunistic && s.startTLS != startTLSRequired && s.startTLS != startTLSNever:
		return nil, fmt.Errorf("notify: smtp: starttls=%q is not required, opportunistic or never", s.startTLS)
	case s.implicitTLS && q.Has("starttls"):
		return nil, errors.New("notify: smtp: starttls= does not apply to smtps://, which uses TLS from the start")
	case s.user != "" && !s.implicitTLS && s.startTLS == startTLSNever && !isLoopback(s.host):
		return nil, fmt.Errorf("notify: smtp: starttls=never with a user would send the password to %s in clear; use starttls=required or smtps", s.host)
	}
	s.helo = cmp.Or(q.Get("helo"), "localhost")
	if strings.ContainsAny(s.helo, " \r\n") {
		return nil, fmt.Errorf("notify: smtp: helo=%q is not a host name", s.helo)
	}
	if cfg.TLSConfig != nil {
		s.tls = cfg.TLSConfig.Clone()
	} else {
		s.tls = &tls.Config{}
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = s.host
	}
	if s.tls.MinVersion == 0 {
		s.tls.MinVersion = tls.VersionTLS12
	}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	if s.clock == nil {
		s.clock = clock.Real{}
	}
	return s, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers an Email message; the id is its Message-ID. An error naming
// the recipient is returned when the server refuses it; server replies are
// scrubbed of the Body.
func (s *SMTP) Send(ctx context.Context, m Message) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	if m.Channel != Email {
		return "", fmt.Errorf("notify: smtp: %w: %s", ErrUnsupportedChannel, m.Channel)
	}
	msgID, err := s.messageID()
	if err != nil {
		return "", err
	}
	data, err := s.compose(m, msgID)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.deliver(ctx, m, data); err != nil {
		return "", fmt.Errorf("notify: smtp: email to %s via %s: %w", m.To, net.JoinHostPort(s.host, s.port), err)
	}
	return msgID, nil
}

func (s *SMTP) deliver(ctx context.Context, m Message, data []byte) error {
	fail := func(step string, err error) error {
		var te *textproto.Error
		if errors.As(err, &te) {
			// A reply is the server's free text: rebuild it without the Body.
			err = &textproto.Error{Code: te.Code, Msg: scrub(te.Msg, m)}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w: %w", step, ctx.Err(), err)
		}
		return fmt.Errorf("%s: %w", step, err)
	}

	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(s.host, s.port))
	if err != nil {
		return fail("connect", err)
	}
	// net/smtp knows no context: the deadline bounds every read and write,
	// and a cancelled context expires it at once.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if s.implicitTLS {
		tc := tls.Client(conn, s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return fail("TLS handshake", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fail("greeting", err)
	}
	defer c.Close()
	if err := c.Hello(s.helo); err != nil {
		return fail("EHLO", err)
	}
	if !s.implicitTLS && s.startTLS != startTLSNever {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tls); err != nil {
				return fail("STARTTLS", err)
			}
		} else if s.startTLS == startTLSRequired {
			return fail("STARTTLS", errors.New("the server does not offer STARTTLS and the URL says starttls=required"))
		}
	}
	if s.user != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok || !slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") {
			return fail("AUTH", errors.New("the server does not offer AUTH PLAIN"))
		}
		if err := c.Auth(smtp.PlainAuth("", s.user, s.password, s.host)); err != nil {
			return fail(fmt.Sprintf("AUTH as %q", s.user), err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fail(fmt.Sprintf("the server refused the sender %s", s.from.Address), err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fail(fmt.Sprintf("the server refused the recipient %s", m.To), err)
	}
	w, err := c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	if _, err := w.Write(data); err != nil {
		return fail("write the message", err)
	}
	if err := w.Close(); err != nil {
		return fail("the server refused the message", err)
	}
	// The message was accepted at the end of DATA; a failed QUIT loses nothing.
	_ = c.Quit()
	return nil
}

func (s *SMTP) messageID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("notify: smtp: make a Message-ID: %w", err)
	}
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">", nil
}

// compose renders m as an RFC 5322 message: CRLF line ends, a Q-encoded
// subject when it is not plain ASCII, a quoted-printable UTF-8 text body.
func (s *SMTP) compose(m Message, msgID string) ([]byte, error) {
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("Date", s.clock.Now().UTC().Format(time.RFC1123Z))
	header("From", s.from.String())
	header("To", m.To)
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Message-ID", msgID)
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no vacation replies to a code
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, fmt.Errorf("notify: smtp: encode the body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("notify: smtp: encode the body: %w", err)
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}
