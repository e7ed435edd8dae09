package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// The steps of a staff sign-in after the password, in order.
const (
	stepCode        = "code"     // the employee's authenticator app
	stepNewPassword = "password" // a temporary password must be replaced
)

// loginSubmit checks the username and password with the staff engine. An
// employee with an authenticator app, or with a temporary password, goes
// on to those steps in a single-use flow bound to this session; the others
// are signed in.
func (c *Console) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sess, ok := session.FromContext(ctx)
	if !ok {
		return redirect(w, r, "/staff/login?notice=restart")
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	res, err := c.app.Staff.CheckPassword(ctx, username, r.PostFormValue("password"), meta(r))
	if err == nil {
		if _, serr := institution.StaffBySecurityAccount(ctx, c.app.DB.Reader(), res.Account.ID); serr != nil {
			if !errors.Is(serr, store.ErrNotFound) {
				return serr
			}
			// A staff-realm sign-in that is no employee (any more).
			c.app.Logger.WarnContext(ctx, "staff sign-in without an employee", "account_id", res.Account.ID)
			err = auth.ErrInvalidCredentials
		}
	}
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials), errors.Is(err, auth.ErrPasswordBlocked),
		errors.Is(err, auth.ErrPasswordExpired), errors.Is(err, auth.ErrAccountDisabled):
		msg := err.Error()
		if errors.Is(err, auth.ErrPasswordBlocked) || errors.Is(err, auth.ErrPasswordExpired) || errors.Is(err, auth.ErrAccountDisabled) {
			msg = strings.Replace(msg, "call us", "ask an administrator", 1)
		}
		return c.render(w, r, http.StatusUnauthorized, "login.html", &view{Title: "Staff sign-in", Error: upperFirst(msg) + ".", Data: loginForm{Username: username}})
	case err != nil:
		return err
	}

	var steps []string
	if c.app.TOTP != nil {
		st, err := c.app.TOTP.StatusOf(ctx, c.app.DB.Reader(), res.Account.ID)
		if err != nil {
			return err
		}
		if st.Confirmed {
			steps = append(steps, stepCode)
		}
	}
	if res.MustChangePassword {
		steps = append(steps, stepNewPassword)
	}
	if len(steps) == 0 {
		return c.finishLogin(w, r, res.Account.ID, session.LevelPassword)
	}
	f, err := flow.Start(ctx, c.app.DB.Writer(), flow.Params{
		Kind: "staff_login", SessionID: sess.ID, AccountID: res.Account.ID, Steps: steps,
		TTL: c.app.StaffSessions.Policy().IdleSecurity,
	}, c.app.Clock.Now())
	if err != nil {
		return err
	}
	return redirect(w, r, stepURL(f))
}

// stepURL is the page of the step the flow is at. The flow id may travel
// in a URL: it is useless without the session it is bound to.
func stepURL(f *flow.Flow) string {
	page := "/staff/login/code"
	if f.Step() == stepNewPassword {
		page = "/staff/login/password"
	}
	return page + "?flow=" + url.QueryEscape(f.ID)
}

// loginFlow returns the sign-in flow the request continues, checked to be
// at step; a flow that is gone, expired, used or elsewhere sends the
// employee back to the start.
func (c *Console) loginFlow(r *http.Request, id, step string) (*flow.Flow, bool, error) {
	sess, ok := session.FromContext(r.Context())
	if !ok || id == "" {
		return nil, false, nil
	}
	f, err := flow.Get(r.Context(), c.app.DB.Reader(), id, sess.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if f.Kind != "staff_login" || f.At(step, c.app.Clock.Now()) != nil {
		return nil, false, nil
	}
	return f, true, nil
}

// stepDone moves the flow past step: to the next step's page, or, after
// the last one, into the console.
func (c *Console) stepDone(w http.ResponseWriter, r *http.Request, f *flow.Flow, step string) error {
	ctx := r.Context()
	sess, _ := session.FromContext(ctx)
	now := c.app.Clock.Now()
	if f.Current < len(f.Steps)-1 {
		next, err := flow.Advance(ctx, c.app.DB.Writer(), f.ID, sess.ID, step, now)
		if err != nil {
			return c.restart(w, r, err)
		}
		return redirect(w, r, stepURL(next))
	}
	if _, err := flow.Complete(ctx, c.app.DB.Writer(), f.ID, sess.ID, step, now); err != nil {
		return c.restart(w, r, err)
	}
	level := session.LevelPassword
	for _, s := range f.Steps {
		if s == stepCode {
			level = session.LevelMFA
		}
	}
	return c.finishLogin(w, r, f.AccountID, level)
}

// restart answers a replayed or raced sign-in step: back to the start.
func (c *Console) restart(w http.ResponseWriter, r *http.Request, err error) error {
	if errors.Is(err, flow.ErrWrongStep) || errors.Is(err, flow.ErrCompleted) || errors.Is(err, flow.ErrExpired) || errors.Is(err, store.ErrNotFound) {
		return redirect(w, r, "/staff/login?notice=restart")
	}
	return err
}

// finishLogin signs the session in as the employee (a new cookie, so a
// cookie seen before sign-in is worth nothing) and records the login.
func (c *Console) finishLogin(w http.ResponseWriter, r *http.Request, accountID int64, level session.Level) error {
	ctx := r.Context()
	sessions, db := c.app.StaffSessions, c.app.DB.Writer()
	if _, err := sessions.Authenticate(w, r, db, accountID, level); err != nil {
		return err
	}
	if err := sessions.SetArea(r, db, session.AreaDefault); err != nil {
		return err
	}
	a, err := account.Get(ctx, c.app.DB.Reader(), accountID)
	if err != nil {
		return err
	}
	if err := c.app.Staff.CompleteLogin(ctx, a, meta(r)); err != nil {
		return err
	}
	return redirect(w, r, "/staff/")
}
