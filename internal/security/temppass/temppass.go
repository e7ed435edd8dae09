// Package temppass makes the temporary passwords staff issue (S5): random by
// default, or by one of the seed's four formulas when an institution's
// policy insists. Formula passwords are derived from facts about the member
// and are only as secret as those facts; they exist as a policy option
// because institutions use them, not as a recommendation.
package temppass

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/security/policy"
)

// Facts are what the formulas draw on.
type Facts struct {
	SSN       string // nine digits; dashes and spaces are ignored
	BirthYear int
	LastName  string
}

// Generate returns a temporary password made by formula.
func Generate(formula policy.TempPasswordFormula, f Facts) (string, error) {
	switch formula {
	case policy.Random:
		return random(), nil
	case policy.SSNLast4:
		ssn, err := f.ssn()
		if err != nil {
			return "", err
		}
		return ssn[5:], nil
	case policy.SSNFirst4LastNameLast2:
		ssn, err := f.ssn()
		if err != nil {
			return "", err
		}
		name, err := f.letters()
		if err != nil {
			return "", err
		}
		return ssn[:4] + last2(name), nil
	case policy.BirthYearLastNameFirst2:
		year, err := f.year()
		if err != nil {
			return "", err
		}
		name, err := f.letters()
		if err != nil {
			return "", err
		}
		return year + first2(name), nil
	case policy.SSNLast4BirthYear:
		ssn, err := f.ssn()
		if err != nil {
			return "", err
		}
		year, err := f.year()
		if err != nil {
			return "", err
		}
		return ssn[5:] + year, nil
	}
	return "", fmt.Errorf("temppass: unknown formula %q", formula)
}

func (f Facts) ssn() (string, error) {
	digits := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, f.SSN)
	if len(digits) != 9 || strings.Trim(digits, "0123456789") != "" {
		return "", errors.New("temppass: the member's SSN on file is not nine digits; the policy's formula needs it")
	}
	return digits, nil
}

func (f Facts) year() (string, error) {
	if f.BirthYear < 1900 || f.BirthYear > 2100 {
		return "", errors.New("temppass: the member's birth year on file is missing or not four digits; the policy's formula needs it")
	}
	return fmt.Sprint(f.BirthYear), nil
}

// letters returns the last name's letters in capitals, as the seed says.
func (f Facts) letters() (string, error) {
	name := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, f.LastName)
	if len([]rune(name)) < 2 {
		return "", errors.New("temppass: the member's last name on file has fewer than two letters; the policy's formula needs it")
	}
	return name, nil
}

func first2(s string) string { return string([]rune(s)[:2]) }

func last2(s string) string {
	r := []rune(s)
	return string(r[len(r)-2:])
}

// Alphabets without look-alikes (no 0/O, 1/l/I), so a password read over
// the phone is typed right.
const (
	upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lower  = "abcdefghijkmnpqrstuvwxyz"
	digits = "23456789"
)

// random is 12 characters with upper case, lower case and digits (about 68
// bits), so it passes the seed's 3-of-4 complexity rule.
func random() string {
	const n = 12
	classes := []string{upper, lower, digits}
	all := upper + lower + digits
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = all[pick(len(all))]
		}
		ok := true
		for _, c := range classes {
			ok = ok && strings.ContainsAny(string(b), c)
		}
		if ok {
			return string(b)
		}
	}
}

// pick returns a uniform index below n from crypto/rand.
func pick(n int) int {
	// Rejection sampling over one byte; n is at most 56.
	limit := 256 - 256%n
	var b [1]byte
	for {
		_, _ = rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}
