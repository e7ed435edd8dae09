package ofx

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{in: "-1,234.56", want: -123456},
		{in: "1234.5", want: 123450},
		{in: "-.5", want: -50},
		{in: "+7", want: 700},
		{in: "0", want: 0},
		{in: " 12.30 ", want: 1230},
		{in: "12,5", want: 1250},
		{in: "1.234,56", want: 123456},
		{in: "1,234,567", want: 123456700},
		{in: "1.500", want: 150},
		{in: "12.", want: 1200},
		{in: "-0.01", want: -1},
		{in: ",", err: "no digits"},
		{in: "", err: "no digits"},
		{in: "-", err: "no digits"},
		{in: "$120", err: "not a decimal number"},
		{in: "12a", err: "not a decimal number"},
		{in: "1.2.3", err: "not a decimal number"},
		{in: "1.234", err: "more than two decimal places"},
		{in: "1,234", err: "ambiguous comma"},
		{in: "--5", err: "not a decimal number"},
		{in: "99999999999999999999", err: "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAmount(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrValue) {
					t.Fatalf("ParseAmount(%q) = %d, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseAmount(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatAmount(t *testing.T) {
	t.Parallel()
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", -5: "-0.05", 123456: "1234.56", -100: "-1.00"} {
		if got := FormatAmount(cents); got != want {
			t.Errorf("FormatAmount(%d) = %q, want %q", cents, got, want)
		}
		if back, err := ParseAmount(FormatAmount(cents)); err != nil || back != cents {
			t.Errorf("round trip of %d = %d, %v", cents, back, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	est := time.FixedZone("EST", -5*3600)
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "20261014120000.000[-5:EST]", want: time.Date(2026, 10, 14, 12, 0, 0, 0, est)},
		{in: "20261014", want: time.Date(2026, 10, 14, 0, 0, 0, 0, time.UTC)},
		{in: "20261014120000", want: time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)},
		{in: "202610141230", want: time.Date(2026, 10, 14, 12, 30, 0, 0, time.UTC)},
		{in: "20261014120000.5", want: time.Date(2026, 10, 14, 12, 0, 0, 500e6, time.UTC)},
		{in: "20261014120000[5.5:IST]", want: time.Date(2026, 10, 14, 6, 30, 0, 0, time.UTC)},
		{in: "20261014120000[+2]", want: time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC)},
		{in: "20091217162416.000[-:EST]", want: time.Date(2009, 12, 17, 16, 24, 16, 0, est)},
		{in: "20180804093914:014", want: time.Date(2018, 8, 4, 9, 39, 14, 14e6, time.UTC)},
		{in: "", err: "not YYYYMMDD"},
		{in: "2026101", err: "not YYYYMMDD"},
		{in: "20120231", err: "no such date"},
		{in: "201120000000", err: "no such date"},
		{in: "20261014[-5:EST", err: "not closed"},
		{in: "20261014[x:EST]", err: "bad time-zone offset"},
		{in: "20261014[99]", err: "bad time-zone offset"},
		{in: "20261014.1234", err: "bad milliseconds"},
		{in: "2026-10-14", err: "not YYYYMMDD"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDate(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrValue) {
					t.Fatalf("ParseDate(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	in := time.Date(2026, 10, 14, 12, 0, 0, 123456789, time.FixedZone("EST", -5*3600))
	if got, want := FormatDate(in), "20261014170000.123[0:GMT]"; got != want {
		t.Errorf("FormatDate = %q, want %q", got, want)
	}
	back, err := ParseDate(FormatDate(in))
	if err != nil || !back.Equal(in.Truncate(time.Millisecond)) {
		t.Errorf("round trip = %v, %v", back, err)
	}
}

func TestStatusAndPhrases(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]string{
		0: "Success", 2000: "General error", 3000: "MFA challenge authentication required", 3001: "MFA challenge information is invalid",
		15000: "Must change USERPASS", 15500: "Signon invalid", 15501: "Customer account already in use", 15502: "USERPASS lockout",
		15510: "CLIENTUID error", 15511: "contact the financial institution", 15512: "AUTHTOKEN required", 15513: "AUTHTOKEN invalid",
	} {
		if got := StatusMeaning(code); !strings.Contains(got, want) {
			t.Errorf("StatusMeaning(%d) = %q, want it to contain %q", code, got, want)
		}
	}
	if StatusSeverity(0) != SeverityInfo || StatusSeverity(15000) != SeverityInfo || StatusSeverity(3000) != SeverityError || StatusSeverity(99) != SeverityError {
		t.Error("severities")
	}
	for i := 1; i <= 23; i++ {
		id := "MFA" + itoa(i)
		if MFAPhraseMeaning(id) == "" || MFAPhraseMachine(id) {
			t.Errorf("%s: meaning %q, machine %v", id, MFAPhraseMeaning(id), MFAPhraseMachine(id))
		}
	}
	for i := 101; i <= 107; i++ {
		id := "MFA" + itoa(i)
		if MFAPhraseMeaning(id) == "" || !MFAPhraseMachine(id) {
			t.Errorf("%s: meaning %q, machine %v", id, MFAPhraseMeaning(id), MFAPhraseMachine(id))
		}
	}
	if MFAPhraseMeaning("MFA24") != "" || MFAPhraseMeaning("123") != "" || MFAPhraseMachine("MFA108") {
		t.Error("reserved and custom ids")
	}
	if MFAPhraseMeaning("MFA107") != "User agent" || MFAPhraseMeaning("MFA101") != "Datetime, formatted YYYYMMDDHHMMSS" {
		t.Error("machine phrase meanings")
	}
}
