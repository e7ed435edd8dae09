package risk_test

import (
	"math"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// FuzzEvaluate feeds Evaluate arbitrary signals, history and controls: it
// must never panic, must return the same Decision twice, and every Decision
// must keep the invariants of checkInvariants.
func FuzzEvaluate(f *testing.F) {
	f.Add(int64(1714572000), []byte{127, 0, 0, 10}, 44.97, -93.26, true, true, "login", "standard", int64(0), 0,
		int64(1714570200), []byte{127, 0, 1, 5}, 37.77, -122.41, "US", "MN", "RU", "US-MN", 1, 7, 22, false, true, uint8(0))
	f.Add(int64(0), []byte{}, math.NaN(), math.Inf(1), false, false, "", "", int64(math.MinInt64), -5,
		int64(math.MaxInt64), []byte{1, 2, 3}, 1e308, -1e308, "", "", "", "", -1, 30, -4, true, false, uint8(255))
	f.Add(int64(-62135596800), []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 90.0, 180.0, false, true, "wire", "high",
		int64(math.MaxInt64), math.MaxInt, int64(-1), []byte{10, 9, 0, 1}, -90.0, -180.0, "gb", "eng", "us-", "ZZ-ZZZ", 6, 0, 24, true, true, uint8(7))

	f.Fuzz(func(t *testing.T,
		nowUnix int64, ip []byte, lat, lon float64, deviceKnown, deviceRegistered bool, action, level string, amount int64, failures int,
		lastUnix int64, lastIP []byte, lastLat, lastLon float64, country, subdivision, block, allow string,
		day, start, end int, pcRequired, enrolled bool, methodBits uint8,
	) {
		addr, _ := netip.AddrFromSlice(ip)
		last, _ := netip.AddrFromSlice(lastIP)
		loc := geo.Location{Country: country, Subdivision: subdivision, Lat: lat, Lon: lon, HasCoordinates: true, AccuracyKm: failures, Known: country != ""}
		all := []risk.Method{risk.MethodQuestions, risk.MethodSMS, risk.MethodVoice, risk.MethodCallback, risk.MethodTOTP, risk.MethodRecoveryCode, risk.MethodAccessCode, risk.MethodPIN}
		var available, blocked []risk.Method
		for i, m := range all {
			if methodBits&(1<<i) != 0 {
				available = append(available, m)
			} else if i%2 == 0 {
				blocked = append(blocked, m)
			}
		}
		s := risk.Signals{
			Now:               time.Unix(nowUnix, 0).UTC(),
			IP:                addr,
			Location:          loc,
			DeviceKnown:       deviceKnown,
			DeviceRegistered:  deviceRegistered,
			UserAgent:         action + level,
			RecentFailures:    failures,
			Action:            risk.Action(action),
			Amount:            amount,
			SecurityLevel:     risk.SecurityLevel(level),
			TwoFactorEnrolled: enrolled,
			AvailableMethods:  available,
			BlockedMethods:    blocked,
			Controls: risk.Controls{
				GeoBlock:               []string{block},
				GeoAllow:               []string{allow},
				PCRegistrationRequired: pcRequired,
				AvailableWindows:       []risk.Window{{Days: []time.Weekday{time.Weekday(day)}, StartHour: start, EndHour: end}},
				TimeZone:               time.FixedZone("X", (failures%24)*3600),
			},
		}
		if block == "" && allow == "" {
			s.Controls.GeoBlock, s.Controls.GeoAllow = nil, nil
		}
		h := risk.NewHistory([]risk.Login{
			{At: time.Unix(lastUnix, 0).UTC(), IP: last, Location: geo.Location{Country: subdivision, Lat: lastLat, Lon: lastLon, HasCoordinates: true, AccuracyKm: -failures}},
			{At: time.Unix(nowUnix, 0).UTC().Add(-time.Hour), IP: addr, Location: loc},
		})
		h.UsualHours = append(h.UsualHours, day, start, end)

		for _, p := range []risk.Policy{risk.SeedPolicy(), risk.ModernPolicy()} {
			p.TwoFactorMandatoryFrom = time.Unix(lastUnix, 0).UTC()
			d := risk.Evaluate(s, p, h)
			if again := risk.Evaluate(s, p, h); !reflect.DeepEqual(d, again) {
				t.Fatalf("Evaluate differs between calls:\n%+v\n%+v", d, again)
			}
			checkInvariants(t, d)
		}
	})
}
