package checkimage

import "testing"

func TestValidRouting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rn   string
		want bool
	}{
		// 1·3 + 2·7 + 3·1 + 4·3 + 5·7 + 6·1 + 7·3 + 8·7 + 0·1 = 150.
		{"123456780", true},
		{"123456789", false}, // 159
		{"011000015", true},  // Federal Reserve Bank of Boston
		{"021000021", true},  // JPMorgan Chase, New York
		{"322271627", true},
		{"322271626", false},
		{"000000000", false}, // passes the arithmetic, but is an unset field
		{"12345678", false},
		{"1234567800", false},
		{"12345678O", false}, // letter O
		{"12345 780", false},
		{"-23456780", false},
		{"", false},
		{"１23456780", false}, // fullwidth digit one
	}
	for _, tt := range tests {
		if got := ValidRouting(tt.rn); got != tt.want {
			t.Errorf("ValidRouting(%q) = %v, want %v", tt.rn, got, tt.want)
		}
	}
}
