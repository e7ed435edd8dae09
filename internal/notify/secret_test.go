package notify_test

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/notify/notifytest"
)

// TestErrorsNeverContainTheBody makes every backend fail, including servers
// that echo what they were sent in their error replies, and checks that no
// error string holds the Body, the code, or the code as spoken.
func TestErrorsNeverContainTheBody(t *testing.T) {
	t.Parallel()
	spoken := "4, 8, 2, 9, 1, 3"
	sms := notify.Message{Channel: notify.SMS, To: "+15551234567", Body: body, Purpose: "login_code", Sensitive: true}
	call := sms
	call.Channel = notify.Voice
	email := notify.Message{Channel: notify.Email, To: "alice@example.com", Subject: "Your code", Body: body, Purpose: "login_code", Sensitive: true}
	notSensitive := sms
	notSensitive.Sensitive = false

	provider := func(t *testing.T, f notifytest.Failure, n int) notify.Sender {
		p := notifytest.NewProvider(accountSID, authToken)
		p.FailNext(n, f)
		srv := httptest.NewServer(p)
		t.Cleanup(srv.Close)
		c, err := notify.NewTwilio(notify.TwilioConfig{BaseURL: srv.URL, AccountSID: accountSID, AuthToken: authToken, From: fromNumber,
			Sleep: (&sleeps{}).sleep})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	mailer := func(t *testing.T, opts notifytest.SMTPOptions) notify.Sender {
		srv := notifytest.StartSMTP(t, opts)
		return newSMTP(t, smtpURL("smtp", "", srv.Addr, "from=no-reply@bank.example"), "", srv)
	}
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}()

	tests := []struct {
		name   string
		sender func(t *testing.T) notify.Sender
		m      notify.Message
	}{
		{"provider echoes the body", func(t *testing.T) notify.Sender {
			return provider(t, notifytest.Failure{Status: 400, Code: 21617, Message: "Body too long: " + body}, 1)
		}, sms},
		{"provider echoes the code", func(t *testing.T) notify.Sender {
			return provider(t, notifytest.Failure{Status: 400, Code: 30007, Message: "Carrier filtered a message with the code " + code}, 1)
		}, sms},
		{"provider echoes the body of a message that is not sensitive", func(t *testing.T) notify.Sender {
			return provider(t, notifytest.Failure{Status: 400, Message: "Rejected: " + body}, 1)
		}, notSensitive},
		{"provider echoes the spoken code", func(t *testing.T) notify.Sender {
			return provider(t, notifytest.Failure{Status: 400, Code: 12100, Message: "Document parse failure near '" + spoken + "'"}, 1)
		}, call},
		{"provider keeps failing and echoes the code", func(t *testing.T) notify.Sender {
			return provider(t, notifytest.Failure{Status: 503, Message: "queue full for code " + code}, 3)
		}, sms},
		{"provider unreachable", func(t *testing.T) notify.Sender {
			c, err := notify.NewTwilio(notify.TwilioConfig{BaseURL: "http://" + refused, AccountSID: accountSID, AuthToken: authToken, From: fromNumber,
				Sleep: (&sleeps{}).sleep})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}, call},
		{"smtp server echoes the code refusing the recipient", func(t *testing.T) notify.Sender {
			return mailer(t, notifytest.SMTPOptions{RejectRcpt: func(string) string { return "mailbox full, last message " + code }})
		}, email},
		{"smtp server echoes the message refusing it", func(t *testing.T) notify.Sender {
			return mailer(t, notifytest.SMTPOptions{RejectData: func(data []byte) string {
				for _, line := range strings.Split(string(data), "\r\n") {
					if strings.Contains(line, code) {
						return "content refused: " + line
					}
				}
				return "content refused"
			}})
		}, email},
		{"smtp server unreachable", func(t *testing.T) notify.Sender {
			s, err := notify.NewSMTP(notify.SMTPConfig{URL: smtpURL("smtp", "", refused, "from=no-reply@bank.example")})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}, email},
		{"router without a backend", func(t *testing.T) notify.Sender { return notify.Router{} }, sms},
		{"invalid recipient", func(t *testing.T) notify.Sender { return notify.Router{SMS: &notifytest.Recorder{}} },
			notify.Message{Channel: notify.SMS, To: "0800 123", Body: body, Purpose: "login_code", Sensitive: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.sender(t).Send(context.Background(), tt.m)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			for _, secret := range []string{body, code, spoken} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("the error %q contains %q", err, secret)
				}
			}
		})
	}
}
