package notify_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/notify"
)

// code is the secret the tests send; body carries it.
const (
	code = "482913"
	body = "Your LedgerSync code is 482913. It expires in 5 minutes."
)

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := notify.Message{Channel: notify.SMS, To: "+15551234567", Body: body, Purpose: "login_code", Sensitive: true}
	email := notify.Message{Channel: notify.Email, To: "alice@example.com", Subject: "Your code", Body: body, Purpose: "login_code"}
	tests := []struct {
		name  string
		edit  func(m *notify.Message)
		base  notify.Message
		wants string // "" means valid; else a fragment of the error
	}{
		{"sms", func(*notify.Message) {}, ok, ""},
		{"voice", func(m *notify.Message) { m.Channel = notify.Voice }, ok, ""},
		{"email", func(*notify.Message) {}, email, ""},
		{"unknown channel", func(m *notify.Message) { m.Channel = "fax" }, ok, `channel "fax"`},
		{"national number", func(m *notify.Message) { m.To = "5551234567" }, ok, "E.164"},
		{"number with spaces", func(m *notify.Message) { m.To = "+1 555 123 4567" }, ok, "E.164"},
		{"email to a phone", func(m *notify.Message) { m.To = "+15551234567" }, email, "email address"},
		{"display name", func(m *notify.Message) { m.To = "Alice <alice@example.com>" }, email, "bare email address"},
		{"header injection", func(m *notify.Message) { m.To = "alice@example.com\r\nBcc: eve@example.com" }, email, "bare email address"},
		{"no subject", func(m *notify.Message) { m.Subject = " " }, email, "subject"},
		{"subject line break", func(m *notify.Message) { m.Subject = "Hi\r\nBcc: eve@example.com" }, email, "line break"},
		{"empty body", func(m *notify.Message) { m.Body = "  " }, ok, "body is empty"},
		{"huge body", func(m *notify.Message) { m.Body = strings.Repeat("x", notify.MaxBodyBytes+1) }, ok, "more than"},
		{"no purpose", func(m *notify.Message) { m.Purpose = "" }, ok, "purpose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := tt.base
			tt.edit(&m)
			err := m.Validate()
			if tt.wants == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, notify.ErrInvalidMessage) || !strings.Contains(err.Error(), tt.wants) {
				t.Fatalf("Validate() = %v, want ErrInvalidMessage mentioning %q", err, tt.wants)
			}
			if strings.Contains(err.Error(), code) {
				t.Fatalf("Validate() error %q contains the code", err)
			}
		})
	}
}

func TestMessageFormatsWithoutItsBody(t *testing.T) {
	t.Parallel()
	m := notify.Message{Channel: notify.SMS, To: "+15551234567", Body: body, Purpose: "login_code", Sensitive: true}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("sent", "message", m)
	for _, s := range []string{
		fmt.Sprint(m), fmt.Sprintf("%v", m), fmt.Sprintf("%+v", m), fmt.Sprintf("%#v", m), fmt.Sprintf("%s", m),
		fmt.Sprintf("%v", &m), logged.String(),
	} {
		if strings.Contains(s, code) {
			t.Errorf("%q shows the code", s)
		}
		if !strings.Contains(s, "+15551234567") {
			t.Errorf("%q does not name the recipient", s)
		}
	}
	if !strings.Contains(logged.String(), `"purpose":"login_code"`) {
		t.Errorf("the log line %s lacks the purpose", logged.String())
	}
}
