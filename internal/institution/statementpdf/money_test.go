package statementpdf

import (
	"math"
	"testing"
)

func TestFormatMinor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{-5, "-0.05"},
		{100, "1.00"},
		{-4_500, "-45.00"},
		{99_999, "999.99"},
		{123_456, "1,234.56"},
		{-123_456, "-1,234.56"},
		{100_000_000, "1,000,000.00"},
		{math.MaxInt64, "92,233,720,368,547,758.07"},
		{math.MinInt64, "-92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := formatMinor(tt.in); got != tt.want {
			t.Errorf("formatMinor(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAddMinor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b int64
		sum  int64
		ok   bool
	}{
		{1, 2, 3, true},
		{-5, 3, -2, true},
		{math.MaxInt64, -1, math.MaxInt64 - 1, true},
		{math.MaxInt64, 1, 0, false},
		{math.MinInt64, -1, 0, false},
		{math.MinInt64, math.MaxInt64, -1, true},
	}
	for _, tt := range tests {
		sum, ok := addMinor(tt.a, tt.b)
		if ok != tt.ok || (ok && sum != tt.sum) {
			t.Errorf("addMinor(%d, %d) = %d, %v; want %d, %v", tt.a, tt.b, sum, ok, tt.sum, tt.ok)
		}
	}
}
