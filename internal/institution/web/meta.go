package web

import (
	"net"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/auth"
)

// meta describes the request for the engine: where it comes from and
// which session makes it. The client address is the connection's: the site
// trusts no forwarding header (put it behind a proxy that rewrites
// RemoteAddr, or not at all).
func (s *site) meta(r *http.Request) auth.Meta {
	m := auth.Meta{IP: clientIP(r), UserAgent: r.UserAgent()}
	if sess, ok := sessionOf(r); ok {
		m.SessionID = sess.ID
	}
	return m
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
