package password

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Limits on what an institution may configure (requirement S2).
const (
	// MinLengthFloor is the lowest minimum length an institution may set:
	// the seed's 6 characters. NIST SP 800-63B asks for 8, or 15 when the
	// password is the only factor; ModernRules uses those.
	MinLengthFloor = 6
	// MaxLengthCeiling is the longest password any institution may allow.
	MaxLengthCeiling = 256
	// maxLengthFloor: an institution may not cap passwords below 64
	// characters (NIST SP 800-63B, OWASP ASVS 6.2.9), which keeps passphrases
	// and password managers usable.
	maxLengthFloor = 64
)

// Problem codes: stable strings a page, an API client or a test can match on.
const (
	CodeTooShort          = "too_short"
	CodeTooLong           = "too_long"
	CodeComplexity        = "complexity"
	CodeCommon            = "common"
	CodeContainsPersonal  = "contains_personal"
	CodeWeak              = "weak"
	CodeInvalidCharacters = "invalid_characters" // usernames only
)

// Problem is one reason a password or username was refused. Message is a
// sentence a member can act on; it never contains the password.
type Problem struct {
	Code    string
	Message string
}

// Rules are an institution's password policy. Lengths are counted in Unicode
// code points after NFKC normalisation; passwords are case-sensitive and may
// contain spaces.
type Rules struct {
	// MinLength is the fewest characters allowed; at least MinLengthFloor (6).
	MinLength int
	// MaxLength is the most characters allowed; between 64 and 256.
	MaxLength int
	// RequireComplexity asks for characters from at least 3 of 4 classes:
	// upper-case letters, lower-case letters, digits, and symbols. Anything
	// that is not an upper- or lower-case letter or a digit counts as a
	// symbol, including spaces and letters of scripts without case (Chinese,
	// Arabic, ...). NIST SP 800-63B rev 4 forbids composition rules; this
	// exists for institutions whose policy still requires one.
	RequireComplexity bool
	// CheckBlocklist refuses passwords on the shipped common-password list.
	CheckBlocklist bool
	// MinStrength is the lowest zxcvbn score (0–4) accepted; 0 turns the
	// check off and leaves the strength meter advisory.
	MinStrength int
}

// SeedRules returns the policy described in the institution's seed documents:
// at least 6 characters, 3 of 4 character classes, and the blocklist.
func SeedRules() Rules {
	return Rules{MinLength: 6, MaxLength: MaxLengthCeiling, RequireComplexity: true, CheckBlocklist: true}
}

// ModernRules returns a NIST SP 800-63B rev 4 policy: at least 15 characters
// when the password is the member's only factor, 8 when a second factor is
// also required; no composition rule; the blocklist.
func ModernRules(secondFactor bool) Rules {
	minLen := 15
	if secondFactor {
		minLen = 8
	}
	return Rules{MinLength: minLen, MaxLength: MaxLengthCeiling, CheckBlocklist: true}
}

// Validate reports whether r is within the ranges an institution may choose.
func (r Rules) Validate() error {
	var errs []error
	if r.MinLength < MinLengthFloor {
		errs = append(errs, fmt.Errorf("minimum length %d is below the floor of %d", r.MinLength, MinLengthFloor))
	}
	if r.MaxLength < maxLengthFloor || r.MaxLength > MaxLengthCeiling {
		errs = append(errs, fmt.Errorf("maximum length %d is outside %d–%d", r.MaxLength, maxLengthFloor, MaxLengthCeiling))
	}
	if r.MinLength > r.MaxLength {
		errs = append(errs, fmt.Errorf("minimum length %d is above the maximum length %d", r.MinLength, r.MaxLength))
	}
	if r.MinStrength < 0 || r.MinStrength > 4 {
		errs = append(errs, fmt.Errorf("minimum strength %d is outside 0–4", r.MinStrength))
	}
	if len(errs) > 0 {
		return fmt.Errorf("password rules: %w", errors.Join(errs...))
	}
	return nil
}

// Check returns every rule password breaks, in a fixed order (too_short,
// too_long, complexity, common, contains_personal, weak), or nil if it is
// acceptable. personal is what the password must not contain (details of at
// least 4 characters anywhere in it, shorter ones as whole words) and feeds
// the strength estimate. Check assumes r is valid.
func (r Rules) Check(password string, personal Personal) []Problem {
	// Far past any limit: say so and do no further work on the input.
	if len(password) > 4*MaxBytes {
		return []Problem{{CodeTooLong, fmt.Sprintf("Use at most %d characters.", r.MaxLength)}}
	}
	pw := normalize(password)
	n := utf8.RuneCountInString(pw)
	var probs []Problem
	if n < r.MinLength {
		probs = append(probs, Problem{CodeTooShort,
			fmt.Sprintf("Use at least %d characters; this one has %d.", r.MinLength, n)})
	}
	switch {
	case n > r.MaxLength:
		probs = append(probs, Problem{CodeTooLong,
			fmt.Sprintf("Use at most %d characters; this one has %d.", r.MaxLength, n)})
	case len(pw) > MaxBytes || len(password) > MaxBytes:
		probs = append(probs, Problem{CodeTooLong,
			fmt.Sprintf("Use fewer characters: accented and non-Latin letters and symbols take more room, and this password is over the limit of %d bytes.", MaxBytes)})
	}
	if r.RequireComplexity {
		if c := charClasses(pw); c < 3 {
			probs = append(probs, Problem{CodeComplexity,
				fmt.Sprintf("Add characters from at least 3 of: upper-case letters, lower-case letters, digits, symbols — this one has %d.", c)})
		}
	}
	if r.CheckBlocklist && IsCommon(pw) {
		probs = append(probs, Problem{CodeCommon,
			"This password is on a list of commonly used passwords; choose another."})
	}
	if found := containedFields(pw, personal, 4); len(found) > 0 {
		probs = append(probs, Problem{CodeContainsPersonal,
			fmt.Sprintf("This password contains your %s; leave personal details out.", joinAnd(found))})
	}
	if need := min(r.MinStrength, 4); need > 0 {
		if e := Strength(pw, personal.strengthInputs()); e.Score < need {
			msg := fmt.Sprintf("This password is too easy to guess (strength: %s; %s or better is needed).",
				e.Label, strengthLabels[need])
			if e.Feedback != "" {
				msg += " " + e.Feedback
			}
			probs = append(probs, Problem{CodeWeak, msg})
		}
	}
	return probs
}

// charClasses counts the classes present in s among upper-case letters,
// lower-case letters, digits and symbols (everything else).
func charClasses(s string) int {
	var upper, lower, digit, symbol int
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	return upper + lower + digit + symbol
}
