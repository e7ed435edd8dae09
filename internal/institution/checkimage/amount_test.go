package checkimage

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAmountInWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cents int64
		want  string
	}{
		{0, "Zero and 00/100"},
		{5, "Zero and 05/100"},
		{100, "One and 00/100"},
		{1234, "Twelve and 34/100"},
		{1900, "Nineteen and 00/100"},
		{2000, "Twenty and 00/100"},
		{2300, "Twenty-three and 00/100"},
		{10000, "One hundred and 00/100"},
		{10100, "One hundred one and 00/100"},
		{99999, "Nine hundred ninety-nine and 99/100"},
		{100000, "One thousand and 00/100"},
		{123456, "One thousand two hundred thirty-four and 56/100"},
		{1234567, "Twelve thousand three hundred forty-five and 67/100"},
		{100000000, "One million and 00/100"},
		{100000100, "One million one and 00/100"},
		{700007000, "Seven million seventy and 00/100"},
		{-123456, "Minus one thousand two hundred thirty-four and 56/100"},
		{math.MaxInt64, "Ninety-two quadrillion two hundred thirty-three trillion seven hundred twenty billion " +
			"three hundred sixty-eight million five hundred forty-seven thousand seven hundred fifty-eight and 07/100"},
		{math.MinInt64, "Minus ninety-two quadrillion two hundred thirty-three trillion seven hundred twenty billion " +
			"three hundred sixty-eight million five hundred forty-seven thousand seven hundred fifty-eight and 08/100"},
	}
	for _, tt := range tests {
		if got := AmountInWords(tt.cents); got != tt.want {
			t.Errorf("AmountInWords(%d)\n got %q\nwant %q", tt.cents, got, tt.want)
		}
	}
}

// TestAmountInWordsRoundTrip reads the words back into a number for many
// amounts, so that every range of every scale word is covered, not just the
// table above.
func TestAmountInWordsRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var cents int64
		switch i % 4 {
		case 0:
			cents = r.Int64N(100_000) // up to $1,000
		case 1:
			cents = r.Int64N(100_000_000_000) // up to $1 billion
		case 2:
			cents = r.Int64() // anything
		default:
			cents = int64(r.IntN(1000)) * pow1000(r.IntN(5)) * 100 // round scales: "seven hundred million"
		}
		words := AmountInWords(cents)
		if strings.Contains(words, "  ") || strings.HasSuffix(words, " ") {
			t.Fatalf("AmountInWords(%d) = %q: stray space", cents, words)
		}
		if got, err := parseWords(words); err != nil || got != cents {
			t.Fatalf("AmountInWords(%d) = %q, which reads back as %d (%v)", cents, words, got, err)
		}
	}
}

func pow1000(n int) int64 {
	p := int64(1)
	for range n {
		p *= 1000
	}
	return p
}

// parseWords reads "One thousand two hundred thirty-four and 56/100" back
// into 123456. It is deliberately independent of the code under test.
func parseWords(s string) (int64, error) {
	small := map[string]uint64{"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
		"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
		"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
		"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
	scale := map[string]uint64{"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "quadrillion": 1e15}
	dollars, frac, ok := strings.Cut(strings.ToLower(s), " and ")
	if !ok || len(frac) != 6 || !strings.HasSuffix(frac, "/100") {
		return 0, errNotWords(s)
	}
	negative := false
	if rest, ok := strings.CutPrefix(dollars, "minus "); ok {
		negative, dollars = true, rest
	}
	var total, group uint64
	for _, w := range strings.Fields(dollars) {
		tens, ones, hyphen := strings.Cut(w, "-")
		switch {
		case hyphen:
			if small[tens] < 20 || small[tens]%10 != 0 || small[ones] == 0 || small[ones] > 9 {
				return 0, errNotWords(s)
			}
			group += small[tens] + small[ones]
		case w == "hundred":
			group *= 100
		case scale[w] > 0:
			total += group * scale[w]
			group = 0
		default:
			n, ok := small[w]
			if !ok {
				return 0, errNotWords(s)
			}
			group += n
		}
	}
	cents := (total+group)*100 + uint64(frac[0]-'0')*10 + uint64(frac[1]-'0')
	if negative {
		return -int64(cents-1) - 1, nil // cents may be 2^63
	}
	return int64(cents), nil
}

type errNotWords string

func (e errNotWords) Error() string { return "not an amount in words: " + string(e) }

func TestFormatAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cents int64
		want  string
	}{
		{5, "0.05"},
		{100, "1.00"},
		{99999, "999.99"},
		{100000, "1,000.00"},
		{123456, "1,234.56"},
		{1234567, "12,345.67"},
		{100000000, "1,000,000.00"},
		{math.MaxInt64, "92,233,720,368,547,758.07"},
	}
	for _, tt := range tests {
		if got := formatAmount(tt.cents); got != tt.want {
			t.Errorf("formatAmount(%d) = %q, want %q", tt.cents, got, tt.want)
		}
	}
}
