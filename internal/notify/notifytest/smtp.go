package notifytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// SMTPOptions shapes the test SMTP server.
type SMTPOptions struct {
	// Username and Password, when Username is set, make the server offer
	// AUTH PLAIN and require it before MAIL FROM.
	Username, Password string
	// TLS makes the server offer STARTTLS with a fresh self-signed
	// certificate for 127.0.0.1, ::1 and localhost (see SMTPServer.RootCAs);
	// AUTH is then offered only after STARTTLS, as real servers do.
	TLS bool
	// ImplicitTLS makes the server speak TLS from the first byte (smtps)
	// with the same kind of certificate, instead of offering STARTTLS.
	ImplicitTLS bool
	// RejectRcpt, when it returns a reason, refuses the recipient with 550.
	RejectRcpt func(to string) (reason string)
	// RejectData, when it returns a reason, refuses the message with 554.
	RejectData func(data []byte) (reason string)
}

// Mail is a message the SMTP server accepted.
type Mail struct {
	From     string
	To       []string
	Data     []byte // as received: headers, blank line, encoded body
	AuthUser string // who authenticated, "" when nobody did
	TLS      bool   // whether the message came over TLS
}

// SMTPServer is an in-process SMTP server on 127.0.0.1 built on
// github.com/emersion/go-smtp. It records accepted messages and every AUTH
// attempt, so tests can check what was sent and whether credentials were.
type SMTPServer struct {
	// Addr is the server's host:port.
	Addr string
	// RootCAs trusts the server's certificate (nil without TLS).
	RootCAs *x509.CertPool

	opts SMTPOptions

	mu    sync.Mutex
	mails []Mail
	auths []string
}

// StartSMTP starts a server for the test's lifetime.
func StartSMTP(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("notifytest: listen: %v", err)
	}
	s := &SMTPServer{Addr: l.Addr().String(), opts: opts}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{srv: s, tls: isTLS}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout = time.Minute // a hung client, not a timing assertion
	srv.WriteTimeout = time.Minute
	switch {
	case opts.TLS || opts.ImplicitTLS:
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatalf("notifytest: certificate: %v", err)
		}
		conf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.RootCAs = pool
		if opts.ImplicitTLS {
			l = tls.NewListener(l, conf)
		} else {
			srv.TLSConfig = conf
		}
	default:
		srv.AllowInsecureAuth = true
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// Mails returns the accepted messages, oldest first.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// AuthAttempts returns the usernames of every AUTH attempt, right or wrong.
func (s *SMTPServer) AuthAttempts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

type session struct {
	srv      *SMTPServer
	tls      bool
	authUser string
	from     string
	to       []string
}

func (s *session) AuthMechanisms() []string {
	if s.srv.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || s.srv.opts.Username == "" {
		return nil, gosmtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		s.srv.mu.Lock()
		s.srv.auths = append(s.srv.auths, username)
		s.srv.mu.Unlock()
		if username != s.srv.opts.Username || password != s.srv.opts.Password {
			return gosmtp.ErrAuthFailed
		}
		s.authUser = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if s.srv.opts.Username != "" && s.authUser == "" {
		return gosmtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if f := s.srv.opts.RejectRcpt; f != nil {
		if reason := f(to); reason != "" {
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: reason}
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if f := s.srv.opts.RejectData; f != nil {
		if reason := f(data); reason != "" {
			return &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 6, 0}, Message: reason}
		}
	}
	s.srv.mu.Lock()
	s.srv.mails = append(s.srv.mails, Mail{From: s.from, To: append([]string(nil), s.to...), Data: data, AuthUser: s.authUser, TLS: s.tls})
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for the loopback names and a pool trusting it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "notifytest"},
		NotBefore:             time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
