package statementpdf

import "strconv"

// formatMinor formats cents as the statement prints them: thousands
// separators, two decimals, a leading minus for negatives and no sign for
// positives ("1,234.56", "-45.00"). It is exact for every int64.
func formatMinor(v int64) string {
	u := uint64(v)
	if v < 0 {
		u = -u // two's complement magnitude; exact even for math.MinInt64
	}
	digits := strconv.FormatUint(u/100, 10)
	out := make([]byte, 0, len(digits)+len(digits)/3+4)
	if v < 0 {
		out = append(out, '-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, digits[i])
	}
	cents := u % 100
	out = append(out, '.', byte('0'+cents/10), byte('0'+cents%10))
	return string(out)
}

// addMinor adds two amounts, reporting false if the sum does not fit an
// int64 (a wrapped sum could otherwise "add up" by accident).
func addMinor(a, b int64) (int64, bool) {
	s := a + b // Go integer addition wraps; detect it below
	// Overflow iff both operands share a sign and the result's sign differs.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, false
	}
	return s, true
}
