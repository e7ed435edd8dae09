package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/security/auth"
)

// tokenRequest asks for a token. It holds the password: never logged.
type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	FirmID   int64  `json:"firm_id"`
}

// tokenResponse is a token, the one time it is shown.
type tokenResponse struct {
	Token         string     `json:"token"`
	ExpiresAt     time.Time  `json:"expires_at"`      // the end, whatever the activity
	IdleExpiresAt time.Time  `json:"idle_expires_at"` // the end unless it is used before
	Firm          firmView   `json:"firm"`            // the firm it acts for
	Firms         []firmView `json:"firms"`           // every firm of this sign-in
}

// firmView is a firm as its staff member sees it.
type firmView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"` // the staff member's: owner or staff
}

func firmViews(ms []firm.Membership) []firmView {
	out := make([]firmView, len(ms))
	for i, m := range ms {
		out[i] = firmView{ID: m.Firm.ID, Name: m.Firm.Name, Role: string(m.Role)}
	}
	return out
}

// tokenCreate issues a token for a staff member's email and password,
// acting for one of their firms. The staff sign-in engine counts the
// attempt first: three wrong passwords disable it (S4), at every door.
func (s *server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	in.Email = strings.TrimSpace(in.Email)
	var problems []fieldProblem
	if in.Email == "" || len(in.Email) > 320 {
		problems = append(problems, fieldProblem{"email", "Give the email address you sign in to LedgerSync with"})
	}
	if in.Password == "" {
		problems = append(problems, fieldProblem{"password", "Give your LedgerSync password"})
	}
	if in.FirmID < 0 {
		problems = append(problems, fieldProblem{"firm_id", "Give the id of one of your firms, or leave it out"})
	}
	if len(problems) > 0 {
		return invalidFields(problems...)
	}
	ctx := r.Context()
	m := meta(r)
	res, err := s.app.Staff.CheckPassword(ctx, in.Email, in.Password, m)
	if err != nil {
		return passwordRefusal(err)
	}
	if res.MustChangePassword {
		return &apiError{Status: http.StatusForbidden, Code: "password_change_required",
			Message: "This sign-in has a temporary password. Sign in to the LedgerSync web app to choose a new one, then ask for a token with it."}
	}
	ms, err := firm.MembershipsOf(ctx, s.app.DB.Reader(), res.Account.ID)
	if err != nil {
		return err
	}
	chosen, err := chooseFirm(ms, in.FirmID)
	if err != nil {
		return err
	}
	if err := s.app.Staff.CompleteLogin(ctx, res.Account, m); err != nil {
		return err
	}
	now := s.now()
	token, t, err := issueToken(ctx, s.app.DB.Writer(), chosen.Firm.ID, res.Account.ID, now)
	if err != nil {
		return err
	}
	if err := deleteDeadTokens(context.WithoutCancel(ctx), s.app.DB.Writer(), res.Account.ID, now); err != nil {
		s.log.WarnContext(ctx, "firm api: ended tokens not removed", "account_id", res.Account.ID, "err", err)
	}
	writeJSON(w, http.StatusCreated, tokenResponse{Token: token, ExpiresAt: t.ExpiresAt, IdleExpiresAt: t.IdleExpiresAt,
		Firm: firmViews([]firm.Membership{*chosen})[0], Firms: firmViews(ms)})
	return nil
}

// chooseFirm picks the firm the token acts for: firmID, or the only one.
// The password was right, so the refusals may name the firms.
func chooseFirm(ms []firm.Membership, firmID int64) (*firm.Membership, error) {
	if len(ms) == 0 {
		return nil, &apiError{Status: http.StatusForbidden, Code: "not_staff",
			Message: "This sign-in belongs to no firm. Ask the firm's owner to add you to its staff."}
	}
	if firmID == 0 {
		if len(ms) == 1 {
			return &ms[0], nil
		}
		return nil, &apiError{Status: http.StatusBadRequest, Code: "firm_required",
			Message: fmt.Sprintf("This sign-in belongs to %d firms: say which one the token acts for with firm_id (see firms).", len(ms)),
			Fields:  []fieldProblem{{Field: "firm_id", Message: "Choose one of the firms listed in firms"}},
			Firms:   firmViews(ms)}
	}
	for i := range ms {
		if ms[i].Firm.ID == firmID {
			return &ms[i], nil
		}
	}
	return nil, &apiError{Status: http.StatusForbidden, Code: "not_staff", Err: app.ErrNotStaff,
		Message: fmt.Sprintf("This sign-in is not a member of firm %d; its firms are listed in firms.", firmID),
		Firms:   firmViews(ms)}
}

// passwordRefusal answers a password the engine refused, never saying
// which of the email and password was wrong.
func passwordRefusal(err error) error {
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return &apiError{Status: http.StatusUnauthorized, Code: "invalid_credentials", Err: err,
			Message: "The email or password is not right. After three wrong passwords the password is disabled until the firm's owner resets it."}
	case errors.Is(err, auth.ErrPasswordBlocked):
		return &apiError{Status: http.StatusLocked, Code: "locked", Err: err,
			Message: "The password is disabled after three wrong attempts. Ask the firm's owner or LedgerSync support to reset it."}
	case errors.Is(err, auth.ErrPasswordExpired):
		return &apiError{Status: http.StatusForbidden, Code: "password_expired", Err: err,
			Message: "The password has expired. Ask the firm's owner or LedgerSync support to reset it."}
	case errors.Is(err, auth.ErrAccountDisabled):
		return &apiError{Status: http.StatusForbidden, Code: "account_disabled", Err: err,
			Message: "This sign-in is disabled. Ask the firm's owner."}
	}
	return err
}
