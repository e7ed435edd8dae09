package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/store"
)

// apiError is a refusal a client can act on: its status, a stable code
// and words for a person. Nothing in it ever holds a secret.
type apiError struct {
	Status  int
	Code    string
	Message string
	Fields  []fieldProblem // invalid_parameter, invalid_answer: which fields, and why
	Refresh *refreshView   // refresh_in_progress: the refresh in flight
	Firms   []firmView     // firm_required: the firms to choose from
	Err     error          // the cause, for errors.Is and the log; never shown
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Err }

// fieldProblem is one refused field of a request.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// errorBody is every error's JSON.
type errorBody struct {
	Error   string         `json:"error"`
	Message string         `json:"message"`
	Field   string         `json:"field,omitempty"` // the first of Fields
	Fields  []fieldProblem `json:"fields,omitempty"`
	Refresh *refreshView   `json:"refresh,omitempty"`
	Firms   []firmView     `json:"firms,omitempty"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ledgersync"`)
	}
	body := errorBody{Error: e.Code, Message: e.Message, Fields: e.Fields, Refresh: e.Refresh, Firms: e.Firms}
	if len(e.Fields) > 0 {
		body.Field = e.Fields[0].Field
	}
	writeJSON(w, e.Status, body)
}

// writeJSON writes v as the response's JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing to do
}

// refusal maps an error of the domain to what the client is told, or nil
// for an error that is ours (a 500).
func refusal(err error) *apiError {
	if ae, ok := errors.AsType[*apiError](err); ok {
		return ae
	}
	if fes := fieldErrors(err); len(fes) > 0 {
		problems := make([]fieldProblem, len(fes))
		for i, fe := range fes {
			problems[i] = fieldProblem{Field: fe.Field, Message: fe.Message}
		}
		return invalidFields(problems...)
	}
	if ae, ok := errors.AsType[*refresh.AnswerError](err); ok {
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_answer", Message: ae.Field + ": " + sentence(ae.Problem),
			Fields: []fieldProblem{{Field: ae.Field, Message: sentence(ae.Problem)}}, Err: err}
	}
	switch {
	case errors.Is(err, refresh.ErrChallengeExpired):
		return &apiError{Status: http.StatusGone, Code: "expired", Message: sentence(refresh.ErrChallengeExpired.Error()), Err: err}
	case errors.Is(err, refresh.ErrChallengeClosed):
		return &apiError{Status: http.StatusConflict, Code: "challenge_closed", Message: sentence(refresh.ErrChallengeClosed.Error()), Err: err}
	case errors.Is(err, refresh.ErrConfirmLastAttempt):
		return &apiError{Status: http.StatusPreconditionRequired, Code: "confirm_last_attempt_required",
			Message: sentence(refresh.ErrConfirmLastAttempt.Error()) + " Send the answer again with \"confirm_last_attempt\": true.", Err: err}
	case errors.Is(err, refresh.ErrInProgress):
		return &apiError{Status: http.StatusConflict, Code: "refresh_in_progress", Message: sentence(refresh.ErrInProgress.Error()), Err: err}
	case errors.Is(err, store.ErrNotFound):
		return notFound("")
	}
	return nil
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	s = string(r)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// fieldErrors collects every *firm.FieldError in err's tree: the domain
// reports all the problems of a request at once.
func fieldErrors(err error) []*firm.FieldError {
	var out []*firm.FieldError
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case *firm.FieldError:
			out = append(out, x)
		case interface{ Unwrap() []error }:
			for _, c := range x.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// The refusals several handlers share.

func notFound(msg string) *apiError {
	if msg == "" {
		msg = "There is nothing here, or it belongs to another firm."
	}
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

// invalidFields refuses a request for what is wrong with its fields.
func invalidFields(problems ...fieldProblem) *apiError {
	parts := make([]string, len(problems))
	for i, p := range problems {
		parts[i] = p.Field + ": " + strings.TrimSuffix(p.Message, ".")
	}
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_parameter", Message: strings.Join(parts, "; ") + ".", Fields: problems}
}

func invalidParameter(name, msg string) *apiError {
	return invalidFields(fieldProblem{Field: name, Message: msg})
}

func unauthenticated(msg string, cause error) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: msg, Err: cause}
}

// pathID reads a numeric id from the path; anything else names nothing.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("")
	}
	return id, nil
}

// queryID reads an optional numeric id from the query string; 0 when it is
// absent.
func queryID(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, invalidParameter(name, "must be the id of one of the firm's records, a positive whole number")
	}
	return id, nil
}

// decode reads the request's JSON object into v, refusing fields v does not
// have. An empty body is an empty object. No refusal quotes a value: a
// request may hold a password.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if tooBig, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "invalid_request",
			Message: fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit)}
	}
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: "The request body could not be read.", Err: err}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "invalid_request", Message: "Send the body as application/json."}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonRefusal(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: "The request body must be one JSON object, with nothing after it."}
	}
	return nil
}

// jsonRefusal explains a body encoding/json refused, naming the field. The
// decoder's own messages are not shown: they are Go's words, not the API's.
func jsonRefusal(err error) error {
	if typ, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if typ.Field == "" {
			return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: "The request body must be a JSON object."}
		}
		return invalidParameter(typ.Field, "must be "+jsonKind(typ.Type))
	}
	if syn, ok := errors.AsType[*json.SyntaxError](err); ok {
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_request",
			Message: fmt.Sprintf("The request body is not valid JSON (at byte %d).", syn.Offset)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if name, err := strconv.Unquote(name); err == nil && len(name) <= 64 && strings.IndexFunc(name, unicode.IsControl) < 0 {
			return invalidParameter(name, "is not a field of this request; see /api/v1/openapi.json")
		}
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_parameter", Message: "The request body has a field this request does not take; see /api/v1/openapi.json."}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: "The request body is not valid JSON: it ends too soon."}
	}
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: "The request body is not a JSON object this request takes.", Err: err}
}

// jsonKind says in words what JSON a Go type takes.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonKind(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Map:
		return "an object of " + strings.TrimPrefix(jsonKind(t.Elem()), "a ") + " values"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct:
		return "an object"
	}
	return "another type"
}

// securityHeaders sets the headers every response carries: nothing is
// cached (balances, tokens), nothing is sniffed or framed.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
