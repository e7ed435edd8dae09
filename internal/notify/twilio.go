package notify

import (
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TwilioConfig configures the SMS and voice Sender.
type TwilioConfig struct {
	// BaseURL is the API's root; empty means https://api.twilio.com. Plain
	// http is accepted only for a loopback host (a test server): the auth
	// token travels in every request.
	BaseURL    string
	AccountSID string
	AuthToken  string
	// From is the E.164 number texts and calls come from.
	From string
	// HTTPClient makes the requests; nil means a new http.Client. Redirects
	// are never followed, whatever the client says.
	HTTPClient *http.Client
	// Timeout bounds one attempt; zero means 10 seconds.
	Timeout time.Duration
	// MaxAttempts is how many times a request that met 429 or 5xx is tried
	// in all, 1 to 3; zero means 3.
	MaxAttempts int
	// Sleep waits between attempts, returning early with ctx's error; nil
	// means a timer. Tests pass one that records the waits and returns.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Limits of the provider's API.
const (
	maxSMSChars   = 1600
	maxTwiMLChars = 4000
	firstBackoff  = 500 * time.Millisecond
	maxRetryWait  = 10 * time.Second
	maxReplyBytes = 64 << 10
)

// Twilio sends texts and places voice calls through a Twilio-compatible
// REST API: POST …/2010-04-01/Accounts/{sid}/Messages.json with To, From and
// Body for SMS, and …/Calls.json with To, From and Twiml for Voice, whose
// document reads the Body twice with long numbers spoken digit by digit.
// Requests use HTTP basic auth with the account SID and auth token; 429 and
// 5xx answers are retried with exponential backoff (honouring Retry-After).
type Twilio struct {
	base        string
	sid, token  string
	from        string
	client      *http.Client
	timeout     time.Duration
	maxAttempts int
	sleep       func(ctx context.Context, d time.Duration) error
}

// NewTwilio checks cfg and returns the SMS and voice Sender. Its errors never
// contain the auth token.
func NewTwilio(cfg TwilioConfig) (*Twilio, error) {
	base := strings.TrimRight(cmp.Or(cfg.BaseURL, "https://api.twilio.com"), "/")
	u, err := url.Parse(base)
	switch {
	case err != nil || u.Host == "":
		return nil, fmt.Errorf("notify: provider: base URL %q is not an absolute URL", base)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("notify: provider: base URL %q is plain http; use https (http is for a test server on this machine only)", base)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("notify: provider: base URL %q is not http(s)", base)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New("notify: provider: the base URL may not hold credentials, a query or a fragment")
	}
	var errs []error
	if cfg.AccountSID == "" {
		errs = append(errs, errors.New("the account SID is empty"))
	}
	if cfg.AuthToken == "" {
		errs = append(errs, errors.New("the auth token is empty"))
	}
	if !e164.MatchString(cfg.From) {
		errs = append(errs, fmt.Errorf("the sending number %q is not an E.164 number like +15551234567", cfg.From))
	}
	if cfg.MaxAttempts < 0 || cfg.MaxAttempts > 3 {
		errs = append(errs, fmt.Errorf("max attempts %d is not between 1 and 3", cfg.MaxAttempts))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("notify: provider: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	client := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		client = &c
	}
	// A redirect would resend the credentials (and the code) somewhere else.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	t := &Twilio{
		base:        base,
		sid:         cfg.AccountSID,
		token:       cfg.AuthToken,
		from:        cfg.From,
		client:      client,
		timeout:     cmp.Or(cfg.Timeout, 10*time.Second),
		maxAttempts: cmp.Or(cfg.MaxAttempts, 3),
		sleep:       cfg.Sleep,
	}
	if t.sleep == nil {
		t.sleep = sleep
	}
	return t, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ProviderError is the provider's refusal: its HTTP status and, when it sent
// one, its error code and message (scrubbed of the message's Body).
type ProviderError struct {
	HTTPStatus int
	// Code is the provider's error code (Twilio: 20003 authentication,
	// 21211 invalid To, 21614 not a mobile number, 20429 too many
	// requests), or 0 when the answer held none.
	Code     int
	Message  string
	MoreInfo string
}

func (e *ProviderError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the provider answered HTTP %d", e.HTTPStatus)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", error %d", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.MoreInfo != "" {
		b.WriteString(" (" + e.MoreInfo + ")")
	}
	if e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden {
		b.WriteString("; check the provider's account SID and auth token")
	}
	return b.String()
}

// Temporary reports whether trying again later may succeed (429 or 5xx).
func (e *ProviderError) Temporary() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus >= 500
}

// Send texts (SMS) or calls (Voice) m.To; the id is the provider's SID of
// the message or call.
func (t *Twilio) Send(ctx context.Context, m Message) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	form := url.Values{"To": {m.To}, "From": {t.from}}
	var resource, what string
	var extra []string
	switch m.Channel {
	case SMS:
		if n := utf8.RuneCountInString(m.Body); n > maxSMSChars {
			return "", fmt.Errorf("notify: provider: text to %s: %w: the body is %d characters, more than %d", m.To, ErrInvalidMessage, n, maxSMSChars)
		}
		form.Set("Body", m.Body)
		resource, what = "Messages.json", "text"
	case Voice:
		doc := twiml(m.Body)
		if n := utf8.RuneCountInString(doc); n > maxTwiMLChars {
			return "", fmt.Errorf("notify: provider: call to %s: %w: the spoken document is %d characters, more than %d", m.To, ErrInvalidMessage, n, maxTwiMLChars)
		}
		form.Set("Twiml", doc)
		resource, what, extra = "Calls.json", "call", []string{doc}
	default:
		return "", fmt.Errorf("notify: provider: %w: %s", ErrUnsupportedChannel, m.Channel)
	}
	endpoint := t.base + "/2010-04-01/Accounts/" + url.PathEscape(t.sid) + "/" + resource
	sid, err := t.post(ctx, endpoint, form, m, extra)
	if err != nil {
		return "", fmt.Errorf("notify: provider: %s to %s: %w", what, m.To, err)
	}
	return sid, nil
}

// post tries the request up to maxAttempts times while the answer is 429 or
// 5xx or the connection could not be made (nothing was sent, so nothing can
// be sent twice). Other transport errors are not retried: the provider may
// have acted on the request.
func (t *Twilio) post(ctx context.Context, endpoint string, form url.Values, m Message, extra []string) (string, error) {
	var lastErr error
	wait := firstBackoff
	for attempt := 1; ; attempt++ {
		sid, retryAfter, err := t.attempt(ctx, endpoint, form, m, extra)
		if err == nil {
			return sid, nil
		}
		lastErr = err
		if !retryable(err) || ctx.Err() != nil {
			return "", err
		}
		if attempt >= t.maxAttempts {
			return "", fmt.Errorf("gave up after %d attempts: %w", attempt, lastErr)
		}
		d := min(max(wait, retryAfter), maxRetryWait)
		if err := t.sleep(ctx, d); err != nil {
			return "", fmt.Errorf("%w while waiting to retry after %d attempts: %w", err, attempt, lastErr)
		}
		wait *= 2
	}
}

func retryable(err error) bool {
	var pe *ProviderError
	if errors.As(err, &pe) {
		return pe.Temporary()
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func (t *Twilio) attempt(ctx context.Context, endpoint string, form url.Values, m Message, extra []string) (sid string, retryAfter time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("build the request: %w", err)
	}
	req.SetBasicAuth(t.sid, t.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "ledgersync-notify")
	resp, err := t.client.Do(req)
	if err != nil {
		return "", 0, err // a *url.Error: method, URL and cause, never the form
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
	if err != nil {
		return "", 0, fmt.Errorf("read the answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		var ok struct {
			SID string `json:"sid"`
		}
		if err := json.Unmarshal(raw, &ok); err != nil || ok.SID == "" {
			return "", 0, fmt.Errorf("the provider answered HTTP %d without a sid", resp.StatusCode)
		}
		return ok.SID, 0, nil
	}
	pe := &ProviderError{HTTPStatus: resp.StatusCode}
	var body struct {
		Code     int    `json:"code"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
	}
	if json.Unmarshal(raw, &body) == nil {
		pe.Code = body.Code
		pe.Message = scrub(truncate(body.Message, 300), m, extra...)
		pe.MoreInfo = scrub(truncate(body.MoreInfo, 200), m, extra...)
	}
	if pe.Message == "" {
		pe.Message = http.StatusText(resp.StatusCode)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		retryAfter = time.Duration(s) * time.Second
	}
	return "", retryAfter, pe
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// twiml is the voice document for body: a second's pause for the phone to
// reach an ear, the body with long numbers spoken digit by digit, a pause,
// and the body again.
func twiml(body string) string {
	spoken := spokenDigits(strings.Join(strings.Fields(body), " "))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="1"/><Say>`)
	_ = xml.EscapeText(&b, []byte(spoken))
	b.WriteString(`</Say><Pause length="2"/><Say>I repeat. `)
	_ = xml.EscapeText(&b, []byte(spoken))
	b.WriteString(`</Say></Response>`)
	return b.String()
}
