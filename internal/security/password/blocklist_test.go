package password

import (
	"bufio"
	"strings"
	"testing"
)

func TestBlocklist(t *testing.T) {
	t.Parallel()
	if n := CommonCount(); n < 10000 {
		t.Fatalf("blocklist has %d entries, want at least 10,000", n)
	}
	tests := map[string]bool{
		"password":  true,
		"123456":    true,
		"qwerty":    true,
		"PASSWORD":  true,
		"QwErTy":    true,
		"iloveyou":  true,
		"letmein":   true,
		"knight":    true, // from the zxcvbn-go list only
		"Password1": true,
		// NFKC: full-width letters are the ASCII word.
		"ｐａｓｓｗｏｒｄ":                      true,
		"":                              false,
		"password ":                     false, // whole-password compare
		"velvet quarry lantern mosaic":  false,
		strings.Repeat("a", MaxBytes+1): false,
	}
	for pw, want := range tests {
		if got := IsCommon(pw); got != want {
			t.Errorf("IsCommon(%.20q) = %v, want %v", pw, got, want)
		}
	}
}

// TestBlocklistFile checks the shipped file's promises: one entry a line,
// lower-case, trimmed, no duplicates, no blank lines.
func TestBlocklistFile(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	line := 0
	for sc.Scan() {
		line++
		w := sc.Text()
		switch {
		case w == "":
			t.Fatalf("line %d is blank", line)
		case w != strings.TrimSpace(w):
			t.Fatalf("line %d has surrounding space", line)
		case w != strings.ToLower(w):
			t.Fatalf("line %d is not lower-case", line)
		case seen[w]:
			t.Fatalf("line %d repeats an earlier entry", line)
		}
		seen[w] = true
	}
	if len(seen) != CommonCount() {
		t.Fatalf("file has %d entries, set has %d", len(seen), CommonCount())
	}
}
