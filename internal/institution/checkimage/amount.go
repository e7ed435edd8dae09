package checkimage

import (
	"fmt"
	"strconv"
	"strings"
)

// AmountInWords writes an amount of cents the way the legal line of a check
// does: whole dollars in words, the cents as a fraction of 100, e.g.
// 123456 → "One thousand two hundred thirty-four and 56/100". Zero dollars is
// "Zero"; a negative amount starts with "Minus".
func AmountInWords(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = "minus "
		u = uint64(-(cents + 1)) + 1 // avoids overflow on math.MinInt64
	}
	text := sign + dollarWords(u/100) + fmt.Sprintf(" and %02d/100", u%100)
	return strings.ToUpper(text[:1]) + text[1:]
}

// dollarWords spells n in American English without "and":
// 1234 → "one thousand two hundred thirty-four".
func dollarWords(n uint64) string {
	if n == 0 {
		return "zero"
	}
	scales := [...]string{"", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"}
	var groups []string
	for scale := 0; n > 0; scale++ {
		if g := n % 1000; g > 0 {
			w := hundredWords(int(g))
			if scales[scale] != "" {
				w += " " + scales[scale]
			}
			groups = append([]string{w}, groups...)
		}
		n /= 1000
	}
	return strings.Join(groups, " ")
}

// hundredWords spells 1..999.
func hundredWords(n int) string {
	ones := [...]string{"", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	tens := [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	var parts []string
	if n >= 100 {
		parts = append(parts, ones[n/100]+" hundred")
		n %= 100
	}
	switch {
	case n >= 20 && n%10 != 0:
		parts = append(parts, tens[n/10]+"-"+ones[n%10])
	case n >= 20:
		parts = append(parts, tens[n/10])
	case n > 0:
		parts = append(parts, ones[n])
	}
	return strings.Join(parts, " ")
}

// formatAmount writes cents with thousands separators and no currency sign:
// 123456 → "1,234.56". It is only called with positive amounts.
func formatAmount(cents int64) string {
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	fmt.Fprintf(&b, ".%02d", cents%100)
	return b.String()
}
