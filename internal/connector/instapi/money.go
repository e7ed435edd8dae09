package instapi

import (
	"fmt"
	"math"
	"strings"
)

// moneyJSON is an amount as the API writes it: a decimal string in the
// currency's major unit with two decimals ("1234.56", "-12.00").
type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// minorUnits reads the API's decimal amount as an integer count of
// hundredths, digit by digit: never through a float, which would round
// some cents away. The API writes two decimals for every currency (it
// divides the bank's minor units by 100), so hundredths are the bank's
// minor units. Fewer decimals are read ("12.5" is 1250); more are refused
// rather than rounded.
func minorUnits(s string) (int64, error) {
	in := s
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && (frac == "" || len(frac) > 2)) || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("the amount %q is not a decimal with at most two decimals", printable(in, 32))
	}
	frac += strings.Repeat("0", 2-len(frac))
	// Accumulate as a negative number: its range reaches math.MinInt64.
	var n int64
	for _, c := range whole + frac {
		d := int64(c - '0')
		if n < (math.MinInt64+d)/10 {
			return 0, fmt.Errorf("the amount %q is too large", printable(in, 32))
		}
		n = n*10 - d
	}
	if neg {
		return n, nil
	}
	if n == math.MinInt64 {
		return 0, fmt.Errorf("the amount %q is too large", printable(in, 32))
	}
	return -n, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// minor reads m's amount, naming what it is for an error.
func (m moneyJSON) minor(what string) (int64, error) {
	n, err := minorUnits(m.Amount)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}
