package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/store"
)

// sessionRequest is a sign-in. It holds the password: never logged.
type sessionRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DeviceToken string `json:"device_token"`
}

// sessionCreate signs in with a username and password (the engine counts
// the attempt first: three wrong ones disable the password at every door,
// S4), then asks the risk engine what the login needs: 201 with a token,
// 202 with a challenge, or a refusal.
func (s *server) sessionCreate(w http.ResponseWriter, r *http.Request) error {
	var in sessionRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	username := password.NormalizeUsername(in.Username)
	switch {
	case username == "" || len(username) > 256:
		return invalidParameter("username", "give the username of the online banking sign-in.")
	case in.Password == "":
		return invalidParameter("password", "give the password.")
	case len(in.DeviceToken) > 128:
		return invalidParameter("device_token", "is not a device token this bank gave.")
	}
	ctx := r.Context()
	lg := &login{meta: s.meta(r)}
	res, err := s.app.Members.CheckPassword(ctx, username, in.Password, lg.meta)
	if err != nil {
		return s.passwordRefusal(ctx, username, err)
	}
	if res.MustChangePassword {
		return &apiError{Status: http.StatusForbidden, Code: "password_change_required",
			Message: "This sign-in has a temporary password, which must be changed before anything else. Sign in to online banking on the bank's website to choose a new password, then sign in here with it."}
	}
	lg.account = res.Account
	if lg.member, lg.own, err = signin.MemberOfAccount(ctx, s.app, res.Account.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return denied(nil, err)
		}
		return err
	}
	if in.DeviceToken != "" {
		d, err := device.RecogniseClient(ctx, s.app.DB.Reader(), res.Account.ID, device.KindAPI, in.DeviceToken)
		switch {
		case err == nil:
			lg.state.DeviceKnown, lg.state.DeviceRegistered, lg.state.DeviceID = true, d.Registered, d.ID
			lg.deviceToken = in.DeviceToken
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		// An unknown or revoked token is a new device; the bank makes the
		// next token itself rather than adopt one a client chose.
	}
	return s.decide(ctx, w, lg, "")
}

// passwordRefusal answers a password the engine refused: never which of
// the username and password was wrong. attempts_left counts down for a
// username nobody has exactly as for a real one (see decoys).
func (s *server) passwordRefusal(ctx context.Context, username string, err error) error {
	locked := &apiError{Status: http.StatusLocked, Code: "locked", Method: string(lockout.Password),
		Message: fmt.Sprintf("Your password is disabled after three failed attempts. Call us at %s to have it reset.", s.app.Info.Phone)}
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		left, err := s.passwordAttemptsLeft(ctx, username)
		if err != nil {
			return err
		}
		if left == 0 {
			return locked
		}
		return &apiError{Status: http.StatusUnauthorized, Code: "invalid_credentials", AttemptsLeft: intp(left),
			Message: fmt.Sprintf("The username or password is not right. %s left before the password is disabled.", plural(left, "attempt"))}
	case errors.Is(err, auth.ErrPasswordBlocked):
		return locked
	case errors.Is(err, auth.ErrPasswordExpired):
		return &apiError{Status: http.StatusForbidden, Code: "password_expired",
			Message: fmt.Sprintf("The password has expired. Call us at %s to have it reset.", s.app.Info.Phone)}
	case errors.Is(err, auth.ErrAccountDisabled):
		return &apiError{Status: http.StatusForbidden, Code: "account_disabled",
			Message: fmt.Sprintf("This sign-in is disabled. Call us at %s.", s.app.Info.Phone)}
	}
	return err
}

// passwordAttemptsLeft reads the count the engine keeps (shared with every
// door), or the decoy's for a username nobody has.
func (s *server) passwordAttemptsLeft(ctx context.Context, username string) (int, error) {
	a, err := account.ByUsername(ctx, s.app.DB.Reader(), bankapp.MemberRealm, username)
	if errors.Is(err, store.ErrNotFound) {
		return max(0, s.app.Members.Policy().LockoutAfter-s.decoys.fail(username)), nil
	}
	if err != nil {
		return 0, err
	}
	return s.attemptsLeft(ctx, a.ID, lockout.Password)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
