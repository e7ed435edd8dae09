package password

import (
	"strings"
	"unicode"
)

// Personal is what the institution knows about a member that must not appear
// in their username or password, and that the strength estimate should treat
// as easy to guess.
type Personal struct {
	Username       string
	FirstName      string
	LastName       string
	AccountNumbers []string
	Email          string
}

// personalField is one named detail to look for.
type personalField struct {
	name  string // as a message names it: "username", "first name", ...
	token string // lower-case, NFKC, without spaces or dashes
}

// fields lists p's details in a fixed order, skipping empty ones.
func (p Personal) fields() []personalField {
	var out []personalField
	add := func(name, v string) {
		if t := squash(v); t != "" {
			out = append(out, personalField{name, t})
		}
	}
	add("username", p.Username)
	add("first name", p.FirstName)
	add("last name", p.LastName)
	for _, a := range p.AccountNumbers {
		add("account number", a)
	}
	if e := strings.TrimSpace(p.Email); e != "" {
		add("e-mail address", e)
		if local, _, ok := strings.Cut(e, "@"); ok {
			add("e-mail address", local)
		}
	}
	return out
}

// strengthInputs returns p's details for Strength's userInputs.
func (p Personal) strengthInputs() []string {
	var out []string
	for _, f := range p.fields() {
		out = append(out, f.token)
	}
	return out
}

// squash lower-cases s and drops spaces and dashes, so "Mary Ann" matches
// "maryann" and "1234-5678" matches "12345678".
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, normalize(s))
}

// containedFields returns the distinct names of the fields of p found in s.
// A detail of at least substrMin characters counts when it appears anywhere
// (case-insensitive, ignoring spaces and dashes); a shorter one only when it
// is a whole word of s, so that a last name like "Li" does not rule out every
// word containing "li".
func containedFields(s string, p Personal, substrMin int) []string {
	flat := squash(s)
	words := strings.FieldsFunc(strings.ToLower(normalize(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var names []string
	seen := map[string]bool{}
	for _, f := range p.fields() {
		if seen[f.name] {
			continue
		}
		hit := false
		if len([]rune(f.token)) >= substrMin {
			hit = strings.Contains(flat, f.token)
		} else {
			for _, w := range words {
				if w == f.token {
					hit = true
					break
				}
			}
		}
		if hit {
			seen[f.name] = true
			names = append(names, f.name)
		}
	}
	return names
}

// joinAnd writes "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
