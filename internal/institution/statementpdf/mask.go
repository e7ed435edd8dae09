package statementpdf

import (
	"errors"
	"strings"
	"unicode"
)

// maskNumber is the account number as printed: its last four letters or
// digits behind a fixed run of asterisks, so neither the number nor its
// length shows ("****6789").
func maskNumber(number string) (string, error) {
	alnum := alphanumeric(number)
	switch {
	case alnum == "":
		return "", errors.New("account number is missing")
	case len(alnum) <= 4:
		// Printing the last four would print all of it.
		return "", errors.New("account number is too short to mask (it needs more than 4 letters or digits)")
	}
	return "****" + alnum[len(alnum)-4:], nil
}

// maskIn replaces every occurrence of the full account number in text (as
// given, or as its bare letters and digits) with its masked form, so a
// description such as "TRANSFER FROM 123456789" cannot leak it.
func maskIn(text, number string) string {
	masked, err := maskNumber(number)
	if err != nil {
		return text
	}
	for _, form := range []string{strings.TrimSpace(number), alphanumeric(number)} {
		if form != "" {
			text = strings.ReplaceAll(text, form, masked)
		}
	}
	return text
}

func alphanumeric(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, s)
}
