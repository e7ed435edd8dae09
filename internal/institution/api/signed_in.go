package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
)

// caller is who a request's bearer token belongs to: a member, or a
// delegate (an accountant's read-only sign-in) reading a member's accounts.
// Every operation of the API reads, so both may do all of them.
type caller struct {
	session *session.Session
	member  *institution.Member // whose accounts: for a delegate, the member who gave access
}

// callerHandler is an operation for a signed-in client.
type callerHandler func(w http.ResponseWriter, r *http.Request, c *caller) error

// signedIn adapts an operation for signed-in clients: the bearer token must
// name a live session of the API's realm, and the request counts as
// activity (the token's idle time starts again).
func (s *server) signedIn(h callerHandler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := s.caller(r)
		if err != nil {
			return err
		}
		return h(w, r, c)
	}
}

const signInAgain = "The token is missing, has expired, was rotated or was ended. Sign in again with POST /api/v1/sessions and send the token as Authorization: Bearer <token>."

func (s *server) caller(r *http.Request) (*caller, error) {
	ctx := r.Context()
	tok, ok := bearerToken(r)
	if !ok {
		return nil, unauthenticated(signInAgain, nil)
	}
	now := s.now()
	sess, err := session.Load(ctx, s.app.DB.Reader(), Realm, tok, now)
	if err == nil && sess.Authenticated() {
		err = session.Touch(ctx, s.app.DB.Writer(), s.sessions, sess, now)
	}
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, session.ErrExpired):
		return nil, unauthenticated(signInAgain, err)
	case err != nil:
		return nil, err
	case !sess.Authenticated():
		return nil, unauthenticated(signInAgain, nil) // a sign-in's own pre-sign-in session
	}
	a, err := account.Get(ctx, s.app.DB.Reader(), sess.AccountID)
	if err != nil {
		return nil, err
	}
	if !a.DisabledAt.IsZero() {
		return nil, unauthenticated("This sign-in is disabled.", nil)
	}
	m, _, err := signin.MemberOfAccount(ctx, s.app, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unauthenticated("This sign-in no longer has access to any accounts.", err)
	}
	if err != nil {
		return nil, err
	}
	return &caller{session: sess, member: m}, nil
}

// bearerToken reads "Authorization: Bearer <token>". Tokens are read from
// this header only, never from a URL.
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}
