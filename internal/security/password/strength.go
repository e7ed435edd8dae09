package password

import (
	"strings"
	"unicode/utf8"

	"github.com/ccojocar/zxcvbn-go"
	"github.com/ccojocar/zxcvbn-go/match"
)

// strengthMaxRunes bounds the work of one estimate. zxcvbn's authors advise
// scoring only the first 100 or so characters, since its cost grows quickly
// with length; anything that long without repetition already scores 4.
const strengthMaxRunes = 100

// Estimate is what the strength meter shows.
type Estimate struct {
	Score    int    // 0 (guessable in seconds) to 4 (resists an offline attack)
	Label    string // "very weak", "weak", "fair", "good" or "strong"
	Feedback string // one or two sentences of advice; empty when Score >= 3
}

var strengthLabels = [5]string{"very weak", "weak", "fair", "good", "strong"}

// Strength estimates how guessable password is with zxcvbn
// (github.com/ccojocar/zxcvbn-go): dictionary words, common passwords, names,
// keyboard patterns, repeats, sequences, dates and l33t substitutions. Pass
// the member's own details (names, username, e-mail, account numbers) as
// userInputs so that passwords built from them score low. Feedback never
// repeats any part of the password.
//
// The port follows the original, entropy-based zxcvbn (2012) rather than
// zxcvbn 4: it misses repeats of more than one character ("abcabc") and is
// generous to some l33t spellings ("Tr0ub4dor&3" scores 4). The score is
// advice; the blocklist and Rules carry the checks that must hold.
func Strength(password string, userInputs []string) Estimate {
	pw := normalize(password)
	if utf8.RuneCountInString(pw) > strengthMaxRunes {
		pw = string([]rune(pw)[:strengthMaxRunes])
	}
	if pw == "" {
		return Estimate{Score: 0, Label: strengthLabels[0], Feedback: "Enter a password."}
	}
	inputs := make([]string, 0, len(userInputs))
	for _, in := range userInputs {
		if in = strings.ToLower(strings.TrimSpace(normalize(in))); in != "" {
			inputs = append(inputs, in)
		}
	}
	res := zxcvbn.PasswordStrength(pw, inputs)
	score := min(max(res.Score, 0), 4)
	e := Estimate{Score: score, Label: strengthLabels[score]}
	if score < 3 {
		e.Feedback = feedback(res.MatchSequence)
	}
	return e
}

// feedback turns the weakest pattern zxcvbn found into advice. The wording is
// ours: the library's match tokens are pieces of the password and are never
// shown.
func feedback(seq []match.Match) string {
	const more = "Add another word or two; uncommon words are better."
	// The longest match explains most of the weakness.
	var worst *match.Match
	for i := range seq {
		if seq[i].Pattern == "bruteforce" {
			continue
		}
		if worst == nil || seq[i].J-seq[i].I > worst.J-worst.I {
			worst = &seq[i]
		}
	}
	if worst == nil {
		return "Use a longer password. " + more
	}
	var why string
	switch worst.Pattern {
	case "dictionary":
		dict := strings.TrimSuffix(worst.DictionaryName, "_3117")
		switch dict {
		case "user_inputs":
			why = "Leave out your name, username, e-mail address and account numbers."
		case "Passwords":
			why = "Commonly used passwords are easy to guess, even with small changes."
		case "MaleNames", "FemaleNames", "Surname":
			why = "Names and surnames are easy to guess."
		default:
			why = "Single common words are easy to guess."
		}
		if dict != worst.DictionaryName {
			why += " Swapping letters for look-alike symbols (@ for a) does not help much."
		}
	case "spatial":
		why = "Rows of neighbouring keys are easy to guess."
	case "repeat":
		why = "Repeated characters are easy to guess."
	case "sequence":
		why = "Sequences like abc or 6543 are easy to guess."
	case "date":
		why = "Dates and years are easy to guess."
	default:
		why = "This password follows a predictable pattern."
	}
	return why + " " + more
}
