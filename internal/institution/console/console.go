package console

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
)

// Prefix is where the console is mounted; the institution server sends
// every path under it here.
const Prefix = "/staff/"

// Console is the staff console of one bank.
type Console struct {
	app   *bankapp.App
	pages *pages
}

// New returns the console's handler for every path under /staff/. The
// templates are parsed here, once.
func New(app *bankapp.App) (http.Handler, error) {
	if app == nil || app.DB == nil || app.Staff == nil || app.Members == nil || app.StaffSessions == nil || app.Clock == nil {
		return nil, errors.New("console: the bank's database, clock, engines and staff sessions are required")
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &Console{app: app, pages: p}
	return c.routes(), nil
}

// routes is the console's one route table. Every request passes the
// security headers, the staff session and the CSRF check (which lets GETs
// through); signedIn adds the employee and refuses anonymous requests;
// adminOnly refuses tellers with 403.
func (c *Console) routes() http.Handler {
	mux := http.NewServeMux()
	sessions := c.app.StaffSessions

	// Public: the sign-in steps, the assets and the idle-warning poll.
	mux.Handle("GET /staff/static/", staticHandler())
	mux.Handle("GET /staff/session/status", sessions.StatusHandler())
	mux.Handle("GET /staff/login", c.handle(c.loginShow))
	mux.Handle("POST /staff/login", c.handle(c.loginSubmit))
	mux.Handle("GET /staff/login/code", c.handle(c.loginCodeShow))
	mux.Handle("POST /staff/login/code", c.handle(c.loginCodeSubmit))
	mux.Handle("GET /staff/login/password", c.handle(c.loginPasswordShow))
	mux.Handle("POST /staff/login/password", c.handle(c.loginPasswordSubmit))
	mux.Handle("POST /staff/logout", c.handle(c.logout))

	// Member service: tellers and admins.
	mux.Handle("GET /staff/{$}", c.signedIn(c.handle(c.search)))
	mux.Handle("GET /staff/members", c.signedIn(c.handle(c.search)))
	mux.Handle("GET /staff/members/{member}", c.signedIn(c.handle(c.memberShow)))
	mux.Handle("POST /staff/members/{member}/unblock", c.signedIn(c.handle(c.memberUnblock)))
	mux.Handle("POST /staff/members/{member}/temporary-password", c.signedIn(c.handle(c.memberTemporaryPassword)))
	mux.Handle("POST /staff/members/{member}/questions/delete", c.signedIn(c.handle(c.memberQuestionsDelete)))
	mux.Handle("POST /staff/members/{member}/access-code", c.signedIn(c.handle(c.memberAccessCode)))
	mux.Handle("POST /staff/members/{member}/devices/{device}/revoke", c.signedIn(c.handle(c.memberDeviceRevoke)))
	mux.Handle("GET /staff/activity", c.signedIn(c.handle(c.activityReport)))
	mux.Handle("GET /staff/policy", c.signedIn(c.handle(c.policyShow)))

	// Administration.
	mux.Handle("POST /staff/activity/groups", c.signedIn(c.adminOnly(c.handle(c.activityGroupSave))))

	mux.Handle("/staff/", c.handle(func(http.ResponseWriter, *http.Request) error { return errPageNotFound }))

	return securityHeaders(sessions.Middleware(sessions.RequireCSRF(mux)))
}
