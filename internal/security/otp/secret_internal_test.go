package otp

import (
	"strings"
	"testing"
)

// TestRandomDigitsCoverEveryDigitEverywhere draws 10,000 codes: each must be
// exactly six digits, leading zeros must occur (a code is not a number
// formatted without padding), and every digit must appear in every position
// about as often as the others. The bounds are loose (expected 1,000 per
// cell, refused below 800 or above 1,200: over six standard deviations), so
// the test fails on a bias, not on bad luck.
func TestRandomDigitsCoverEveryDigitEverywhere(t *testing.T) {
	t.Parallel()
	const n, digits = 10000, 6
	var counts [digits][10]int
	leadingZeros := 0
	for range n {
		c := randomDigits(digits)
		if len(c) != digits || !allDigits(c) {
			t.Fatalf("code %q is not %d digits", c, digits)
		}
		if c[0] == '0' {
			leadingZeros++
		}
		for i := range len(c) {
			counts[i][c[i]-'0']++
		}
	}
	if leadingZeros == 0 {
		t.Fatal("no code of 10,000 starts with 0")
	}
	for pos := range counts {
		for d, got := range counts[pos] {
			if got < 800 || got > 1200 {
				t.Errorf("digit %d appears %d times at position %d; want about 1,000", d, got, pos)
			}
		}
	}
	for _, d := range []int{7, 8, 10} {
		if c := randomDigits(d); len(c) != d || !allDigits(c) {
			t.Errorf("randomDigits(%d) = %q", d, c)
		}
	}
}

func TestRandomStringUsesTheWholeAlphabetEvenly(t *testing.T) {
	t.Parallel()
	const n = 29000 // 1,000 expected per character
	s := randomString(n)
	if len(s) != n || !inAlphabet(s, n) {
		t.Fatalf("randomString drew characters outside the alphabet")
	}
	for _, r := range Alphabet {
		if got := strings.Count(s, string(r)); got < 800 || got > 1200 {
			t.Errorf("%c appears %d times; want about 1,000", r, got)
		}
	}
}

func TestGroupAndNormalize(t *testing.T) {
	t.Parallel()
	if got := group("ABCDEFGHJK", 5); got != "ABCDE-FGHJK" {
		t.Fatalf("group = %q", got)
	}
	if got := normalizeTyped(" abcde - fghjk\t"); got != "ABCDEFGHJK" {
		t.Fatalf("normalizeTyped = %q", got)
	}
}

func TestHashesSeparateTheirParts(t *testing.T) {
	t.Parallel()
	key := []byte(strings.Repeat("k", MinKeyLength))
	// Without length prefixes these two would hash alike.
	a := keyedHash(key, "d", "ab", "c")
	b := keyedHash(key, "d", "a", "bc")
	if string(a) == string(b) {
		t.Fatal("parts are not separated")
	}
	if string(keyedHash(key, "d", "x")) == string(keyedHash([]byte(strings.Repeat("j", MinKeyLength)), "d", "x")) {
		t.Fatal("the key does not change the hash")
	}
}
