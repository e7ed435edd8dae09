package api

import (
	"strconv"
	"strings"
)

// money is an amount as the API writes it: a decimal string in the
// currency's major unit ("1234.56", "-12.00") and the currency's ISO 4217
// code, so that no client parses money into a float. LedgerSync keeps
// integer minor units (DESIGN: "never a float"); this is their only
// conversion, done in integers.
type money struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

func moneyOf(minor int64, currency string) money {
	if currency == "" {
		currency = "USD"
	}
	return money{Amount: decimal(minor, minorDigits(currency)), Currency: currency}
}

// minorDigits is how many decimals the currency's minor unit has: two for
// most, none for the yen and its like, three for the dinars that have fils.
func minorDigits(currency string) int {
	switch strings.ToUpper(currency) {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

// decimal writes minor units with digits decimals: decimal(-4210, 2) is
// "-42.10".
func decimal(minor int64, digits int) string {
	u := uint64(minor)
	sign := ""
	if minor < 0 {
		u, sign = -u, "-" // two's complement: right for math.MinInt64 too
	}
	s := strconv.FormatUint(u, 10)
	if digits == 0 {
		return sign + s
	}
	if len(s) <= digits {
		s = strings.Repeat("0", digits-len(s)+1) + s
	}
	return sign + s[:len(s)-digits] + "." + s[len(s)-digits:]
}
