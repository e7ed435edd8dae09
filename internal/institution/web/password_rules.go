package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/password"
)

// passwordForm is the data of the pages that set a password.
type passwordForm struct {
	Flow     string
	Action   string   // where the form posts
	Current  bool     // ask for the current password too (a change from the settings)
	Rules    []string // the rules in force, in words
	Problems []string // what the last try broke
}

// ruleText says the engine's password rules for the account (S2) in words.
func (s *site) ruleText(a *account.Account) []string {
	rules := s.app.Members.Rules(a)
	out := []string{fmt.Sprintf("At least %d characters (at most %d); spaces are allowed, and upper and lower case differ.", rules.MinLength, rules.MaxLength)}
	if rules.RequireComplexity {
		out = append(out, "Three of these four: an upper-case letter, a lower-case letter, a digit, a symbol.")
	}
	if rules.CheckBlocklist {
		out = append(out, "Not a commonly used password.")
	}
	out = append(out, "Not your username, your name or an account number.")
	return out
}

// personalOf is what a member's password may not be built from.
func (s *site) personalOf(ctx context.Context, m *institution.Member) (password.Personal, error) {
	p := password.Personal{}
	if m == nil {
		return p, nil
	}
	p.FirstName, p.LastName, p.Email = m.FirstName, m.LastName, m.Email
	accts, err := institution.Accounts(ctx, s.app.DB.Reader(), m.ID)
	if err != nil {
		return p, err
	}
	for _, a := range accts {
		p.AccountNumbers = append(p.AccountNumbers, a.Number)
	}
	return p, nil
}

func problemTexts(problems []password.Problem) []string {
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = p.Message
	}
	return out
}

// setPassword sets the password typed twice in r's form for the member's
// sign-in a, and returns the problems to show instead when the two differ or
// the engine refuses it (rules, reuse).
func (s *site) setPassword(r *http.Request, a *account.Account, m *institution.Member) ([]string, error) {
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("confirm") {
		return []string{"The two passwords are not the same. Type the new password twice."}, nil
	}
	personal, err := s.personalOf(r.Context(), m)
	if err != nil {
		return nil, err
	}
	problems, err := s.app.Members.ChangePassword(r.Context(), a.ID, pw, personal, s.meta(r))
	if err != nil {
		return nil, err
	}
	return problemTexts(problems), nil
}
