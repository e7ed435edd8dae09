package notify_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/notify/notifytest"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "tok-9f8e7d6c5b4a"
	fromNumber = "+15005550006"
)

// sleeps records the waits between attempts instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.d)
}

// newProvider starts the fake provider and a client of it with token.
func newProvider(t *testing.T, token string) (*notifytest.Provider, *notify.Twilio, *sleeps) {
	t.Helper()
	p := notifytest.NewProvider(accountSID, authToken)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	z := &sleeps{}
	c, err := notify.NewTwilio(notify.TwilioConfig{
		BaseURL: srv.URL, AccountSID: accountSID, AuthToken: token, From: fromNumber,
		HTTPClient: srv.Client(), Sleep: z.sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p, c, z
}

var smsMsg = notify.Message{Channel: notify.SMS, To: "+15551234567", Body: body, Purpose: "login_code", Sensitive: true}

func TestTwilioSendsAText(t *testing.T) {
	t.Parallel()
	p, c, z := newProvider(t, authToken)
	id, err := c.Send(context.Background(), smsMsg)
	if err != nil {
		t.Fatal(err)
	}
	got := p.Messages()
	if len(got) != 1 {
		t.Fatalf("the provider recorded %d texts, want 1", len(got))
	}
	want := notifytest.ProviderMessage{SID: id, To: "+15551234567", From: fromNumber, Body: body}
	if got[0] != want || !strings.HasPrefix(id, "SM") {
		t.Fatalf("recorded %+v (Send returned %q), want %+v", got[0], id, want)
	}
	if len(p.Calls()) != 0 || p.Requests() != 1 || len(z.waits()) != 0 {
		t.Fatalf("%d calls, %d requests, waits %v; want 0, 1, none", len(p.Calls()), p.Requests(), z.waits())
	}
}

func TestTwilioCallSpeaksTheCodeDigitByDigitTwice(t *testing.T) {
	t.Parallel()
	p, c, _ := newProvider(t, authToken)
	m := smsMsg
	m.Channel = notify.Voice
	m.Body = "Your LedgerSync code is 482913. It expires in 5 minutes. <Press> & hold"
	id, err := c.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	calls := p.Calls()
	if len(calls) != 1 || calls[0].SID != id || !strings.HasPrefix(id, "CA") || calls[0].To != m.To || calls[0].From != fromNumber {
		t.Fatalf("calls %+v, Send returned %q", calls, id)
	}
	if len(p.Messages()) != 0 {
		t.Fatal("a call also sent a text")
	}
	doc := calls[0].Twiml
	if n := strings.Count(doc, "4, 8, 2, 9, 1, 3"); n != 2 {
		t.Errorf("the spaced code appears %d times in %s, want 2", n, doc)
	}
	if strings.Contains(doc, code) {
		t.Errorf("the code is read as one number in %s", doc)
	}
	if !strings.Contains(doc, "in 5 minutes") {
		t.Errorf("short numbers should stay numbers: %s", doc)
	}
	if !strings.Contains(doc, "&lt;Press&gt; &amp; hold") || !strings.Contains(doc, `<Pause length="2"/>`) {
		t.Errorf("the document does not escape the text or pause between readings: %s", doc)
	}
}

func TestTwilioErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		token    string
		fail     []notifytest.Failure
		status   int // of the ProviderError, 0 when the send succeeds
		code     int
		requests int
		waits    []time.Duration
		wants    string
	}{
		{name: "auth failure", token: "wrong-token", status: 401, code: 20003, requests: 1, wants: "check the provider's account SID and auth token"},
		{name: "400 with an error code", token: authToken,
			fail:   []notifytest.Failure{{Status: 400, Code: 21614, Message: "'To' number is not a valid mobile number"}},
			status: 400, code: 21614, requests: 1, wants: "error 21614: 'To' number is not a valid mobile number"},
		{name: "500 then success", token: authToken,
			fail:     []notifytest.Failure{{Status: 500}},
			requests: 2, waits: []time.Duration{500 * time.Millisecond}},
		{name: "backoff doubles", token: authToken,
			fail:     []notifytest.Failure{{Status: 503}, {Status: 502}},
			requests: 3, waits: []time.Duration{500 * time.Millisecond, time.Second}},
		{name: "429 exhausted", token: authToken,
			fail:   []notifytest.Failure{{Status: 429, RetryAfter: 3}, {Status: 429, RetryAfter: 60}, {Status: 429}},
			status: 429, code: 20429, requests: 3, waits: []time.Duration{3 * time.Second, 10 * time.Second}, wants: "gave up after 3 attempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, c, z := newProvider(t, tt.token)
			for _, f := range tt.fail {
				p.FailNext(1, f)
			}
			id, err := c.Send(context.Background(), smsMsg)
			if p.Requests() != tt.requests || !slices.Equal(z.waits(), tt.waits) {
				t.Errorf("%d requests with waits %v, want %d with %v", p.Requests(), z.waits(), tt.requests, tt.waits)
			}
			if tt.status == 0 {
				if err != nil || id == "" || len(p.Messages()) != 1 {
					t.Fatalf("Send = %q, %v with %d texts recorded; want success", id, err, len(p.Messages()))
				}
				return
			}
			var pe *notify.ProviderError
			if !errors.As(err, &pe) || pe.HTTPStatus != tt.status || pe.Code != tt.code {
				t.Fatalf("Send = %v, want a ProviderError with HTTP %d and code %d", err, tt.status, tt.code)
			}
			if pe.Temporary() != (tt.status == 429 || tt.status >= 500) {
				t.Errorf("Temporary() = %v for HTTP %d", pe.Temporary(), tt.status)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wants) || !strings.Contains(msg, smsMsg.To) {
				t.Errorf("error %q does not mention %q and the recipient", msg, tt.wants)
			}
			for _, secret := range []string{code, authToken, tt.token} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q contains %q", msg, secret)
				}
			}
			if len(p.Messages()) != 0 {
				t.Errorf("a text was recorded")
			}
		})
	}
}

func TestTwilioRetriesOnlyWhenNothingWasSent(t *testing.T) {
	t.Parallel()
	t.Run("connection refused is retried", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nobody listens there now
		z := &sleeps{}
		c, err := notify.NewTwilio(notify.TwilioConfig{BaseURL: "http://" + addr, AccountSID: accountSID, AuthToken: authToken, From: fromNumber, Sleep: z.sleep})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(context.Background(), smsMsg)
		if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") || len(z.waits()) != 2 {
			t.Fatalf("Send = %v after waits %v; want to give up after 3 attempts", err, z.waits())
		}
	})
	t.Run("a connection lost mid-request is not retried", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		hits := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits++
			mu.Unlock()
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close() // the provider may have acted on it
			}
		}))
		defer srv.Close()
		z := &sleeps{}
		c, err := notify.NewTwilio(notify.TwilioConfig{BaseURL: srv.URL, AccountSID: accountSID, AuthToken: authToken, From: fromNumber, Sleep: z.sleep})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Send(context.Background(), smsMsg); err == nil {
			t.Fatal("Send succeeded")
		}
		mu.Lock()
		defer mu.Unlock()
		if hits != 1 || len(z.waits()) != 0 {
			t.Fatalf("%d requests, waits %v; want 1 and none", hits, z.waits())
		}
	})
	t.Run("a cancelled wait stops", func(t *testing.T) {
		t.Parallel()
		p := notifytest.NewProvider(accountSID, authToken)
		p.FailNext(3, notifytest.Failure{Status: 500})
		srv := httptest.NewServer(p)
		defer srv.Close()
		c, err := notify.NewTwilio(notify.TwilioConfig{BaseURL: srv.URL, AccountSID: accountSID, AuthToken: authToken, From: fromNumber,
			Sleep: func(context.Context, time.Duration) error { return context.Canceled }})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(context.Background(), smsMsg)
		var pe *notify.ProviderError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &pe) || p.Requests() != 1 {
			t.Fatalf("Send = %v after %d requests; want the cancellation and the 500 after 1", err, p.Requests())
		}
	})
}

func TestTwilioRefusesWhatItCannotSend(t *testing.T) {
	t.Parallel()
	p, c, _ := newProvider(t, authToken)
	long := smsMsg
	long.Body = strings.Repeat("é", 1601)
	for _, tt := range []struct {
		name string
		m    notify.Message
		is   error
	}{
		{"email", notify.Message{Channel: notify.Email, To: "a@b.example", Subject: "s", Body: body, Purpose: "p"}, notify.ErrUnsupportedChannel},
		{"too long for a text", long, notify.ErrInvalidMessage},
		{"invalid number", notify.Message{Channel: notify.SMS, To: "+1555", Body: body, Purpose: "p"}, notify.ErrInvalidMessage},
	} {
		if _, err := c.Send(context.Background(), tt.m); !errors.Is(err, tt.is) {
			t.Errorf("%s: Send = %v, want %v", tt.name, err, tt.is)
		}
	}
	if p.Requests() != 0 {
		t.Fatalf("%d requests reached the provider", p.Requests())
	}
}

func TestNewTwilioChecksItsConfig(t *testing.T) {
	t.Parallel()
	ok := notify.TwilioConfig{AccountSID: accountSID, AuthToken: authToken, From: fromNumber}
	if _, err := notify.NewTwilio(ok); err != nil {
		t.Fatalf("the default base URL: %v", err)
	}
	for _, tt := range []struct {
		name  string
		edit  func(c *notify.TwilioConfig)
		wants string
	}{
		{"plain http to another host", func(c *notify.TwilioConfig) { c.BaseURL = "http://api.example.com" }, "plain http"},
		{"credentials in the URL", func(c *notify.TwilioConfig) { c.BaseURL = "https://u:p@api.example.com" }, "credentials"},
		{"not a URL", func(c *notify.TwilioConfig) { c.BaseURL = "api.example.com" }, "not an absolute URL"},
		{"no token", func(c *notify.TwilioConfig) { c.AuthToken = "" }, "auth token is empty"},
		{"no SID", func(c *notify.TwilioConfig) { c.AccountSID = "" }, "account SID is empty"},
		{"national from", func(c *notify.TwilioConfig) { c.From = "5005550006" }, "E.164"},
		{"too many attempts", func(c *notify.TwilioConfig) { c.MaxAttempts = 9 }, "max attempts"},
	} {
		c := ok
		tt.edit(&c)
		_, err := notify.NewTwilio(c)
		if err == nil || !strings.Contains(err.Error(), tt.wants) || strings.Contains(err.Error(), authToken) {
			t.Errorf("%s: NewTwilio = %v, want an error mentioning %q without the token", tt.name, err, tt.wants)
		}
	}
}
