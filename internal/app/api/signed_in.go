package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/store"
)

// caller is who a request's bearer token belongs to: a staff member acting
// for one firm. Every operation acts for caller.firmID only.
type caller struct {
	token  *apiToken
	member *firm.Membership
	firmID int64
}

// callerHandler is an operation for a signed-in staff member.
type callerHandler func(w http.ResponseWriter, r *http.Request, c *caller) error

// signedIn adapts an operation for signed-in staff: the bearer token must be
// live and its staff member still in its firm, and the request counts as
// activity (the token's idle time starts again).
func (s *server) signedIn(h callerHandler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		tok, ok := bearerToken(r)
		if !ok || !wellFormed(tok) {
			return unauthenticated(signInAgain, nil)
		}
		c, err := s.authorize(r.Context(), hashToken(tok))
		if err != nil {
			return err
		}
		return h(w, r, c)
	}
}

const signInAgain = "The token is missing, has expired, was rotated or was ended. Get a new one with POST /api/v1/tokens and send it as Authorization: Bearer <token>."

// authorize checks the token with hash hash at every request (and at every
// heartbeat of the event stream): live, its sign-in enabled, its staff
// member still in the firm, so that removing someone from a firm ends
// their access at once. A token that fails is deleted.
func (s *server) authorize(ctx context.Context, hash string) (*caller, error) {
	now := s.now()
	r := s.app.DB.Reader()
	t, err := loadToken(ctx, r, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil, unauthenticated(signInAgain, err)
	}
	if err != nil {
		return nil, err
	}
	refuse := func(msg string, cause error) error {
		if err := deleteToken(ctx, s.app.DB.Writer(), t.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return unauthenticated(msg, cause)
	}
	if !t.live(now) {
		return nil, refuse(signInAgain, nil)
	}
	m, err := firm.MemberOf(ctx, r, t.FirmID, t.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse("This sign-in is no longer a member of the firm the token was issued for.", err)
	}
	if err != nil {
		return nil, err
	}
	a, err := account.Get(ctx, r, t.AccountID)
	if err != nil {
		return nil, err
	}
	if !a.DisabledAt.IsZero() {
		return nil, refuse("This sign-in is disabled.", nil)
	}
	if err := touchToken(ctx, s.app.DB.Writer(), t, now); errors.Is(err, store.ErrNotFound) {
		return nil, unauthenticated(signInAgain, err) // rotated or ended meanwhile
	} else if err != nil {
		return nil, err
	}
	return &caller{token: t, member: m, firmID: t.FirmID}, nil
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
