package session_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestRequireCSRF(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db, session.Config{})
		mine, token := s.start()
		_, theirs := s.start()
		if token == "" || token == theirs {
			t.Fatalf("CSRF tokens %q and %q: want two different ones", token, theirs)
		}
		for _, tc := range []struct {
			name   string
			method string
			cookie *http.Cookie
			form   url.Values
			header http.Header
			want   int
		}{
			{"GET needs no token", "GET", mine, nil, nil, http.StatusOK},
			{"HEAD needs no token", "HEAD", mine, nil, nil, http.StatusOK},
			{"OPTIONS needs no token", "OPTIONS", mine, nil, nil, http.StatusOK},
			{"right token in the form", "POST", mine, url.Values{"csrf_token": {token}}, nil, http.StatusOK},
			{"right token in the header", "POST", mine, nil, http.Header{"X-Csrf-Token": {token}}, http.StatusOK},
			{"right token, same-origin fetch", "POST", mine, url.Values{"csrf_token": {token}}, http.Header{"Sec-Fetch-Site": {"same-origin"}}, http.StatusOK},
			{"right token on DELETE", "DELETE", mine, nil, http.Header{"X-Csrf-Token": {token}}, http.StatusOK},
			{"missing token", "POST", mine, url.Values{"amount": {"100"}}, nil, http.StatusForbidden},
			{"missing token on PUT", "PUT", mine, nil, nil, http.StatusForbidden},
			{"wrong token", "POST", mine, url.Values{"csrf_token": {token[:len(token)-1] + "x"}}, nil, http.StatusForbidden},
			{"token of another session", "POST", mine, url.Values{"csrf_token": {theirs}}, nil, http.StatusForbidden},
			{"cross-site fetch with the right token", "POST", mine, url.Values{"csrf_token": {token}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
			{"same-site (sibling subdomain) fetch", "POST", mine, url.Values{"csrf_token": {token}}, http.Header{"Sec-Fetch-Site": {"same-site"}}, http.StatusForbidden},
			{"foreign Origin with the right token", "POST", mine, url.Values{"csrf_token": {token}}, http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
			{"no session, no token", "POST", nil, url.Values{}, nil, http.StatusForbidden},
			{"no session, someone's token", "POST", nil, url.Values{"csrf_token": {token}}, nil, http.StatusForbidden},
			{"empty token with a session", "POST", mine, url.Values{"csrf_token": {""}}, nil, http.StatusForbidden},
		} {
			w := s.do(tc.method, "/act", tc.cookie, tc.form, tc.header)
			if w.Code != tc.want {
				t.Errorf("%s: %d %q, want %d", tc.name, w.Code, w.Body, tc.want)
			}
			if tc.want == http.StatusForbidden && w.Body.String() == "done" {
				t.Errorf("%s: the handler ran", tc.name)
			}
		}
	})
}

func TestTrustedOriginsPassTheCrossOriginCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db, session.Config{TrustedOrigins: []string{"https://portal.example"}})
		c, token := s.start()
		w := s.do("POST", "/act", c, url.Values{"csrf_token": {token}}, http.Header{"Origin": {"https://portal.example"}, "Sec-Fetch-Site": {"cross-site"}})
		if w.Code != http.StatusOK {
			t.Fatalf("trusted origin: %d %q", w.Code, w.Body)
		}
		// Trust in the origin does not waive the token.
		w = s.do("POST", "/act", c, url.Values{}, http.Header{"Origin": {"https://portal.example"}, "Sec-Fetch-Site": {"cross-site"}})
		if w.Code != http.StatusForbidden {
			t.Fatalf("trusted origin without a token: %d", w.Code)
		}
	})
}
