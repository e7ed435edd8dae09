package console

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
)

// securityHeaders sets what every console response carries: a strict
// Content-Security-Policy (scripts, styles and images from us only, no
// inline code), no framing, no referrer, and no caching of pages that show
// members' data. Assets override the cache rule.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

type staffKey struct{}

// staffFrom returns the signed-in employee, or nil.
func staffFrom(ctx context.Context) *institution.Staff {
	s, _ := ctx.Value(staffKey{}).(*institution.Staff)
	return s
}

// signedIn lets through requests of a signed-in employee, with the
// employee in the context; others are sent to the sign-in page.
func (c *Console) signedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, ok := session.FromContext(r.Context())
		if !ok || !sess.Authenticated() {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
				return
			}
			http.Error(w, "Sign in to the staff console first.", http.StatusUnauthorized)
			return
		}
		st, err := institution.StaffBySecurityAccount(r.Context(), c.app.DB.Reader(), sess.AccountID)
		if errors.Is(err, store.ErrNotFound) {
			// The employee was removed while signed in.
			_ = c.app.StaffSessions.Destroy(w, r, c.app.DB.Writer())
			http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
			return
		}
		if err != nil {
			c.handle(func(http.ResponseWriter, *http.Request) error { return err }).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), staffKey{}, st)))
	})
}

// adminOnly refuses every employee but admins, with 403.
func (c *Console) adminOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := staffFrom(r.Context()); st == nil || st.Role != institution.Admin {
			c.handle(func(http.ResponseWriter, *http.Request) error { return errForbidden }).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// actor names the signed-in employee in audit events: "staff:<id>", id
// being the employee's security account (the id the engine records as the
// issuer of an access code).
func actor(st *institution.Staff) string {
	return "staff:" + strconv.FormatInt(st.SecurityAccountID, 10)
}

// meta is where the request comes from, for the engine and the audit log.
func meta(r *http.Request) auth.Meta {
	m := auth.Meta{IP: remoteIP(r), UserAgent: r.UserAgent()}
	if s, ok := session.FromContext(r.Context()); ok {
		m.SessionID = s.ID
	}
	return m
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// pathID reads a numeric path value; anything else is a 404.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue(name)), 10, 64)
	if err != nil || id <= 0 {
		return 0, errPageNotFound
	}
	return id, nil
}
