package ofxconn

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
)

// maxQuoted bounds how much of a bank's status message an error quotes.
const maxQuoted = 300

// send posts req. An error means no OFX response came back: the bank being
// unreachable, failing (5xx, 429, a timeout) or answering with a page that
// is not OFX (a maintenance notice) is a *connector.DownError; a 4xx is our
// request refused, not retried into success.
func send(ctx context.Context, cl *directconnect.Client, req *ofx.Request) (*ofx.Response, error) {
	resp, err := cl.Do(ctx, req)
	if err == nil {
		return resp, nil
	}
	if ctx.Err() != nil {
		return nil, err // the caller gave up: not the bank's failure
	}
	var he *directconnect.HTTPError
	if errors.As(err, &he) && he.StatusCode >= 400 && he.StatusCode < 500 &&
		he.StatusCode != http.StatusTooManyRequests && he.StatusCode != http.StatusRequestTimeout {
		return nil, fmt.Errorf("the bank's OFX server refused the request: %w", err)
	}
	return nil, &connector.DownError{Err: err}
}

// statusError is the error of a signon status other than success, 3000 and
// 3001 at sign-in: the connector's sentinels where one fits.
func statusError(st ofx.Status, secrets []string) error {
	said := bankSays(st.Code, scrub(st.Message, secrets))
	switch st.Code {
	case ofx.StatusSignonInvalid:
		return fmt.Errorf("%w%s", connector.ErrInvalidCredentials, said)
	case ofx.StatusLockout:
		return fmt.Errorf("%w%s", connector.ErrLocked, said)
	case ofx.StatusMustChangePass:
		return fmt.Errorf("%w%s", connector.ErrPasswordChange, said)
	case ofx.StatusContactFI, ofx.StatusAuthTokenRequired, ofx.StatusAuthTokenInvalid:
		// The member's controls refuse us, the password expired, the
		// sign-in is disabled, or the bank wants a token only it can give:
		// another password would not help, a call to the bank does.
		return fmt.Errorf("%w%s", connector.ErrBlocked, said)
	case ofx.StatusClientUIDError:
		return fmt.Errorf("%w: the bank no longer lets this connection's program in%s", connector.ErrBlocked, said)
	case ofx.StatusMFARequired:
		return fmt.Errorf("%w: the bank asks for a second factor again at this sign-on (some banks do at every sign-on): refresh with a person present%s", connector.ErrPersonNeeded, said)
	case ofx.StatusGeneralError, ofx.StatusAccountInUse:
		return &connector.DownError{Err: fmt.Errorf("the bank's OFX server could not sign on%s", said)}
	}
	return fmt.Errorf("the bank refused the sign-on%s", said)
}

// transactionError is the error of a data transaction's status (a
// statement, an account list) other than success; what names what was
// asked ("the statement of Checking ending 6627").
func transactionError(what string, st ofx.Status, secrets []string) error {
	said := bankSays(st.Code, scrub(st.Message, secrets))
	switch st.Code {
	case ofx.StatusGeneralError:
		return &connector.DownError{Err: fmt.Errorf("the bank's OFX server could not send %s%s", what, said)}
	case ofx.StatusAccountNotFound:
		return fmt.Errorf("the bank does not know the account to send %s for: it may be closed, or no longer this sign-in's%s", what, said)
	case ofx.StatusMFARequired:
		return statusError(st, secrets)
	}
	return fmt.Errorf("the bank refused to send %s%s", what, said)
}

// bankSays is the bank's status, quoted for an error: " (OFX status 15500:
// The user ID or password is not right.)".
func bankSays(code int, message string) string {
	message = strings.Join(strings.Fields(message), " ")
	if utf8.RuneCountInString(message) > maxQuoted {
		message = string([]rune(message)[:maxQuoted]) + "…"
	}
	if message == "" {
		return fmt.Sprintf(" (OFX status %d)", code)
	}
	return fmt.Sprintf(" (OFX status %d: %s)", code, message)
}

// secretsOf lists what must never reach an error: the credentials, the
// bank's cookie and the person's answers.
func secretsOf(l connector.Login, d device, answers []ofx.MFAAnswer) []string {
	out := []string{l.Credentials.Password, l.Credentials.Username, d.SessCookie}
	for _, a := range answers {
		if !ofx.MFAPhraseMachine(a.PhraseID) {
			out = append(out, a.Answer)
		}
	}
	return out
}

// minScrubbed is the shortest secret scrub removes: shorter ones would
// blank out letters of the bank's words, and no password, answer or code
// is that short.
const minScrubbed = 3

// scrub removes the secrets from text the bank sent, should it repeat
// them.
func scrub(text string, secrets []string) string {
	for _, s := range secrets {
		if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= minScrubbed {
			text = strings.ReplaceAll(text, s, "[redacted]")
		}
	}
	return strings.TrimSpace(text)
}
