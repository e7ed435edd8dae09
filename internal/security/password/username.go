package password

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Username length limits (requirement S1 sets no numbers). Six characters
// matches the password floor and keeps usernames from being trivially
// guessable; 32 fits every form and screen, and is in line with what online
// banks commonly allow. Both are counted after NormalizeUsername.
const (
	UsernameMinLength = 6
	UsernameMaxLength = 32
)

// NormalizeUsername returns the form a username is stored and looked up in:
// NFKC (so full-width letters become ASCII), lower-case, trimmed, with runs
// of inner whitespace collapsed to one space. Usernames are case-insensitive
// (S1) through this function alone.
func NormalizeUsername(username string) string {
	return strings.Join(strings.Fields(strings.ToLower(normalize(username))), " ")
}

// CheckUsername returns every rule username breaks (S1), or nil:
//
//   - only ASCII letters, digits and spaces ("invalid_characters"). Letters
//     from other scripts are refused because many look exactly like Latin
//     ones (Cyrillic "а" and Latin "a"), which would let one member's
//     username pass for another's;
//   - 6 to 32 characters after normalisation ("too_short", "too_long");
//   - not containing the member's account number, first or last name,
//     case-insensitive and ignoring spaces and dashes ("contains_personal").
//     A detail shorter than 3 characters counts only as a whole word.
//
// p.Username, p.Email and anything else in p beyond names and account
// numbers are ignored here.
func CheckUsername(username string, p Personal) []Problem {
	if len(username) > 1024 { // far past any limit: no further work on the input
		return []Problem{{CodeTooLong, fmt.Sprintf("Use at most %d characters.", UsernameMaxLength)}}
	}
	var probs []Problem
	for _, r := range normalize(username) {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ') {
			probs = append(probs, Problem{CodeInvalidCharacters,
				"Use only letters (A–Z), digits and spaces — no symbols, punctuation or accented letters."})
			break
		}
	}
	norm := NormalizeUsername(username)
	n := utf8.RuneCountInString(norm)
	if n < UsernameMinLength {
		probs = append(probs, Problem{CodeTooShort,
			fmt.Sprintf("Use at least %d characters; this one has %d.", UsernameMinLength, n)})
	}
	if n > UsernameMaxLength {
		probs = append(probs, Problem{CodeTooLong,
			fmt.Sprintf("Use at most %d characters; this one has %d.", UsernameMaxLength, n)})
	}
	relevant := Personal{FirstName: p.FirstName, LastName: p.LastName, AccountNumbers: p.AccountNumbers}
	if found := containedFields(norm, relevant, 3); len(found) > 0 {
		probs = append(probs, Problem{CodeContainsPersonal,
			fmt.Sprintf("A username may not contain your first name, last name or account number; this one contains your %s.", joinAnd(found))})
	}
	return probs
}
