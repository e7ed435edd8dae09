package console

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
)

// PasswordProblemsError is a staff password the staff engine's rules
// refuse; Problems say why, in words to show. It never holds the password.
type PasswordProblemsError struct{ Problems []password.Problem }

func (e *PasswordProblemsError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return "console: the password is refused: " + strings.Join(msgs, " ")
}

// CreateStaff adds an employee who signs in to the console: a sign-in in
// the staff realm with the password (checked against the staff policy
// before anything is stored) and the employee's name and role (teller or
// admin). The CLI and the demo use it to create the first admin.
func CreateStaff(ctx context.Context, app *bankapp.App, username, pw, name string, role institution.StaffRole) (*institution.Staff, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("console: create staff: a name is required")
	}
	if role != institution.Teller && role != institution.Admin {
		return nil, fmt.Errorf("console: create staff: role %q is not teller or admin", role)
	}
	if problems := password.CheckUsername(username, password.Personal{}); len(problems) > 0 {
		return nil, fmt.Errorf("console: create staff: username: %s", problems[0].Message)
	}
	first, last, _ := strings.Cut(name, " ")
	personal := password.Personal{Username: password.NormalizeUsername(username), FirstName: first, LastName: last}
	// Check the password first, so a refused one leaves no half-made
	// employee behind. A new sign-in has no second factor, so the stricter
	// sole-factor length applies.
	if problems := app.Staff.Rules(&account.Account{}).Check(pw, personal); len(problems) > 0 {
		return nil, &PasswordProblemsError{Problems: problems}
	}

	now := app.Clock.Now()
	st := &institution.Staff{Name: name, Role: role}
	err := app.DB.InTx(ctx, func(tx *sql.Tx) error {
		a, err := account.Create(ctx, tx, bankapp.StaffRealm, username, now)
		if err != nil {
			return err
		}
		st.SecurityAccountID = a.ID
		return institution.AddStaff(ctx, tx, st, now)
	})
	if err != nil {
		return nil, fmt.Errorf("console: create staff %q: %w", name, err)
	}
	problems, err := app.Staff.ChangePassword(ctx, st.SecurityAccountID, pw, personal, auth.Meta{})
	if err != nil {
		return nil, fmt.Errorf("console: create staff %q: %w", name, err)
	}
	if len(problems) > 0 {
		return nil, &PasswordProblemsError{Problems: problems}
	}
	return st, nil
}
