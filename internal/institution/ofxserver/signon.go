package ofxserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/store"
)

// anonymousUser is the USERID of a profile request before the user has
// signed on, as the OFX specification spells it: "anonymous" and zeros, 32
// characters.
const anonymousUser = "anonymous00000000000000000000000"

// signon decides the request's SONRQ: the bank it is for, the password, the
// device, the risk engine and, when it asks, the MFA challenge.
func (x *exchange) signon(ctx context.Context) (outcome, error) {
	app := x.s.app
	son := x.req.Signon
	if son.FI == nil || son.FI.Org != app.Info.ORG || son.FI.FID != app.Info.FID {
		return refused(ofx.StatusSignonInvalid, fmt.Sprintf("This server is %s: sign on with ORG %s and FID %s.", app.Info.Name, app.Info.ORG, app.Info.FID)), nil
	}
	if strings.EqualFold(son.UserID, anonymousUser) {
		return x.anonymous(), nil
	}
	if son.UserID == "" || son.UserPass == "" {
		return refused(ofx.StatusSignonInvalid, "Sign on with your user ID and password (USERID and USERPASS)."), nil
	}
	meta := auth.Meta{IP: clientIP(x.r), UserAgent: userAgent(son)}
	res, err := app.Members.CheckPassword(ctx, son.UserID, son.UserPass, meta)
	if err != nil {
		return x.passwordRefused(err)
	}
	if res.MustChangePassword {
		return refused(ofx.StatusMustChangePass, fmt.Sprintf(
			"You must choose a new password before you can download. Direct Connect cannot change it: sign in to %s online banking to choose one, then use it here.", app.Info.Name)), nil
	}
	a := res.Account
	m, own, err := signin.MemberOfAccount(ctx, app, a.ID)
	if errors.Is(err, store.ErrNotFound) {
		// A delegate whose access the member removed.
		return refused(ofx.StatusContactFI, fmt.Sprintf("This sign-in no longer has access to any accounts. Call us at %s.", app.Info.Phone)), nil
	}
	if err != nil {
		return outcome{}, fmt.Errorf("ofxserver: sign-on of account %d: %w", a.ID, err)
	}
	if out, ok, err := x.device(ctx, a, &meta); err != nil || !ok {
		return out, err
	}
	plan, err := signin.AssessMember(ctx, app, a, m, own, meta)
	if err != nil {
		return outcome{}, fmt.Errorf("ofxserver: sign-on of account %d: %w", a.ID, err)
	}
	switch {
	case plan.Deny:
		return refused(ofx.StatusContactFI, x.denial(plan.Reasons)), nil
	case plan.StepUp:
		return x.stepUp(ctx, a, m, plan.Methods, meta)
	}
	return x.complete(ctx, a, m, meta)
}

// anonymous answers the anonymous signon, which may fetch the profile only.
func (x *exchange) anonymous() outcome {
	r := x.req
	if r.Profile == nil || r.MFAChallenge != nil || r.AccountInfo != nil || len(r.Statements)+len(r.CCStatements)+len(r.StatementEnds)+len(r.CCStatementEnds) > 0 {
		return refused(ofx.StatusSignonInvalid, "The anonymous user ID can only fetch the bank's profile: sign on with your own user ID and password to download your accounts.")
	}
	return outcome{status: ofx.NewStatus(ofx.StatusSuccess, "")}
}

// passwordRefused turns the engine's refusal of the password into the
// signon's status. It never says which of the user ID and password was
// wrong.
func (x *exchange) passwordRefused(err error) (outcome, error) {
	phone := x.s.app.Info.Phone
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return refused(ofx.StatusSignonInvalid, "The user ID or password is not right. After three wrong passwords the password is disabled, here and in online banking."), nil
	case errors.Is(err, auth.ErrPasswordBlocked):
		return refused(ofx.StatusLockout, fmt.Sprintf("Your password is disabled after three failed attempts. Call us at %s to have it reset.", phone)), nil
	case errors.Is(err, auth.ErrPasswordExpired):
		return refused(ofx.StatusContactFI, fmt.Sprintf("Your password has expired. Call us at %s to have it reset.", phone)), nil
	case errors.Is(err, auth.ErrAccountDisabled):
		return refused(ofx.StatusContactFI, fmt.Sprintf("This sign-in is disabled. Call us at %s.", phone)), nil
	}
	return outcome{}, fmt.Errorf("ofxserver: check the password: %w", err)
}

// denial says why the risk engine refused the sign-on, as the member site
// does.
func (x *exchange) denial(reasons []string) string {
	var msgs []string
	for _, code := range reasons {
		if msg := signin.DenialMessage(code); !slices.Contains(msgs, msg) {
			msgs = append(msgs, msg)
		}
	}
	if len(msgs) == 0 {
		msgs = []string{signin.DenialMessage("")}
	}
	return strings.Join(msgs, " ") + " Member service: " + x.s.app.Info.Phone + "."
}

// complete records the login (the risk engine learns from it, as from a
// sign-in on the site) and the visit of the member's approved program.
func (x *exchange) complete(ctx context.Context, a *account.Account, m *institution.Member, meta auth.Meta) (outcome, error) {
	app := x.s.app
	if err := app.Members.CompleteLogin(ctx, a, meta); err != nil {
		return outcome{}, fmt.Errorf("ofxserver: complete the sign-on of account %d: %w", a.ID, err)
	}
	if err := x.seen(ctx, a); err != nil {
		return outcome{}, err
	}
	return outcome{status: ofx.NewStatus(ofx.StatusSuccess, ""), in: &signedIn{account: a, member: m}}, nil
}

// clientIP is the connection's address: like the member site, the OFX
// door trusts no forwarding header.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// userAgent names the client program for the risk engine and the device
// list: "APPID APPVER", such as "QWIN 2700".
func userAgent(son ofx.SignonRequest) string {
	return printable(strings.TrimSpace(son.AppID+" "+son.AppVer), 40)
}

// printable keeps the first max printable characters of s.
func printable(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}
