package console

import "testing"

func TestWords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"LockoutAfter":                "Lockout after",
		"TempPasswordTTL":             "Temp password TTL",
		"CodeTTL":                     "Code TTL",
		"Risk.Weights.NewDevice":      "Risk weights: new device",
		"Risk.ImpossibleTravelKmh":    "Risk: impossible travel kmh",
		"Risk.TwoFactorMandatoryFrom": "Risk: two factor mandatory from",
		"PasswordMinLengthSoleFactor": "Password min length sole factor",
	} {
		if got := words(in); got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMoneyAndDollars(t *testing.T) {
	t.Parallel()
	for minor, want := range map[int64]string{0: "$0.00", 5: "$0.05", 123456: "$1,234.56", -500: "−$5.00", 100000000: "$1,000,000.00"} {
		if got := money(minor); got != want {
			t.Errorf("money(%d) = %q, want %q", minor, got, want)
		}
	}
	for in, want := range map[string]int64{"2500": 250000, "2,500.5": 250050, "$2,500.00": 250000, "0.07": 7} {
		if got, err := parseDollars(in); err != nil || got != want {
			t.Errorf("parseDollars(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-5", "1.234", "abc", "1.", "$"} {
		if _, err := parseDollars(bad); err == nil {
			t.Errorf("parseDollars(%q) accepted", bad)
		}
	}
}
