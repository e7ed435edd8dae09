package ofxconn

import (
	"context"
	"fmt"
	"sync"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/ofx"
)

// session is a signed-in Direct Connect session: the credentials, kept in
// memory only, sign on again with every request.
type session struct {
	c *Connector
	l connector.Login

	mu  sync.Mutex
	dev device
	// accounts is the account list the sign-in's own request brought, used
	// once by Accounts.
	accounts *ofx.AccountInfoResponse
}

var _ connector.Session = (*session)(nil)

func (c *Connector) newSession(l connector.Login, d device, accounts *ofx.AccountInfoResponse) *session {
	return &session{c: c, l: l, dev: d, accounts: accounts}
}

// do signs on and sends req's transactions (its Signon is filled in). A
// signon refused now (the bank stepping up again, the password changed in
// the meantime) is the connector's error for it.
func (s *session) do(ctx context.Context, req *ofx.Request) (*ofx.Response, error) {
	s.mu.Lock()
	d := s.dev
	s.mu.Unlock()
	cl := s.c.client(s.l.Institution, d)
	req.Signon = signon(cl, s.l, d)
	resp, err := send(ctx, cl, req)
	if err != nil {
		return nil, err
	}
	if st := resp.Signon.Status; st.Code != ofx.StatusSuccess {
		return nil, statusError(st, s.secrets())
	}
	if c := resp.Signon.SessCookie; c != "" {
		s.mu.Lock()
		s.dev.SessCookie = c
		s.mu.Unlock()
	}
	return resp, nil
}

func (s *session) secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return secretsOf(s.l, s.dev, nil)
}

// images reports whether the session's OFX version carries image links
// (OFX 2.1.1 and later).
func (s *session) images() bool { return s.c.version >= 211 }

// fail names the institution in a session error.
func (s *session) fail(what string, err error) error {
	return fmt.Errorf("ofx %s at %s: %w", what, s.l.Institution.Name, err)
}

// Device is the device state to keep: the CLIENTUID, now approved, and the
// bank's newest cookie.
func (s *session) Device() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dev.bytes()
}

// Close does nothing: Direct Connect has no session to end at the bank.
func (s *session) Close(context.Context) error { return nil }
