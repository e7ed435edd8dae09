// Package notify owns delivering messages to people: one-time codes,
// activation codes and security notices, by text message (SMS), voice call
// or email. It does not decide what to send or when (the one-time PIN,
// enrolment and message-center code does), nor whether a phone may receive
// texts (the phone policy does); it only carries a Message to a recipient
// and reports the provider's id or an error.
//
// Backends are Senders: DevOutbox stores messages in the database for the
// demo and tests, SMTP sends email, Twilio sends texts and places calls
// through a Twilio-compatible REST API, and Router picks one per channel.
//
// Secrets: a Message's Body may hold a code. No error this package returns
// contains the Body, and text that comes back from a server (an SMTP reply,
// a provider's error message) is scrubbed of it before it is put into an
// error. The package does not log; a Message formats and logs (fmt, slog)
// without its Body, so a caller logging one cannot leak a code.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"regexp"
	"strings"
)

// Channel is how a message travels.
type Channel string

// The channels.
const (
	SMS   Channel = "sms"   // a text message to a mobile number
	Voice Channel = "voice" // a call that reads the message aloud
	Email Channel = "email" // an email
)

// Valid reports whether c is one of the channels.
func (c Channel) Valid() bool { return c == SMS || c == Voice || c == Email }

// MaxBodyBytes bounds a Body on every channel; the SMS and voice backends
// apply the provider's tighter limits.
const MaxBodyBytes = 64 << 10

// Message is one message to one recipient.
type Message struct {
	Channel Channel
	// To is an E.164 phone number (+15551234567) for SMS and Voice, a bare
	// email address (no display name) for Email.
	To string
	// Subject is the email's subject; ignored on the other channels.
	Subject string
	// Body is the text: plain text for email and SMS, the words to read out
	// for Voice (runs of four or more digits are spoken digit by digit).
	Body string
	// Purpose says why the message is sent ("login_code", "activation",
	// "security_notice", …), for the outbox, metrics and the caller's logs.
	Purpose string
	// Sensitive marks a Body that holds a secret such as a code: backends
	// scrub it, digit groups included, from any text a server sends back.
	Sensitive bool
}

// Sender delivers messages. Send returns the backend's id of the message
// (an outbox row id, an SMTP Message-ID, a provider's SID). An error never
// contains the Body.
type Sender interface {
	Send(ctx context.Context, m Message) (id string, err error)
}

var (
	// ErrInvalidMessage means a Message was refused before any delivery was
	// tried: unknown channel, malformed recipient, empty body, …
	ErrInvalidMessage = errors.New("invalid message")
	// ErrUnsupportedChannel means the backend (or the Router) has no way to
	// deliver on the message's channel.
	ErrUnsupportedChannel = errors.New("channel not supported by this sender")
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// Validate checks m without sending it. Its errors wrap ErrInvalidMessage and
// name the field at fault, never the Body.
func (m Message) Validate() error {
	var errs []error
	switch m.Channel {
	case SMS, Voice:
		if !e164.MatchString(m.To) {
			errs = append(errs, fmt.Errorf("recipient %q is not an E.164 phone number like +15551234567", m.To))
		}
	case Email:
		if err := validAddress(m.To); err != nil {
			errs = append(errs, fmt.Errorf("recipient %q: %w", m.To, err))
		}
		if strings.TrimSpace(m.Subject) == "" {
			errs = append(errs, errors.New("an email needs a subject"))
		}
		if strings.ContainsAny(m.Subject, "\r\n") {
			errs = append(errs, errors.New("the subject contains a line break"))
		}
	default:
		errs = append(errs, fmt.Errorf("channel %q is not sms, voice or email", m.Channel))
	}
	if strings.TrimSpace(m.Body) == "" {
		errs = append(errs, errors.New("the body is empty"))
	}
	if len(m.Body) > MaxBodyBytes {
		errs = append(errs, fmt.Errorf("the body is %d bytes, more than %d", len(m.Body), MaxBodyBytes))
	}
	if m.Purpose == "" {
		errs = append(errs, errors.New("the purpose is empty"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("notify: %w: %s", ErrInvalidMessage, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}

// validAddress accepts a bare address only: a display name or a line break
// in a recipient would let it inject headers or extra recipients.
func validAddress(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return errors.New("not a bare email address like alice@example.com")
	}
	return nil
}

// String describes m without its Body (fmt's %v, %s and %+v use it).
func (m Message) String() string {
	return fmt.Sprintf("%s to %s (%s, %d-byte body)", m.Channel, m.To, m.Purpose, len(m.Body))
}

// GoString is String, so that %#v does not print the Body either.
func (m Message) GoString() string { return "notify.Message{" + m.String() + "}" }

// LogValue lets slog log a Message without its Body.
func (m Message) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("channel", string(m.Channel)),
		slog.String("to", m.To),
		slog.String("purpose", m.Purpose),
		slog.Bool("sensitive", m.Sensitive),
		slog.Int("body_bytes", len(m.Body)),
	)
}

// redacted stands in for scrubbed text.
const redacted = "[redacted]"

// scrub removes from text, which came from a server, anything of m it might
// echo: the Body and any extra text sent with it (a TwiML document), and for
// a Sensitive message every token of the Body that holds a digit and is at
// least four characters long (a code), as written, without separators and
// spoken digit by digit.
func scrub(text string, m Message, extra ...string) string {
	if text == "" {
		return text
	}
	var secrets []string
	for _, s := range append([]string{m.Body}, extra...) {
		if strings.TrimSpace(s) != "" {
			secrets = append(secrets, s)
		}
	}
	if m.Sensitive {
		for _, tok := range codeTokens(m.Body) {
			secrets = append(secrets, tok, digitsOnly(tok), spokenDigits(tok), spokenDigits(digitsOnly(tok)))
		}
	}
	for _, s := range secrets {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, redacted)
		}
	}
	return text
}

// codeTokens returns the words of s (split at anything but letters, digits
// and dashes) that hold a digit and are at least four characters long.
func codeTokens(s string) []string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
	var out []string
	for _, w := range words {
		if len(w) >= 4 && strings.ContainsAny(w, "0123456789") {
			out = append(out, w)
		}
	}
	return out
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// spokenDigits rewrites every run of four or more digits in s as the digits
// separated by commas ("123456" becomes "1, 2, 3, 4, 5, 6"), which speech
// engines read one by one with a pause between them. Shorter numbers ("in 5
// minutes", "10 minutes") are left to be read as numbers.
func spokenDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		switch {
		case j-i >= 4:
			for k := i; k < j; k++ {
				if k > i {
					b.WriteString(", ")
				}
				b.WriteByte(s[k])
			}
			i = j
		case j > i:
			b.WriteString(s[i:j])
			i = j
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}
