package notify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/notify/notifytest"
)

func smtpURL(scheme, user, addr, query string) string {
	u := url.URL{Scheme: scheme, Host: addr, RawQuery: query}
	if user != "" {
		u.User = url.User(user)
	}
	return u.String()
}

func newSMTP(t *testing.T, rawURL, password string, srv *notifytest.SMTPServer) *notify.SMTP {
	t.Helper()
	cfg := notify.SMTPConfig{URL: rawURL, Password: password, Clock: clock.NewFake(now)}
	if srv.RootCAs != nil {
		cfg.TLSConfig = &tls.Config{RootCAs: srv.RootCAs}
	}
	s, err := notify.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var emailMsg = notify.Message{
	Channel:   notify.Email,
	To:        "alice@example.com",
	Subject:   "Votre code de connexion — LedgerSync",
	Body:      "Bonjour Hélène,\n\nYour LedgerSync code is 482913. It expires in 5 minutes.\n",
	Purpose:   "login_code",
	Sensitive: true,
}

func TestSMTPDeliversOverSTARTTLSWithAuth(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		opts   notifytest.SMTPOptions
		scheme string
		query  string
	}{
		{"starttls required", notifytest.SMTPOptions{Username: "mailer", Password: "s3cret pass", TLS: true}, "smtp", "starttls=required"},
		{"starttls when offered", notifytest.SMTPOptions{Username: "mailer", Password: "s3cret pass", TLS: true}, "smtp", ""},
		{"smtps", notifytest.SMTPOptions{Username: "mailer", Password: "s3cret pass", ImplicitTLS: true}, "smtps", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := notifytest.StartSMTP(t, tt.opts)
			q := "from=" + url.QueryEscape("LedgerSync <no-reply@bank.example>")
			if tt.query != "" {
				q += "&" + tt.query
			}
			s := newSMTP(t, smtpURL(tt.scheme, "mailer", srv.Addr, q), "s3cret pass", srv)
			id, err := s.Send(context.Background(), emailMsg)
			if err != nil {
				t.Fatal(err)
			}
			mails := srv.Mails()
			if len(mails) != 1 {
				t.Fatalf("the server accepted %d messages, want 1", len(mails))
			}
			got := mails[0]
			if got.AuthUser != "mailer" || !got.TLS {
				t.Fatalf("delivered with auth user %q over TLS %v; want mailer over TLS", got.AuthUser, got.TLS)
			}
			if got.From != "no-reply@bank.example" || len(got.To) != 1 || got.To[0] != "alice@example.com" {
				t.Fatalf("envelope from %q to %q", got.From, got.To)
			}
			checkMessage(t, got.Data, id)
		})
	}
}

// checkMessage parses data as RFC 5322 and checks its headers and body.
func checkMessage(t *testing.T, data []byte, id string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, data)
	}
	h := msg.Header
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != emailMsg.Subject {
		t.Errorf("Subject %q decodes to %q (%v), want %q", h.Get("Subject"), subject, err, emailMsg.Subject)
	}
	if h.Get("Subject") == emailMsg.Subject {
		t.Errorf("the non-ASCII subject was sent unencoded")
	}
	if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Address != "no-reply@bank.example" || from.Name != "LedgerSync" {
		t.Errorf("From = %q", h.Get("From"))
	}
	if h.Get("To") != "alice@example.com" {
		t.Errorf("To = %q", h.Get("To"))
	}
	if date, err := h.Date(); err != nil || !date.Equal(now) {
		t.Errorf("Date = %q (%v), want %v", h.Get("Date"), err, now)
	}
	if h.Get("Message-ID") != id || !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@bank.example>") {
		t.Errorf("Message-ID = %q, Send returned %q", h.Get("Message-ID"), id)
	}
	for k, v := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
	} {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasSuffix(line, "\r\n") && line != "" {
			t.Errorf("line %q does not end in CRLF", line)
		}
		if len(line) > 1000 {
			t.Errorf("a line is %d bytes long", len(line))
		}
	}
	raw, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimRight(string(raw), "\r\n"), strings.TrimRight(strings.ReplaceAll(emailMsg.Body, "\n", "\r\n"), "\r\n"); got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestSMTPWithoutAuthOnLoopback(t *testing.T) {
	t.Parallel()
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{})
	s := newSMTP(t, smtpURL("smtp", "", srv.Addr, "from=no-reply@bank.example"), "", srv)
	if _, err := s.Send(context.Background(), emailMsg); err != nil {
		t.Fatal(err)
	}
	if m := srv.Mails(); len(m) != 1 || m[0].AuthUser != "" || m[0].TLS {
		t.Fatalf("mails %+v, want one, unauthenticated and in clear", m)
	}
}

func TestSMTPFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      notifytest.SMTPOptions
		user      string
		password  string
		query     string
		wants     []string // fragments of the error
		authTries int      // AUTH attempts the server saw; 0 = the credentials were never offered
	}{
		{
			name:      "refused recipient",
			opts:      notifytest.SMTPOptions{Username: "mailer", Password: "pw", RejectRcpt: func(string) string { return "no such user here" }},
			user:      "mailer",
			password:  "pw",
			wants:     []string{"refused the recipient alice@example.com", "550", "no such user here"},
			authTries: 1,
		},
		{
			name:      "wrong password",
			opts:      notifytest.SMTPOptions{Username: "mailer", Password: "right"},
			user:      "mailer",
			password:  "wrong",
			wants:     []string{`AUTH as "mailer"`, "535"},
			authTries: 1,
		},
		{
			name:     "starttls required but not offered",
			opts:     notifytest.SMTPOptions{Username: "mailer", Password: "pw"},
			user:     "mailer",
			password: "pw",
			query:    "&starttls=required",
			wants:    []string{"STARTTLS", "does not offer STARTTLS"},
		},
		{
			name:     "server offers no auth",
			opts:     notifytest.SMTPOptions{},
			user:     "mailer",
			password: "pw",
			wants:    []string{"does not offer AUTH PLAIN"},
		},
		{
			name:  "message refused",
			opts:  notifytest.SMTPOptions{RejectData: func([]byte) string { return "spam score too high" }},
			wants: []string{"refused the message", "554", "spam score too high"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := notifytest.StartSMTP(t, tt.opts)
			s := newSMTP(t, smtpURL("smtp", tt.user, srv.Addr, "from=no-reply@bank.example"+tt.query), tt.password, srv)
			_, err := s.Send(context.Background(), emailMsg)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			for _, secret := range []string{code, "Hélène", tt.password} {
				if secret != "" && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains %q", err, secret)
				}
			}
			if len(srv.Mails()) != 0 {
				t.Errorf("the server accepted a message")
			}
			if got := len(srv.AuthAttempts()); got != tt.authTries {
				t.Errorf("%d AUTH attempts, want %d", got, tt.authTries)
			}
		})
	}
}

func TestSMTPVerifiesTheServerCertificate(t *testing.T) {
	t.Parallel()
	srv := notifytest.StartSMTP(t, notifytest.SMTPOptions{Username: "mailer", Password: "pw", TLS: true})
	// No RootCAs: the self-signed certificate must not be trusted.
	s, err := notify.NewSMTP(notify.SMTPConfig{URL: smtpURL("smtp", "mailer", srv.Addr, "from=no-reply@bank.example&starttls=required"), Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), emailMsg)
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Send to an untrusted server = %v, want a STARTTLS certificate error", err)
	}
	if n := len(srv.AuthAttempts()); n != 0 || len(srv.Mails()) != 0 {
		t.Fatalf("%d AUTH attempts and %d messages reached an untrusted server", n, len(srv.Mails()))
	}
}

func TestSMTPStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	// A server that accepts the connection and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		cancel() // the caller gives up while the client waits for the greeting
		_, _ = io.Copy(io.Discard, c)
	}()
	s, err := notify.NewSMTP(notify.SMTPConfig{URL: smtpURL("smtp", "", l.Addr().String(), "from=no-reply@bank.example")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(ctx, emailMsg); !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want context.Canceled", err)
	}
}

func TestSMTPRefusesSMS(t *testing.T) {
	t.Parallel()
	s, err := notify.NewSMTP(notify.SMTPConfig{URL: "smtp://mail.example:587?from=no-reply@bank.example"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), notify.Message{Channel: notify.SMS, To: "+15551234567", Body: body, Purpose: "login_code"})
	if !errors.Is(err, notify.ErrUnsupportedChannel) {
		t.Fatalf("Send(sms) = %v, want ErrUnsupportedChannel", err)
	}
}

func TestNewSMTPChecksItsURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, url, wants string }{
		{"password in URL", "smtp://mailer:hunter2@mail.example:587?from=a@b.example", "holds a password"},
		{"no from", "smtp://mail.example:587", "needs ?from="},
		{"bad from", "smtp://mail.example:587?from=not-an-address", "needs ?from="},
		{"unknown parameter", "smtp://mail.example:587?from=a@b.example&startls=required", `unknown parameter "startls"`},
		{"bad starttls", "smtp://mail.example?from=a@b.example&starttls=maybe", "starttls="},
		{"starttls on smtps", "smtps://mail.example?from=a@b.example&starttls=required", "smtps"},
		{"clear-text password", "smtp://mailer@mail.example?from=a@b.example&starttls=never", "in clear"},
		{"scheme", "http://mail.example?from=a@b.example", "scheme"},
		{"no host", "smtp://?from=a@b.example", "no host"},
		{"garbage", "smtp://mailer:hunter2@[::1", "does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := notify.NewSMTP(notify.SMTPConfig{URL: tt.url, Password: "hunter2"})
			if err == nil || !strings.Contains(err.Error(), tt.wants) {
				t.Fatalf("NewSMTP(%q) = %v, want an error mentioning %q", tt.url, err, tt.wants)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("the error %q shows the password", err)
			}
		})
	}
}
