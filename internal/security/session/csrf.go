package session

import (
	"crypto/subtle"
	"net/http"
)

// CSRFField is the name of the hidden form field that carries the CSRF
// token; CSRFHeader is the header scripts send it in.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// CSRFToken returns the request's session's CSRF token for a template's
// hidden csrf_token field, or "" when the request has no session. The token
// is derived from the session cookie's secret, so it changes when the session
// rotates (a form rendered before a login or step-up must be reloaded) and
// it is never stored.
func (m *Manager) CSRFToken(r *http.Request) string {
	st := stateOf(r.Context())
	if st == nil || st.sess == nil {
		return ""
	}
	return csrfToken(st.secret)
}

// RequireCSRF refuses, with 403, every request with a method other than GET,
// HEAD and OPTIONS unless it passes Go's cross-origin protection (the browser
// says it is same-origin through Sec-Fetch-Site or Origin) AND carries the
// session's CSRF token in the csrf_token form field or the X-CSRF-Token
// header. Both are needed: the cross-origin check lets through requests
// without those headers (old browsers, some proxies), which the token
// catches; the token alone would not stop a page that learned it. It must
// run inside Middleware.
func (m *Manager) RequireCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if err := m.cop.Check(r); err != nil {
			forbid(w, "This request came from another site and was refused.")
			return
		}
		want := m.CSRFToken(r)
		got := r.Header.Get(CSRFHeader)
		if got == "" {
			got = r.PostFormValue(CSRFField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			forbid(w, "This form has expired or did not come from this site. Go back, reload the page and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func forbid(w http.ResponseWriter, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, http.StatusForbidden)
}
