package api

import "strconv"

// money is an amount as the API writes it: a decimal string in the
// currency's major unit with two decimals ("1234.56", "-12.00"), so that no
// client parses money into a float, and the currency's ISO 4217 code. The
// institution keeps integer minor units (DESIGN: "never a float") in US
// dollars.
type money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

func moneyOf(minor int64, currency string) money {
	if currency == "" {
		currency = "USD"
	}
	return money{Amount: decimal(minor), Currency: currency}
}

// decimal writes minor units with two decimals: -1234 is "-12.34".
func decimal(minor int64) string {
	u := uint64(minor)
	sign := ""
	if minor < 0 {
		u, sign = -u, "-" // two's complement: right for math.MinInt64 too
	}
	cents := u % 100
	s := sign + strconv.FormatUint(u/100, 10) + "."
	if cents < 10 {
		s += "0"
	}
	return s + strconv.FormatUint(cents, 10)
}
