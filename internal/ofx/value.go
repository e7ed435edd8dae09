package ofx

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrValue is wrapped by every error about a malformed amount or date.
var ErrValue = errors.New("ofx: bad value")

// ParseAmount converts an OFX amount to integer minor units (cents), exactly.
// It accepts a sign, a "." or "," decimal separator (some banks send a comma),
// thousands separators of the other kind ("-1,234.56", "1.234,56"), and at
// most two decimal places unless the extra ones are zeros. A lone comma with
// exactly three digits after it ("1,234") is refused as ambiguous.
func ParseAmount(s string) (int64, error) {
	orig := s
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%w: amount %q: %s", ErrValue, truncate(orig), why)
	}
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return bad("no digits")
	}
	dot, comma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dec, group := byte('.'), byte(',')
	switch {
	case dot >= 0 && comma >= 0 && comma > dot:
		dec, group = ',', '.'
	case dot < 0 && comma >= 0:
		if strings.Count(s, ",") > 1 {
			dec, group = 0, ','
		} else {
			if len(s)-comma-1 == 3 && comma > 0 {
				return bad("ambiguous comma (thousands or decimal separator?)")
			}
			dec, group = ',', '.'
		}
	}
	intPart, frac := s, ""
	if dec != 0 {
		if i := strings.LastIndexByte(s, dec); i >= 0 {
			intPart, frac = s[:i], s[i+1:]
		}
	}
	intPart = strings.ReplaceAll(intPart, string(group), "")
	if intPart == "" && frac == "" {
		return bad("no digits")
	}
	if !digits(intPart) || !digits(frac) {
		return bad("not a decimal number")
	}
	for len(frac) > 2 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if len(frac) > 2 {
		return bad("more than two decimal places")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil || n > math.MaxInt64/2 {
		return bad("out of range")
	}
	if neg {
		n = -n
	}
	return n, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatAmount writes minor units as an OFX amount: "-1234.56", "0.05".
func FormatAmount(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = "-"
		u = uint64(-cents)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// ParseDate reads an OFX date: YYYYMMDD, YYYYMMDDHHMM, YYYYMMDDHHMMSS, each
// optionally followed by .XXX milliseconds and a [offset:TZ] suffix such as
// [-5:EST] or [5.5:IST] (a missing offset, "[-:EST]", is taken from the
// US zone names GMT, UTC, EST, EDT, CST, CDT, MST, MDT, PST and PDT; ".XXX" may also be written ":XXX", as one bank
// does); without a suffix the time is GMT, as the
// specification says.
func ParseDate(s string) (time.Time, error) {
	orig := s
	bad := func(why string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w: date %q: %s", ErrValue, truncate(orig), why)
	}
	s = strings.TrimSpace(s)
	loc := time.UTC
	if i := strings.IndexByte(s, '['); i >= 0 {
		if !strings.HasSuffix(s, "]") {
			return bad("time zone not closed with ]")
		}
		tz := s[i+1 : len(s)-1]
		s = s[:i]
		off, name, _ := strings.Cut(tz, ":")
		off = strings.TrimSpace(off)
		if h, ok := zoneHours[strings.ToUpper(name)]; ok && (off == "" || off == "-" || off == "+") {
			off = strconv.Itoa(h) // "[-:EST]": some servers leave the offset out
		}
		hours, err := strconv.ParseFloat(off, 64)
		if err != nil || hours < -14 || hours > 14 || math.IsNaN(hours) {
			return bad("bad time-zone offset")
		}
		secs := int(math.Round(hours * 3600))
		if name == "" {
			name = "GMT" + off
		}
		loc = time.FixedZone(name, secs)
	}
	var ms int
	if len(s) == 18 && s[14] == ':' {
		// Some servers write milliseconds after a colon: 20180804093914:014.
		s = s[:14] + "." + s[15:]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		f := s[i+1:]
		s = s[:i]
		if f == "" || len(f) > 3 || !digits(f) {
			return bad("bad milliseconds")
		}
		for len(f) < 3 {
			f += "0"
		}
		ms, _ = strconv.Atoi(f)
	}
	if !digits(s) {
		return bad("not YYYYMMDD[HHMMSS]")
	}
	switch len(s) {
	case 8:
		s += "000000"
	case 12:
		s += "00"
	case 14:
	default:
		return bad("not YYYYMMDD[HHMMSS]")
	}
	num := func(a, b int) int { n, _ := strconv.Atoi(s[a:b]); return n }
	y, mo, d, h, mi, se := num(0, 4), num(4, 6), num(6, 8), num(8, 10), num(10, 12), num(12, 14)
	t := time.Date(y, time.Month(mo), d, h, mi, se, ms*int(time.Millisecond), loc)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d || t.Hour() != h || t.Minute() != mi || t.Second() != se {
		return bad("no such date or time")
	}
	return t, nil
}

// zoneHours resolves the zone names seen without an offset in real files.
var zoneHours = map[string]int{"GMT": 0, "UTC": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}

// FormatDate writes t in GMT as YYYYMMDDHHMMSS.XXX[0:GMT].
func FormatDate(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%s.%03d[0:GMT]", t.Format("20060102150405"), t.Nanosecond()/int(time.Millisecond))
}
