// Package notifytest provides test doubles for notify's backends: Provider,
// a fake Twilio-compatible SMS and voice API to serve with httptest;
// SMTPServer, an in-process SMTP server that records what it accepts; and
// Recorder, an in-memory notify.Sender for tests of the code that sends.
package notifytest

import (
	"crypto/subtle"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// ProviderMessage is a text the Provider accepted.
type ProviderMessage struct {
	SID, To, From, Body string
}

// ProviderCall is a call the Provider accepted; Twiml is the document to
// be spoken.
type ProviderCall struct {
	SID, To, From, Twiml string
}

// Failure is an error answer the Provider gives instead of serving.
type Failure struct {
	Status int // 400, 429, 500, 503, …
	// Code and Message default by status: 21211 for 400, 20429 for 429,
	// 20500 for 5xx, 20001 otherwise.
	Code    int
	Message string
	// RetryAfter, in seconds, is sent as a Retry-After header when > 0.
	RetryAfter int
}

// Provider is a fake of the provider's REST API, an http.Handler for
// httptest.NewServer. It checks HTTP basic auth against its account SID and
// auth token and that the path names that account, validates the form
// fields like the real API (To and From E.164, a Body, a Twiml document that
// parses as XML), records what it accepts, and answers with the provider's
// JSON: {"sid": …} on success, {"code", "message", "more_info", "status"} on
// failure. FailNext makes it fail the next requests on purpose.
type Provider struct {
	sid, token string
	mux        *http.ServeMux

	mu       sync.Mutex
	requests int
	seq      int
	failures []Failure
	messages []ProviderMessage
	calls    []ProviderCall
}

// NewProvider returns a fake provider accepting accountSID and authToken.
func NewProvider(accountSID, authToken string) *Provider {
	p := &Provider{sid: accountSID, token: authToken, mux: http.NewServeMux()}
	p.mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", p.serveMessage)
	p.mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Calls.json", p.serveCall)
	p.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, Failure{Status: http.StatusNotFound, Code: 20404, Message: "The requested resource " + r.URL.Path + " was not found"})
	})
	return p
}

// ServeHTTP counts the request and routes it.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.requests++
	p.mu.Unlock()
	p.mux.ServeHTTP(w, r)
}

// FailNext makes the next n authenticated requests fail with f.
func (p *Provider) FailNext(n int, f Failure) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for range n {
		p.failures = append(p.failures, f)
	}
}

// Requests returns how many requests the Provider has received.
func (p *Provider) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// Messages returns the texts accepted so far, oldest first.
func (p *Provider) Messages() []ProviderMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]ProviderMessage(nil), p.messages...)
}

// Calls returns the calls accepted so far, oldest first.
func (p *Provider) Calls() []ProviderCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]ProviderCall(nil), p.calls...)
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// admit checks auth, the account in the path and the form, and consumes a
// queued failure; it writes the error answer and returns false on any.
func (p *Provider) admit(w http.ResponseWriter, r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(p.sid)) != 1 || subtle.ConstantTimeCompare([]byte(pass), []byte(p.token)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, Failure{Status: http.StatusUnauthorized, Code: 20003, Message: "Authenticate"})
		return false
	}
	if r.PathValue("sid") != p.sid {
		writeError(w, Failure{Status: http.StatusNotFound, Code: 20404, Message: "The requested resource " + r.URL.Path + " was not found"})
		return false
	}
	p.mu.Lock()
	var f *Failure
	if len(p.failures) > 0 {
		f = &p.failures[0]
		p.failures = p.failures[1:]
	}
	p.mu.Unlock()
	if f != nil {
		writeError(w, *f)
		return false
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		writeError(w, Failure{Status: http.StatusBadRequest, Code: 20001, Message: "Unsupported content type " + ct})
		return false
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, Failure{Status: http.StatusBadRequest, Code: 20001, Message: "The request body is not a form"})
		return false
	}
	if to := r.PostForm.Get("To"); !e164.MatchString(to) {
		writeError(w, Failure{Status: http.StatusBadRequest, Code: 21211, Message: fmt.Sprintf("The 'To' number %s is not a valid phone number.", to)})
		return false
	}
	if from := r.PostForm.Get("From"); !e164.MatchString(from) {
		writeError(w, Failure{Status: http.StatusBadRequest, Code: 21212, Message: fmt.Sprintf("The 'From' number %s is not a valid phone number.", from)})
		return false
	}
	return true
}

func (p *Provider) serveMessage(w http.ResponseWriter, r *http.Request) {
	if !p.admit(w, r) {
		return
	}
	m := ProviderMessage{To: r.PostForm.Get("To"), From: r.PostForm.Get("From"), Body: r.PostForm.Get("Body")}
	if m.Body == "" {
		writeError(w, Failure{Status: http.StatusBadRequest, Code: 21602, Message: "Message body is required."})
		return
	}
	p.mu.Lock()
	p.seq++
	m.SID = fmt.Sprintf("SM%032x", p.seq)
	p.messages = append(p.messages, m)
	p.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"sid": m.SID, "account_sid": p.sid, "to": m.To, "from": m.From, "body": m.Body, "status": "queued",
	})
}

func (p *Provider) serveCall(w http.ResponseWriter, r *http.Request) {
	if !p.admit(w, r) {
		return
	}
	c := ProviderCall{To: r.PostForm.Get("To"), From: r.PostForm.Get("From"), Twiml: r.PostForm.Get("Twiml")}
	if c.Twiml == "" {
		writeError(w, Failure{Status: http.StatusBadRequest, Code: 21205, Message: "Url or Twiml parameter is required."})
		return
	}
	if err := wellFormed(c.Twiml); err != nil {
		writeError(w, Failure{Status: http.StatusBadRequest, Code: 12100, Message: "Document parse failure: " + err.Error()})
		return
	}
	p.mu.Lock()
	p.seq++
	c.SID = fmt.Sprintf("CA%032x", p.seq)
	p.calls = append(p.calls, c)
	p.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"sid": c.SID, "account_sid": p.sid, "to": c.To, "from": c.From, "status": "queued",
	})
}

// wellFormed reports whether doc is one well-formed XML <Response> element.
func wellFormed(doc string) error {
	d := xml.NewDecoder(strings.NewReader(doc))
	root := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "Response" {
		return fmt.Errorf("the root element is %q, not Response", root)
	}
	return nil
}

func writeError(w http.ResponseWriter, f Failure) {
	if f.Code == 0 {
		switch {
		case f.Status == http.StatusBadRequest:
			f.Code = 21211
		case f.Status == http.StatusTooManyRequests:
			f.Code = 20429
		case f.Status >= 500:
			f.Code = 20500
		default:
			f.Code = 20001
		}
	}
	if f.Message == "" {
		f.Message = http.StatusText(f.Status)
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(f.RetryAfter))
	}
	writeJSON(w, f.Status, map[string]any{
		"code": f.Code, "message": f.Message, "status": f.Status,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", f.Code),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
