package instapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/connector"
)

// maxResponse bounds what the bank can make us read in one response: far
// above a year of transactions or a statement PDF.
const maxResponse = 32 << 20

// response is what the bank answered.
type response struct {
	status int
	header http.Header
	body   []byte
}

// send makes one request to the bank: body, when not nil, as JSON; token,
// when not empty, as the bearer token. A network failure or a 5xx is a
// *connector.DownError; any other status is the caller's to read.
//
// Errors never hold the request's URL (a challenge id is in it) nor its
// body (a password, an answer).
func (c *Connector) send(ctx context.Context, method string, u *url.URL, token string, body any) (*response, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode the request: %w", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("build the request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.userAgent)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			// We gave up, not the bank.
			return nil, fmt.Errorf("%s %s: %w", method, routeOf(u), ctx.Err())
		}
		return nil, &connector.DownError{Err: fmt.Errorf("%s %s: %w", method, routeOf(u), transportError(err))}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponse+1))
	if err != nil {
		return nil, &connector.DownError{Err: fmt.Errorf("%s %s: reading the answer: %w", method, routeOf(u), transportError(err))}
	}
	if len(raw) > maxResponse {
		return nil, fmt.Errorf("%s %s: the bank's answer is larger than %d MiB", method, routeOf(u), maxResponse>>20)
	}
	out := &response{status: res.StatusCode, header: res.Header, body: raw}
	if out.status >= 500 {
		return nil, &connector.DownError{Err: fmt.Errorf("%s %s: %s", method, routeOf(u), out.describe())}
	}
	if out.status == http.StatusTooManyRequests {
		return nil, &connector.DownError{Err: fmt.Errorf("%s %s: the bank asks us to slow down: %s", method, routeOf(u), out.describe())}
	}
	return out, nil
}

// transportError is err without the *url.Error around it, which would
// print the URL.
func transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// routeOf names a request's route for an error without the ids in it (a
// challenge id lets anyone answer that challenge): "/challenges/{id}".
func routeOf(u *url.URL) string {
	p := u.Path
	if i := strings.Index(p, "/challenges/"); i >= 0 {
		return p[:i] + "/challenges/{id}"
	}
	return p
}

// bankError is the API's error body. Only its code and message are ever
// quoted: the API promises they hold no secret.
type bankError struct {
	Code         string `json:"error"`
	Message      string `json:"message"`
	AttemptsLeft *int   `json:"attempts_left"`
	Method       string `json:"method"`
}

// bankError reads the error body, when the answer is the API's JSON.
func (r *response) bankError() bankError {
	var e bankError
	if strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(r.body, &e) // not the API's error: the status says enough
	}
	e.Code, e.Message = printable(e.Code, 64), printable(e.Message, 400)
	return e
}

// describe says what the bank answered, for an error: the status and the
// API's error code and message, never the rest of the body.
func (r *response) describe() string {
	e := r.bankError()
	s := fmt.Sprintf("the bank answered %d %s", r.status, http.StatusText(r.status))
	switch {
	case e.Code != "" && e.Message != "":
		s += fmt.Sprintf(" (%s): %s", e.Code, e.Message)
	case e.Code != "":
		s += fmt.Sprintf(" (%s)", e.Code)
	case e.Message != "":
		s += ": " + e.Message
	}
	return s
}

// says is the bank's message for a person, or its code when it gave none.
func (e bankError) says() string {
	switch {
	case e.Message != "":
		return "the bank says: " + e.Message
	case e.Code != "":
		return "the bank says: " + e.Code
	}
	return "the bank gave no reason"
}

// printable keeps s to one line of printable characters, at most n runes:
// it is quoted in errors and logs.
func printable(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if n == 0 {
			b.WriteString("…")
			break
		}
		if !unicode.IsPrint(r) {
			r = ' '
		}
		b.WriteRune(r)
		n--
	}
	return strings.TrimSpace(b.String())
}

// decodeJSON reads a successful answer's JSON into v.
func (r *response) decodeJSON(v any) error {
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("the bank answered %d with %q, not JSON", r.status, ct)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("the bank's answer (%d) is not the JSON the API documents: %w", r.status, err)
	}
	return nil
}
