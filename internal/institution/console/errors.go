package console

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/store"
)

// handlerFunc is a console handler: it parses the request, calls the bank
// and renders, and returns an error for handle to turn into a page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// problem is an error an employee can act on, with the status it gets.
type problem struct {
	status int
	msg    string // shown on the page
	err    error  // the cause, logged; never shown
}

func (p *problem) Error() string {
	if p.err != nil {
		return p.msg + ": " + p.err.Error()
	}
	return p.msg
}

func (p *problem) Unwrap() error { return p.err }

// badRequest is a refusal of what the employee entered.
func badRequest(msg string) error { return &problem{status: http.StatusBadRequest, msg: msg} }

var (
	errForbidden    = &problem{status: http.StatusForbidden, msg: "Your role does not allow this. Ask an administrator."}
	errPageNotFound = &problem{status: http.StatusNotFound, msg: "There is no such page in the staff console."}
	errNotEnrolled  = &problem{status: http.StatusConflict, msg: "This member has not set up online banking yet, so there is no sign-in to act on."}
)

// handle is the one adapter from handler errors to pages: a problem shows
// its message with its status, a missing row is a 404, anything else is
// logged and shown as a 500 that reveals nothing.
func (c *Console) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		status, msg := http.StatusInternalServerError, "Something went wrong on our side. Try again, and tell IT if it keeps happening."
		var p *problem
		switch {
		case errors.As(err, &p):
			status, msg = p.status, p.msg
		case errors.Is(err, store.ErrNotFound):
			status, msg = http.StatusNotFound, "There is no such member, device or record."
		}
		if status >= 500 {
			// The security core's errors never carry a secret, so the
			// error is safe to log.
			c.app.Logger.ErrorContext(r.Context(), "staff console", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		if rerr := c.render(w, r, status, "error.html", &view{Title: http.StatusText(status), Error: msg}); rerr != nil {
			c.app.Logger.ErrorContext(r.Context(), "staff console: render the error page", "err", rerr)
			http.Error(w, msg, status)
		}
	})
}
