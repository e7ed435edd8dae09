package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
)

// PasswordProblemsError is a password the staff rules refuse.
type PasswordProblemsError struct{ Problems []password.Problem }

func (e *PasswordProblemsError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return "password: " + strings.Join(msgs, "; ")
}

// AddStaff creates a staff sign-in (its username is the email) with
// password and makes it a member of firmID with role. An email that
// already signs in is added to the firm with its own password unchanged
// (pw is then ignored): one person, several firms.
func (a *App) AddStaff(ctx context.Context, firmID int64, email, pw, name string, role firm.Role) (*account.Account, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") || strings.ContainsAny(email, " \t\r\n") {
		return nil, fmt.Errorf("add staff: email %q is not an email address", email)
	}
	now := a.Clock.Now()
	existing, err := account.ByUsername(ctx, a.DB.Reader(), StaffRealm, email)
	if err == nil {
		if err := firm.AddStaff(ctx, a.DB.Writer(), firmID, existing.ID, name, role, now); err != nil {
			return nil, fmt.Errorf("add staff %s: %w", email, err)
		}
		return existing, nil
	}
	first, last, _ := strings.Cut(strings.TrimSpace(name), " ")
	personal := password.Personal{Username: email, FirstName: first, LastName: last}
	// Check the password first, so a refused one leaves nobody half-made.
	if problems := a.Staff.Rules(&account.Account{}).Check(pw, personal); len(problems) > 0 {
		return nil, &PasswordProblemsError{Problems: problems}
	}
	var acct *account.Account
	err = a.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if acct, err = account.Create(ctx, tx, StaffRealm, email, now); err != nil {
			return err
		}
		return firm.AddStaff(ctx, tx, firmID, acct.ID, name, role, now)
	})
	if err != nil {
		return nil, fmt.Errorf("add staff %s: %w", email, err)
	}
	problems, err := a.Staff.ChangePassword(ctx, acct.ID, pw, personal, auth.Meta{})
	if err != nil {
		return nil, fmt.Errorf("add staff %s: %w", email, err)
	}
	if len(problems) > 0 {
		return nil, &PasswordProblemsError{Problems: problems}
	}
	return acct, nil
}

// ErrNotStaff is a sign-in that is right but belongs to no firm (or not to
// the firm asked for).
var ErrNotStaff = errors.New("this sign-in is not a member of that firm")
