package risk_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

func TestProfilesAreValid(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]risk.Policy{"seed": risk.SeedPolicy(), "modern": risk.ModernPolicy()} {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*risk.Policy)
		field  string // "" means valid
	}{
		{"seed as shipped", func(*risk.Policy) {}, ""},
		{"negative weight", func(p *risk.Policy) { p.Weights.NewDevice = -1 }, "weights.new_device"},
		{"weight too large", func(p *risk.Policy) { p.Weights.RecentFailure = risk.MaxWeight + 1 }, "weights.recent_failure"},
		{"zero weight turns a signal off", func(p *risk.Policy) { p.Weights.UnusualHour = 0 }, ""},
		{"step-up score zero", func(p *risk.Policy) { p.StepUpScore = 0 }, "step_up_score"},
		{"deny score below step-up", func(p *risk.Policy) { p.DenyScore = p.StepUpScore }, "deny_score"},
		{"deny score above the maximum", func(p *risk.Policy) { p.DenyScore = risk.MaxScore + 1 }, "deny_score"},
		{"deny score off", func(p *risk.Policy) { p.DenyScore = 0 }, ""},
		{"travel speed too slow", func(p *risk.Policy) { p.ImpossibleTravelKmh = risk.MinTravelKmh - 1 }, "impossible_travel_kmh"},
		{"travel speed too fast", func(p *risk.Policy) { p.ImpossibleTravelKmh = risk.MaxTravelKmh + 1 }, "impossible_travel_kmh"},
		{"negative tolerance", func(p *risk.Policy) { p.TravelToleranceKm = -1 }, "travel_tolerance_km"},
		{"dollar rule without action", func(p *risk.Policy) { p.DollarRules = []risk.DollarRule{{ThresholdMinorUnits: 1}} }, "dollar_rules[0]"},
		{"dollar rule on login", func(p *risk.Policy) { p.DollarRules = []risk.DollarRule{{Action: risk.ActionLogin}} }, "dollar_rules[0]"},
		{"negative threshold", func(p *risk.Policy) {
			p.DollarRules = append(p.DollarRules, risk.DollarRule{Action: risk.ActionWire, ThresholdMinorUnits: -1})
		}, "dollar_rules[3]"},
		{"no step-up methods", func(p *risk.Policy) { p.StepUpMethods = nil }, "step_up_methods"},
		{"unknown step-up method", func(p *risk.Policy) { p.StepUpMethods = []risk.Method{"carrier_pigeon"} }, "step_up_methods"},
		{"pin is a counter, not a method", func(p *risk.Policy) { p.StepUpMethods = []risk.Method{risk.MethodPIN} }, "step_up_methods"},
		{"duplicate step-up method", func(p *risk.Policy) {
			p.StepUpMethods = []risk.Method{risk.MethodSMS, risk.MethodSMS}
		}, "step_up_methods"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := risk.SeedPolicy()
			tt.modify(&p)
			err := p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate accepted it, want an error about %s", tt.field)
			}
			if !strings.Contains(err.Error(), "risk: "+tt.field+":") {
				t.Errorf("error %q does not name %s", err, tt.field)
			}
		})
	}
}

func TestControlsValidate(t *testing.T) {
	t.Parallel()
	chicago := time.FixedZone("CST", -6*3600)
	tests := []struct {
		name     string
		controls risk.Controls
		errPart  string // "" means valid
	}{
		{"zero restricts nothing", risk.Controls{}, ""},
		{"countries and states", risk.Controls{GeoAllow: []string{"US", "ca", "US-MN", "GB-ENG"}, GeoBlock: []string{"RU", "FR-75"}}, ""},
		{"country name", risk.Controls{GeoBlock: []string{"Russia"}}, "geo_block"},
		{"empty place", risk.Controls{GeoAllow: []string{""}}, "geo_allow"},
		{"empty subdivision", risk.Controls{GeoAllow: []string{"US-"}}, "geo_allow"},
		{"subdivision too long", risk.Controls{GeoAllow: []string{"US-MINN"}}, "geo_allow"},
		{"a city is not a place", risk.Controls{GeoAllow: []string{"US-MN-Minneapolis"}}, "geo_allow"},
		{"valid window", risk.Controls{AvailableWindows: []risk.Window{{Days: []time.Weekday{time.Saturday}, StartHour: 0, EndHour: 24}}, TimeZone: chicago}, ""},
		{"window without zone", risk.Controls{AvailableWindows: []risk.Window{{Days: []time.Weekday{time.Monday}, StartHour: 8, EndHour: 9}}}, "time_zone"},
		{"window without days", risk.Controls{AvailableWindows: []risk.Window{{StartHour: 8, EndHour: 9}}, TimeZone: chicago}, "no days"},
		{"window with a bad day", risk.Controls{AvailableWindows: []risk.Window{{Days: []time.Weekday{7}, StartHour: 8, EndHour: 9}}, TimeZone: chicago}, "not a day"},
		{"window across midnight", risk.Controls{AvailableWindows: []risk.Window{{Days: []time.Weekday{time.Monday}, StartHour: 22, EndHour: 2}}, TimeZone: chicago}, "hours 22–2"},
		{"window past 24", risk.Controls{AvailableWindows: []risk.Window{{Days: []time.Weekday{time.Monday}, StartHour: 8, EndHour: 25}}, TimeZone: chicago}, "hours 8–25"},
		{"empty window", risk.Controls{AvailableWindows: []risk.Window{{Days: []time.Weekday{time.Monday}, StartHour: 8, EndHour: 8}}, TimeZone: chicago}, "hours 8–8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.controls.Validate()
			if tt.errPart == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) || !strings.HasPrefix(err.Error(), "risk: controls: ") {
				t.Errorf("Validate = %v, want an error with %q", err, tt.errPart)
			}
		})
	}
}

func TestNewHistory(t *testing.T) {
	t.Parallel()
	mn := geo.Location{Country: "US", Subdivision: "MN", City: "Minneapolis", Known: true}
	wi := geo.Location{Country: "US", Subdivision: "WI", Known: true}
	gb := geo.Location{Country: "GB", Known: true}
	day := func(d, hour int) time.Time { return time.Date(2024, time.April, d, hour, 30, 0, 0, time.UTC) }
	logins := []risk.Login{
		{At: day(1, 13), IP: netip.MustParseAddr("198.51.100.7"), Location: mn},
		{At: day(3, 14), IP: netip.MustParseAddr("198.51.100.200"), Location: mn},
		{At: day(2, 22), IP: netip.MustParseAddr("203.0.113.9"), Location: wi},
		{At: day(4, 9), IP: netip.MustParseAddr("2001:db8:aa:1::5"), Location: gb},
		{At: day(5, 13), IP: netip.MustParseAddr("::ffff:198.51.100.9"), Location: geo.Location{}},
	}

	h := risk.NewHistory(logins)
	if want := []string{"GB", "US"}; !slices.Equal(h.UsualCountries, want) {
		t.Errorf("UsualCountries = %v, want %v", h.UsualCountries, want)
	}
	if want := []string{"US-MN", "US-WI"}; !slices.Equal(h.UsualSubdivisions, want) {
		t.Errorf("UsualSubdivisions = %v, want %v", h.UsualSubdivisions, want)
	}
	wantNets := []netip.Prefix{
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("2001:db8:aa::/48"),
	}
	if !slices.Equal(h.UsualNetworks, wantNets) {
		t.Errorf("UsualNetworks = %v, want %v", h.UsualNetworks, wantNets)
	}
	if want := []int{9, 13, 14, 22}; !slices.Equal(h.UsualHours, want) {
		t.Errorf("UsualHours = %v, want %v", h.UsualHours, want)
	}
	if !h.Logins[0].At.Equal(day(5, 13)) {
		t.Errorf("Logins not newest first: %v", h.Logins)
	}
	logins[0].Location.Country = "XX"
	if slices.Contains(h.UsualCountries, "XX") || h.Logins[len(h.Logins)-1].Location.Country != "US" {
		t.Errorf("NewHistory shares the caller's slice")
	}

	few := risk.NewHistory(logins[:risk.MinLoginsForHours-1])
	if len(few.UsualHours) != 0 {
		t.Errorf("UsualHours = %v from %d logins, want none until %d", few.UsualHours, risk.MinLoginsForHours-1, risk.MinLoginsForHours)
	}
}

func TestNetworkOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip   netip.Addr
		want netip.Prefix
	}{
		{netip.MustParseAddr("198.51.100.77"), netip.MustParsePrefix("198.51.100.0/24")},
		{netip.MustParseAddr("::ffff:198.51.100.77"), netip.MustParsePrefix("198.51.100.0/24")},
		{netip.MustParseAddr("2001:db8:1:2:3::4"), netip.MustParsePrefix("2001:db8:1::/48")},
		{netip.MustParseAddr("fe80::1%eth0"), netip.MustParsePrefix("fe80::/48")},
		{netip.Addr{}, netip.Prefix{}},
	}
	for _, tt := range tests {
		if got := risk.NetworkOf(tt.ip); got != tt.want {
			t.Errorf("NetworkOf(%v) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}
