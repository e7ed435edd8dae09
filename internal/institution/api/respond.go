package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// apiError is a refusal a client can act on: its status, a stable code
// and words for a person. Message never holds a secret.
type apiError struct {
	Status       int
	Code         string
	Message      string
	AttemptsLeft *int   // invalid_credentials: wrong passwords left before the password is disabled
	Method       string // locked: the method that is blocked
	Err          error  // the cause, for errors.Is and the log; never shown
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Err }

// errorBody is every error's JSON.
type errorBody struct {
	Error        string `json:"error"`
	Message      string `json:"message"`
	AttemptsLeft *int   `json:"attempts_left,omitempty"`
	Method       string `json:"method,omitempty"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+Realm+`"`)
	}
	writeJSON(w, e.Status, errorBody{Error: e.Code, Message: e.Message, AttemptsLeft: e.AttemptsLeft, Method: e.Method})
}

// writeJSON writes v as the response's JSON body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away: nothing to do
}

// The refusals several handlers share.

func notFound(msg string) *apiError {
	if msg == "" {
		msg = "There is nothing here, or it belongs to someone else."
	}
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

func invalidParameter(name, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_parameter", Message: name + ": " + msg}
}

func unauthenticated(msg string, cause error) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: msg, Err: cause}
}

// decode reads the request's JSON object into v. An empty body is an empty
// object.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "invalid_request",
			Message: fmt.Sprintf("The request body is larger than %d bytes.", tooBig.Limit)}
	}
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: "The request body could not be read.", Err: err}
	}
	if strings.TrimSpace(string(body)) == "" {
		return nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "invalid_request", Message: "Send the body as application/json."}
	}
	if err := json.Unmarshal(body, v); err != nil {
		// The decoder's message names the field and type, never the value.
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return invalidParameter(typ.Field, "must be a "+typ.Type.String())
		}
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_request", Message: "The request body is not a JSON object."}
	}
	return nil
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
