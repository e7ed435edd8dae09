package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
)

// handler is a page or an action: it parses, calls the engine or the
// domain, and renders or redirects. An error is turned into a page by serve.
type handler func(w http.ResponseWriter, r *http.Request) error

// memberHandler is a handler for a signed-in member.
type memberHandler func(w http.ResponseWriter, r *http.Request, me *signedIn) error

// pageError is a refusal or a failure a member can act on, shown on an
// error page with its status. Message never holds a secret.
type pageError struct {
	Status    int
	Title     string
	Message   string
	Next      string // where to carry on, e.g. "/login"
	NextLabel string
	Err       error // the cause, for errors.Is; never shown
}

func (e *pageError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *pageError) Unwrap() error { return e.Err }

// serve adapts a handler: it moves the session into the page's idle area
// (S23: five minutes on login and security screens, fifteen elsewhere; ""
// leaves it alone) and turns a returned error into an error page. It is the
// one place errors become statuses.
func (s *site) serve(area session.Area, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sess, ok := sessionOf(r); ok && area != "" && sess.Area != area {
			if err := s.app.MemberSessions.SetArea(r, s.app.DB.Writer(), area); err != nil {
				s.fail(w, r, fmt.Errorf("web: set the session area: %w", err))
				return
			}
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail renders err as a page.
func (s *site) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	var to *goTo
	switch {
	case errors.As(err, &to):
		http.Redirect(w, r, to.URL, http.StatusSeeOther)
		return
	case errors.As(err, &pe):
	case errors.Is(err, store.ErrNotFound):
		pe = &pageError{Status: http.StatusNotFound, Title: "Page not found",
			Message: "There is nothing here. It may have been moved, or it belongs to another member.", Next: "/", NextLabel: "Go to your accounts"}
	case errors.Is(err, session.ErrExpired):
		pe = &pageError{Status: http.StatusUnauthorized, Title: "Signed out",
			Message: "Your session has ended. Sign in again to carry on.", Next: "/login", NextLabel: "Sign in"}
	default:
		// Engine and domain errors never carry a password, answer or code.
		s.log.ErrorContext(r.Context(), "member site: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		pe = &pageError{Status: http.StatusInternalServerError, Title: "Something went wrong",
			Message: "We could not complete your request. Please try again in a moment, or call us.", Next: "/", NextLabel: "Go to your accounts"}
	}
	v := s.newView(r, pe.Title)
	v.Data = pe
	if rerr := s.render(w, pe.Status, "error", v); rerr != nil {
		s.log.ErrorContext(r.Context(), "member site: render the error page", "err", rerr)
		http.Error(w, pe.Message, pe.Status)
	}
}

type memberKey struct{}

// signedIn is who the request's session belongs to: a member, or a
// delegate with read-only access to a member's accounts.
type signedIn struct {
	Session   *session.Session
	Account   *account.Account
	Member    *institution.Member
	Delegate  *institution.Delegate // nil for the member themselves
	Watermark *Watermark
}

// FirstName is how pages greet the member.
func (me *signedIn) FirstName() string {
	if me.Delegate != nil {
		return me.Delegate.Name
	}
	return me.Member.FirstName
}

// subject names the member's sign-in in the audit stream.
func (me *signedIn) subject() string { return subjectOf(me.Account.ID) }

func subjectOf(accountID int64) string { return fmt.Sprintf("account:%d", accountID) }

// member adapts a page for signed-in members: a request without a signed-in
// session goes to the sign-in page.
func (s *site) member(h memberHandler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		sess, ok := sessionOf(r)
		if !ok || !sess.Authenticated() {
			if r.Method == http.MethodGet {
				return redirect(w, r, "/login")
			}
			return &pageError{Status: http.StatusUnauthorized, Title: "Signed out",
				Message: "Your session has ended, so nothing was changed. Sign in again to carry on.", Next: "/login", NextLabel: "Sign in"}
		}
		me, err := s.loadSignedIn(r.Context(), sess)
		if err != nil {
			return err
		}
		r = r.WithContext(context.WithValue(r.Context(), memberKey{}, me))
		return h(w, r, me)
	}
}

// owner refuses a delegate: read-only access moves no money and changes no
// setting.
func owner(h memberHandler) memberHandler {
	return func(w http.ResponseWriter, r *http.Request, me *signedIn) error {
		if me.Delegate != nil {
			return &pageError{Status: http.StatusForbidden, Title: "Read-only access",
				Message: "Your access to these accounts is read-only; only the member can do this.", Next: "/", NextLabel: "Go to the accounts"}
		}
		return h(w, r, me)
	}
}

func (s *site) loadSignedIn(ctx context.Context, sess *session.Session) (*signedIn, error) {
	q := s.app.DB.Reader()
	a, err := account.Get(ctx, q, sess.AccountID)
	if err != nil {
		return nil, fmt.Errorf("web: the signed-in account: %w", err)
	}
	me := &signedIn{Session: sess, Account: a}
	m, err := institution.MemberBySecurityAccount(ctx, q, a.ID)
	switch {
	case err == nil:
		me.Member = m
	case errors.Is(err, store.ErrNotFound):
		d, derr := institution.DelegateBySecurityAccount(ctx, q, a.ID)
		if derr != nil {
			return nil, fmt.Errorf("web: the signed-in account %d is neither a member nor a delegate: %w", a.ID, derr)
		}
		if me.Member, err = institution.GetMember(ctx, q, d.MemberID); err != nil {
			return nil, err
		}
		me.Delegate = d
	default:
		return nil, err
	}
	wm := s.watermarkFor(a.Username, me.Member, me.Delegate == nil)
	me.Watermark = &wm
	return me, nil
}
