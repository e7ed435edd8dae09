package challenge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// normalizeAnswer returns the form an answer is measured, hashed and
// compared in (S3): Unicode NFKC (full-width letters and ligatures become
// plain ones), case-folded, NFKC again (folding can leave a few characters
// unnormalised), runs of white space collapsed to one space and trimmed. So
// "  Blue " and "BLUE" are the same answer; "blue-green" and "blue green"
// are not: punctuation is kept, because an answer may be a phrase (S8).
func normalizeAnswer(s string) string {
	s = norm.NFKC.String(s)
	s = cases.Fold().String(s) // a Caser is not safe to share, so one per call
	s = norm.NFKC.String(s)
	return strings.Join(strings.Fields(s), " ")
}

// normalizeQuestion returns a member's own question as it is stored and
// shown: NFKC, white space collapsed and trimmed, case kept.
func normalizeQuestion(s string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(s)), " ")
}

// words splits s into its case-folded words of letters and digits, with
// apostrophes dropped first so that "Mother's" is one word, "mothers".
func words(s string) []string {
	s = strings.Map(func(r rune) rune {
		if r == '\'' || r == '\u2019' || r == '\u02bc' {
			return -1
		}
		return r
	}, normalizeAnswer(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// questionKey reduces a question to what it asks, for comparing a member's
// own question with the catalogue: its words without a leading "what is
// your", "what was the" and the like. "What is your mother's maiden name?"
// and "Mother's maiden name" have the same key.
func questionKey(s string) string {
	w := words(s)
	for len(w) > 0 && isStem(w[0]) {
		w = w[1:]
	}
	return strings.Join(w, " ")
}

func isStem(w string) bool {
	switch w {
	case "what", "whats", "which", "who", "whos", "is", "was", "were", "are", "your", "my", "the", "a":
		return true
	}
	return false
}

// containsAnswer reports whether question gives answer away: the answer's
// words appear in order in the question, or, for an answer of at least 4
// letters and digits, they appear run together ("newyork" for "New York").
// Short answers count only as whole words, so the answer "Al" does not
// refuse the question "Name of my pal".
func containsAnswer(question, answer string) bool {
	qw, aw := words(question), words(answer)
	if len(aw) == 0 {
		return false
	}
	for i := 0; i+len(aw) <= len(qw); i++ {
		match := true
		for j := range aw {
			if qw[i+j] != aw[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	compact := strings.Join(aw, "")
	return utf8.RuneCountInString(compact) >= 4 && strings.Contains(strings.Join(qw, ""), compact)
}

// printable reports whether every character of s is a letter, mark,
// number, punctuation, symbol or the ASCII space: no control or format
// characters, which could hide text or reorder it on screen.
func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
