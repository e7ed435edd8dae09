// Package console owns the institution server's staff console, served under
// /staff/: the staff sign-in (password, then an authenticator code when the
// employee has one), member search, the member page with the red-flag
// banner (S29) and the member-service actions of the seeds (unblock a
// method, S4; reset to a temporary password, S5; delete security questions,
// S11; issue a one-time access code, S16; revoke a device), the member's
// audit trail and message center, the abnormal-activity report (S30) and
// the policy in force.
//
// The console applies no security rule of its own: every sign-in and
// member-service decision is the security core's engine (app.Staff for the
// employees, app.Members for the members), which audits it; the console
// audits only what it does itself (a revoked device, changed activity
// ranges, a member page opened), always with the actor "staff:<id>", where
// id is the employee's security account.
//
// Tellers do member service; admins may also change the activity ranges.
// Every page is rendered from templates embedded in the binary; every state
// change is a POST carrying the session's CSRF token; nothing secret (a
// password, an answer, a code) is ever logged, put in a URL or shown
// again after the one page that hands it to the employee.
package console
