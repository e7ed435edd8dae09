package risk_test

import (
	"net/netip"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/geo/geotest"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// now is a Wednesday, 14:00 UTC (09:00 in Minneapolis).
var now = time.Date(2024, time.May, 1, 14, 0, 0, 0, time.UTC)

// world answers where the sample networks are, through a real .mmdb.
type world struct {
	t  *testing.T
	db *geo.DB
}

func newWorld(t *testing.T) world {
	t.Helper()
	path := filepath.Join(t.TempDir(), "city.mmdb")
	geotest.Write(t, path, geotest.Sample())
	db, err := geo.Open(path)
	if err != nil {
		t.Fatalf("geo.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return world{t: t, db: db}
}

func (w world) at(ip string) (netip.Addr, geo.Location) {
	w.t.Helper()
	a := netip.MustParseAddr(ip)
	loc, err := w.db.Lookup(a)
	if err != nil {
		w.t.Fatalf("Lookup(%s): %v", ip, err)
	}
	return a, loc
}

func (w world) login(ip string, at time.Time) risk.Login {
	a, loc := w.at(ip)
	return risk.Login{At: at, IP: a, Location: loc}
}

// homeHistory is a Minneapolis member who logs in around 14:00 UTC from
// home, most recently lastAgo before now.
func (w world) homeHistory(lastAgo time.Duration) risk.History {
	var logins []risk.Login
	for d := 6; d >= 1; d-- {
		logins = append(logins, w.login("127.0.0.10", now.Add(-time.Duration(d)*24*time.Hour)))
	}
	logins = append(logins, w.login("127.0.0.11", now.Add(-lastAgo)))
	return risk.NewHistory(logins)
}

// homeSignals is the member at home, on their own registered computer.
func (w world) homeSignals() risk.Signals {
	ip, loc := w.at("127.0.0.10")
	return risk.Signals{
		Now:               now,
		IP:                ip,
		Location:          loc,
		DeviceKnown:       true,
		DeviceRegistered:  true,
		UserAgent:         "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/125.0",
		Action:            risk.ActionLogin,
		SecurityLevel:     risk.LevelStandard,
		TwoFactorEnrolled: true,
		AvailableMethods:  []risk.Method{risk.MethodTOTP, risk.MethodSMS, risk.MethodVoice, risk.MethodCallback, risk.MethodQuestions},
	}
}

func dollars(d int64) int64 { return d * 100 }

func pts(n int) *int { return &n }

func TestEvaluateScenarios(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatalf("load time zone: %v", err)
	}
	weekdaysDaytime := []risk.Window{{
		Days:      []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		StartHour: 7, EndHour: 22,
	}}
	wire10k := func(p *risk.Policy) {
		p.DollarRules = []risk.DollarRule{{Action: risk.ActionWire, ThresholdMinorUnits: dollars(10_000)}}
	}
	seedOrder := []risk.Method{risk.MethodQuestions, risk.MethodCallback, risk.MethodSMS, risk.MethodVoice}

	tests := []struct {
		name string
		// modify the defaults: home signals, seed policy, a history whose
		// last login was a day ago.
		signals func(*risk.Signals)
		policy  func(*risk.Policy)
		history func() risk.History
		modern  bool

		want        risk.Outcome
		wantCodes   []string // must all be present
		wantAbsent  []string // must all be absent
		wantMethods []risk.Method
		wantEnrol   risk.Enrolment // checked when not empty
		wantScore   *int           // checked when set
		wantQuiet   bool           // no reasons at all
	}{
		{
			name:      "same device, same city: allowed without a word",
			wantQuiet: true,
			want:      risk.Allow,
			wantScore: pts(0),
			wantEnrol: risk.EnrolNone,
		},
		{
			name:        "new device steps up a Standard member",
			signals:     func(s *risk.Signals) { s.DeviceKnown = false; s.DeviceRegistered = false },
			want:        risk.StepUp,
			wantCodes:   []string{risk.ReasonNewDevice},
			wantMethods: seedOrder,
			wantScore:   pts(50),
		},
		{
			name:        "new device under the modern profile offers no questions",
			signals:     func(s *risk.Signals) { s.DeviceKnown = false },
			modern:      true,
			want:        risk.StepUp,
			wantCodes:   []string{risk.ReasonNewDevice},
			wantMethods: []risk.Method{risk.MethodTOTP, risk.MethodSMS, risk.MethodVoice, risk.MethodCallback},
			wantScore:   pts(40),
		},
		{
			name:       "High security level steps up even on the known device",
			signals:    func(s *risk.Signals) { s.SecurityLevel = risk.LevelHigh },
			want:       risk.StepUp,
			wantCodes:  []string{risk.ReasonSecurityLevelHigh},
			wantAbsent: []string{risk.ReasonNewDevice},
			wantScore:  pts(0),
		},
		{
			name:      "an unset security level is treated as High",
			signals:   func(s *risk.Signals) { s.SecurityLevel = "" },
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonSecurityLevelHigh},
		},
		{
			name: "High level does not step up a small transfer inside the session",
			signals: func(s *risk.Signals) {
				s.SecurityLevel = risk.LevelHigh
				s.Action, s.Amount = risk.ActionTransfer, dollars(50)
			},
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonSecurityLevelHigh},
		},
		{
			name:    "Minneapolis, then San Francisco 30 minutes later: impossible travel",
			signals: func(s *risk.Signals) { s.IP, s.Location = w.at("127.0.1.5") },
			history: func() risk.History { return w.homeHistory(30 * time.Minute) },
			want:    risk.StepUp,
			// 20 new network + 25 new state + 100 impossible travel
			wantCodes: []string{risk.ReasonImpossibleTravel, risk.ReasonNewNetwork, risk.ReasonNewState},
			wantScore: pts(145),
		},
		{
			name:       "Minneapolis, then San Francisco 8 hours later: a flight, not impossible",
			signals:    func(s *risk.Signals) { s.IP, s.Location = w.at("127.0.1.5") },
			history:    func() risk.History { return w.homeHistory(8 * time.Hour) },
			want:       risk.Allow,
			wantCodes:  []string{risk.ReasonNewNetwork, risk.ReasonNewState},
			wantAbsent: []string{risk.ReasonImpossibleTravel},
			wantScore:  pts(45),
		},
		{
			name: "Des Moines 20 minutes after Minneapolis: 378 km is within the tolerance",
			signals: func(s *risk.Signals) {
				s.IP = netip.MustParseAddr("198.51.100.1")
				s.Location = geo.Location{Country: "US", Subdivision: "IA", City: "Des Moines", Lat: 41.5868, Lon: -93.6250, HasCoordinates: true, AccuracyKm: 5, Known: true}
			},
			history:    func() risk.History { return w.homeHistory(20 * time.Minute) },
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonImpossibleTravel},
		},
		{
			name: "Des Moines 20 minutes after Minneapolis with no tolerance is impossible",
			signals: func(s *risk.Signals) {
				s.IP = netip.MustParseAddr("198.51.100.1")
				s.Location = geo.Location{Country: "US", Subdivision: "IA", City: "Des Moines", Lat: 41.5868, Lon: -93.6250, HasCoordinates: true, Known: true}
			},
			policy:    func(p *risk.Policy) { p.TravelToleranceKm = 0 },
			history:   func() risk.History { return w.homeHistory(20 * time.Minute) },
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonImpossibleTravel},
		},
		{
			name: "a mobile address placed in Chicago within 500 km, 30 minutes after Minneapolis",
			signals: func(s *risk.Signals) {
				s.IP = netip.MustParseAddr("198.51.100.1")
				s.Location = geo.Location{Country: "US", Subdivision: "IL", City: "Chicago", Lat: 41.8781, Lon: -87.6298, HasCoordinates: true, AccuracyKm: 500, Known: true}
			},
			history:    func() risk.History { return w.homeHistory(30 * time.Minute) },
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonImpossibleTravel},
		},
		{
			name:      "Minneapolis, then London 2 hours later: impossible travel",
			signals:   func(s *risk.Signals) { s.IP, s.Location = w.at("10.9.1.1") },
			history:   func() risk.History { return w.homeHistory(2 * time.Hour) },
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonImpossibleTravel, risk.ReasonNewCountry},
		},
		{
			name: "a login recorded after now (clock skew) is not travel evidence",
			signals: func(s *risk.Signals) {
				s.IP, s.Location = w.at("127.0.1.5")
			},
			history: func() risk.History {
				h := w.homeHistory(8 * time.Hour)
				h.Logins = append(h.Logins, w.login("127.0.0.12", now.Add(10*time.Minute)))
				return h
			},
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonImpossibleTravel},
		},
		{
			name:       "Moscow for a US member a day later: new country steps up",
			signals:    func(s *risk.Signals) { s.IP, s.Location = w.at("127.0.2.9") },
			want:       risk.StepUp,
			wantCodes:  []string{risk.ReasonNewCountry, risk.ReasonNewNetwork},
			wantAbsent: []string{risk.ReasonImpossibleTravel, risk.ReasonNewState},
			wantScore:  pts(70),
		},
		{
			name: "Moscow on the member's block list: refused whatever the score",
			signals: func(s *risk.Signals) {
				s.IP, s.Location = w.at("127.0.2.9")
				s.Controls.GeoBlock = []string{"RU"}
			},
			want:        risk.Deny,
			wantCodes:   []string{risk.ReasonGeoBlocked},
			wantMethods: nil,
		},
		{
			name: "block list with RU does not touch a login from home",
			signals: func(s *risk.Signals) {
				s.Controls.GeoBlock = []string{"ru"}
			},
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonGeoBlocked},
		},
		{
			name: "block list wins over allow list",
			signals: func(s *risk.Signals) {
				s.Controls.GeoAllow = []string{"US"}
				s.Controls.GeoBlock = []string{"US-MN"}
			},
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonGeoBlocked},
		},
		{
			name: "allow list of Minnesota refuses San Francisco",
			signals: func(s *risk.Signals) {
				s.IP, s.Location = w.at("127.0.1.5")
				s.Controls.GeoAllow = []string{"US-MN", "US-WI"}
			},
			history:   func() risk.History { return w.homeHistory(8 * time.Hour) },
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonGeoBlocked},
		},
		{
			name: "allow list of Minnesota admits a state-level location in Minnesota",
			signals: func(s *risk.Signals) {
				s.IP, s.Location = w.at("127.0.3.1")
				s.Controls.GeoAllow = []string{"US-MN"}
			},
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonGeoBlocked, risk.ReasonGeoUnverified},
		},
		{
			name: "allow list with no geolocation database: cannot verify, so step up",
			signals: func(s *risk.Signals) {
				s.Location = geo.Location{}
				s.Controls.GeoAllow = []string{"US"}
			},
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonGeoUnverified, risk.ReasonLocationUnknown},
		},
		{
			name: "block list with no geolocation database cannot block",
			signals: func(s *risk.Signals) {
				s.Location = geo.Location{}
				s.Controls.GeoBlock = []string{"RU"}
			},
			want:       risk.Allow,
			wantCodes:  []string{risk.ReasonLocationUnknown},
			wantAbsent: []string{risk.ReasonGeoBlocked},
		},
		{
			name: "PC registration required and this computer is not registered",
			signals: func(s *risk.Signals) {
				s.DeviceRegistered = false
				s.Controls.PCRegistrationRequired = true
			},
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonPCNotRegistered},
		},
		{
			name: "PC registration required and this computer is registered",
			signals: func(s *risk.Signals) {
				s.Controls.PCRegistrationRequired = true
			},
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonPCNotRegistered},
		},
		{
			name: "Sunday 3 am in Chicago, outside the member's weekday windows",
			signals: func(s *risk.Signals) {
				s.Now = time.Date(2024, time.May, 5, 3, 0, 0, 0, chicago).UTC()
				s.Controls.AvailableWindows = weekdaysDaytime
				s.Controls.TimeZone = chicago
			},
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonOutsideHours},
		},
		{
			name: "Wednesday 9 am in Chicago, inside the member's windows",
			signals: func(s *risk.Signals) {
				s.Controls.AvailableWindows = weekdaysDaytime
				s.Controls.TimeZone = chicago
			},
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonOutsideHours},
		},
		{
			name: "Wednesday 10 pm in Chicago: the window's end hour is excluded",
			signals: func(s *risk.Signals) {
				s.Now = time.Date(2024, time.May, 1, 22, 0, 0, 0, chicago).UTC()
				s.Controls.AvailableWindows = weekdaysDaytime
				s.Controls.TimeZone = chicago
			},
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonOutsideHours},
		},
		{
			name: "a layered-control violation beats High level's step-up",
			signals: func(s *risk.Signals) {
				s.SecurityLevel = risk.LevelHigh
				s.DeviceRegistered = false
				s.Controls.PCRegistrationRequired = true
			},
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonPCNotRegistered, risk.ReasonSecurityLevelHigh},
		},
		{
			name:      "$12,000 wire with a $10,000 rule steps up",
			signals:   func(s *risk.Signals) { s.Action, s.Amount = risk.ActionWire, dollars(12_000) },
			policy:    wire10k,
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonAmountRule},
			wantScore: pts(0),
		},
		{
			name:      "$10,000.00 wire with a $10,000 rule: at the threshold steps up",
			signals:   func(s *risk.Signals) { s.Action, s.Amount = risk.ActionWire, dollars(10_000) },
			policy:    wire10k,
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonAmountRule},
		},
		{
			name:       "$9,999.99 wire with a $10,000 rule is allowed",
			signals:    func(s *risk.Signals) { s.Action, s.Amount = risk.ActionWire, dollars(10_000)-1 },
			policy:     wire10k,
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonAmountRule},
		},
		{
			name:       "$12,000 transfer: the wire rule does not apply to transfers",
			signals:    func(s *risk.Signals) { s.Action, s.Amount = risk.ActionTransfer, dollars(12_000) },
			policy:     wire10k,
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonAmountRule},
		},
		{
			name:      "a negative amount is judged by its size",
			signals:   func(s *risk.Signals) { s.Action, s.Amount = risk.ActionWire, -dollars(12_000) },
			policy:    wire10k,
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonAmountRule},
		},
		{
			name:      "$50 transfer is allowed",
			signals:   func(s *risk.Signals) { s.Action, s.Amount = risk.ActionTransfer, dollars(50) },
			want:      risk.Allow,
			wantEnrol: risk.EnrolNone,
		},
		{
			name:      "modern profile steps up every wire, even $1",
			signals:   func(s *risk.Signals) { s.Action, s.Amount = risk.ActionWire, dollars(1) },
			modern:    true,
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonAmountRule},
		},
		{
			name:      "seed ACH rule at $10,000",
			signals:   func(s *risk.Signals) { s.Action, s.Amount = risk.ActionACH, dollars(10_000) },
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonAmountRule},
		},
		{
			name:      "2FA optional, no mandatory date: offered with skip for now",
			signals:   func(s *risk.Signals) { s.TwoFactorEnrolled = false },
			want:      risk.Allow,
			wantEnrol: risk.EnrolOffer,
			wantCodes: []string{risk.ReasonEnrolmentOffered},
		},
		{
			name:      "2FA before the mandatory date: offered",
			signals:   func(s *risk.Signals) { s.TwoFactorEnrolled = false },
			policy:    func(p *risk.Policy) { p.TwoFactorMandatoryFrom = now.Add(24 * time.Hour) },
			want:      risk.Allow,
			wantEnrol: risk.EnrolOffer,
			wantCodes: []string{risk.ReasonEnrolmentOffered},
		},
		{
			name:       "2FA from the mandatory date on: required",
			signals:    func(s *risk.Signals) { s.TwoFactorEnrolled = false },
			policy:     func(p *risk.Policy) { p.TwoFactorMandatoryFrom = now },
			want:       risk.Allow,
			wantEnrol:  risk.EnrolRequire,
			wantCodes:  []string{risk.ReasonEnrolmentRequired},
			wantAbsent: []string{risk.ReasonEnrolmentOffered},
		},
		{
			name:      "2FA enrolled: nothing to offer",
			policy:    func(p *risk.Policy) { p.TwoFactorMandatoryFrom = now.Add(-time.Hour) },
			want:      risk.Allow,
			wantEnrol: risk.EnrolNone,
		},
		{
			name: "2FA enrolment is a login matter, not a transfer's",
			signals: func(s *risk.Signals) {
				s.TwoFactorEnrolled = false
				s.Action, s.Amount = risk.ActionTransfer, dollars(50)
			},
			policy:    func(p *risk.Policy) { p.TwoFactorMandatoryFrom = now.Add(-time.Hour) },
			want:      risk.Allow,
			wantEnrol: risk.EnrolNone,
		},
		{
			name: "blocked questions and PINs leave the callback",
			signals: func(s *risk.Signals) {
				s.DeviceKnown = false
				s.BlockedMethods = []risk.Method{risk.MethodQuestions, risk.MethodPIN}
			},
			want:        risk.StepUp,
			wantMethods: []risk.Method{risk.MethodCallback},
		},
		{
			name: "a blocked SMS leaves voice",
			signals: func(s *risk.Signals) {
				s.DeviceKnown = false
				s.BlockedMethods = []risk.Method{risk.MethodSMS}
			},
			want:        risk.StepUp,
			wantMethods: []risk.Method{risk.MethodQuestions, risk.MethodCallback, risk.MethodVoice},
		},
		{
			name: "a method the member has not set up is not offered",
			signals: func(s *risk.Signals) {
				s.DeviceKnown = false
				s.AvailableMethods = []risk.Method{risk.MethodSMS, risk.MethodAccessCode}
			},
			want:        risk.StepUp,
			wantMethods: []risk.Method{risk.MethodSMS, risk.MethodAccessCode},
		},
		{
			name: "every method blocked: refused, call the institution",
			signals: func(s *risk.Signals) {
				s.DeviceKnown = false
				s.BlockedMethods = []risk.Method{risk.MethodQuestions, risk.MethodPIN, risk.MethodCallback}
			},
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonNewDevice, risk.ReasonNoStepUpMethod},
		},
		{
			name:      "two recent failures add points but do not step up alone",
			signals:   func(s *risk.Signals) { s.RecentFailures = 2 },
			want:      risk.Allow,
			wantCodes: []string{risk.ReasonRecentFailures},
			wantScore: pts(30),
		},
		{
			name: "failures beyond three count as three; with an unusual hour they step up",
			signals: func(s *risk.Signals) {
				s.RecentFailures = 9
				s.Now = time.Date(2024, time.May, 1, 3, 0, 0, 0, time.UTC)
			},
			history:   func() risk.History { return w.homeHistory(24*time.Hour - 11*time.Hour) },
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonRecentFailures, risk.ReasonUnusualHour},
			wantScore: pts(60),
		},
		{
			name:      "3 am UTC for a member who logs in around 14:00: unusual hour",
			signals:   func(s *risk.Signals) { s.Now = time.Date(2024, time.May, 1, 3, 0, 0, 0, time.UTC) },
			history:   func() risk.History { return w.homeHistory(24*time.Hour - 11*time.Hour) },
			want:      risk.Allow,
			wantCodes: []string{risk.ReasonUnusualHour},
			wantScore: pts(15),
		},
		{
			name:       "an hour next to a usual hour is usual",
			signals:    func(s *risk.Signals) { s.Now = now.Add(time.Hour) },
			want:       risk.Allow,
			wantAbsent: []string{risk.ReasonUnusualHour},
		},
		{
			name:       "no geolocation database: neutral, said as info",
			signals:    func(s *risk.Signals) { s.Location = geo.Location{} },
			want:       risk.Allow,
			wantCodes:  []string{risk.ReasonLocationUnknown},
			wantAbsent: []string{risk.ReasonNewCountry, risk.ReasonImpossibleTravel},
			wantScore:  pts(0),
		},
		{
			name: "an address outside the database from a known network is neutral",
			signals: func(s *risk.Signals) {
				s.IP, s.Location = w.at("127.0.4.1")
			},
			history: func() risk.History {
				h := w.homeHistory(24 * time.Hour)
				h.UsualNetworks = append(h.UsualNetworks, netip.MustParsePrefix("127.0.4.0/24"))
				return h
			},
			want:      risk.Allow,
			wantCodes: []string{risk.ReasonLocationUnknown},
			wantScore: pts(0),
		},
		{
			name:      "first login ever: no history, a new device, step up",
			signals:   func(s *risk.Signals) { s.DeviceKnown = false },
			history:   func() risk.History { return risk.History{} },
			want:      risk.StepUp,
			wantCodes: []string{risk.ReasonNoHistory, risk.ReasonNewDevice},
			wantScore: pts(50),
		},
		{
			name: "modern profile refuses a new device in a new country at impossible speed",
			signals: func(s *risk.Signals) {
				s.DeviceKnown = false
				s.IP, s.Location = w.at("127.0.2.9")
			},
			history:   func() risk.History { return w.homeHistory(time.Hour) },
			modern:    true,
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonHighRiskScore, risk.ReasonImpossibleTravel, risk.ReasonNewCountry, risk.ReasonNewDevice},
			wantScore: pts(40 + 15 + 60 + 100),
		},
		{
			name: "the seed profile never refuses on score",
			signals: func(s *risk.Signals) {
				s.DeviceKnown = false
				s.IP, s.Location = w.at("127.0.2.9")
			},
			history:    func() risk.History { return w.homeHistory(time.Hour) },
			want:       risk.StepUp,
			wantAbsent: []string{risk.ReasonHighRiskScore},
			wantScore:  pts(50 + 20 + 50 + 100),
		},
		{
			name:      "an invalid policy refuses everything",
			policy:    func(p *risk.Policy) { p.StepUpScore = 0 },
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonPolicyInvalid},
		},
		{
			name:      "invalid layered controls refuse",
			signals:   func(s *risk.Signals) { s.Controls.GeoBlock = []string{"Russia"} },
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonControlsInvalid},
		},
		{
			name:      "a request without an action is refused",
			signals:   func(s *risk.Signals) { s.Action = "" },
			want:      risk.Deny,
			wantCodes: []string{risk.ReasonActionMissing},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := w.homeSignals()
			if tt.signals != nil {
				tt.signals(&s)
			}
			p := risk.SeedPolicy()
			if tt.modern {
				p = risk.ModernPolicy()
			}
			if tt.policy != nil {
				tt.policy(&p)
			}
			h := w.homeHistory(24 * time.Hour)
			if tt.history != nil {
				h = tt.history()
			}

			d := risk.Evaluate(s, p, h)

			if d.Outcome != tt.want {
				t.Errorf("Outcome = %s, want %s; reasons %v", d.Outcome, tt.want, d.Reasons)
			}
			for _, c := range tt.wantCodes {
				if !d.HasReason(c) {
					t.Errorf("reason %q missing; got %v", c, d.Codes())
				}
			}
			for _, c := range tt.wantAbsent {
				if d.HasReason(c) {
					t.Errorf("reason %q present; got %v", c, d.Reasons)
				}
			}
			if tt.wantMethods != nil && !slices.Equal(d.Methods, tt.wantMethods) {
				t.Errorf("Methods = %v, want %v", d.Methods, tt.wantMethods)
			}
			if tt.wantEnrol != "" && d.EnrolTwoFactor != tt.wantEnrol {
				t.Errorf("EnrolTwoFactor = %s, want %s", d.EnrolTwoFactor, tt.wantEnrol)
			}
			if tt.wantQuiet && len(d.Reasons) != 0 {
				t.Errorf("reasons %v, want none", d.Reasons)
			}
			if tt.wantScore != nil && d.Score != *tt.wantScore {
				t.Errorf("Score = %d, want %d; reasons %v", d.Score, *tt.wantScore, d.Reasons)
			}
			checkInvariants(t, d)
		})
	}
}

// checkInvariants holds for every Decision.
func checkInvariants(t *testing.T, d risk.Decision) {
	t.Helper()
	sum := 0
	for _, r := range d.Reasons {
		if r.Code == "" || r.Detail == "" {
			t.Errorf("reason without code or detail: %+v", r)
		}
		if r.Effect == risk.EffectScore {
			sum += r.Points
		} else if r.Points != 0 {
			t.Errorf("reason %s has points but effect %s", r.Code, r.Effect)
		}
	}
	if sum != d.Score {
		t.Errorf("Score %d is not the sum of the score reasons' points %d", d.Score, sum)
	}
	switch d.Outcome {
	case risk.Allow:
		if len(d.Methods) != 0 {
			t.Errorf("Allow with methods %v", d.Methods)
		}
	case risk.StepUp:
		if len(d.Methods) == 0 {
			t.Errorf("StepUp with no methods")
		}
		explained := slices.ContainsFunc(d.Reasons, func(r risk.Reason) bool {
			return r.Effect == risk.EffectStepUp || (r.Effect == risk.EffectScore && r.Points > 0)
		})
		if !explained {
			t.Errorf("StepUp without a reason that steps up or scores: %v", d.Reasons)
		}
	case risk.Deny:
		if len(d.Methods) != 0 {
			t.Errorf("Deny with methods %v", d.Methods)
		}
		if !slices.ContainsFunc(d.Reasons, func(r risk.Reason) bool { return r.Effect == risk.EffectDeny }) {
			t.Errorf("Deny without a deny reason: %v", d.Reasons)
		}
	default:
		t.Errorf("Outcome %q is not allow, step_up or deny", d.Outcome)
	}
	switch d.EnrolTwoFactor {
	case risk.EnrolNone, risk.EnrolOffer, risk.EnrolRequire:
	default:
		t.Errorf("EnrolTwoFactor %q is not none, offer or require", d.EnrolTwoFactor)
	}
}

func TestEvaluateDetails(t *testing.T) {
	t.Parallel()
	w := newWorld(t)

	t.Run("impossible travel names both places, the distance and the speed", func(t *testing.T) {
		t.Parallel()
		s := w.homeSignals()
		s.IP, s.Location = w.at("127.0.1.5")
		d := risk.Evaluate(s, risk.SeedPolicy(), w.homeHistory(30*time.Minute))
		detail := reasonDetail(t, d, risk.ReasonImpossibleTravel)
		// Minneapolis–San Francisco is about 2,545 km great-circle.
		for _, part := range []string{"Minneapolis, US-MN", "San Francisco, US-CA", "2545 km", "30m0s later", "above 900 km/h"} {
			if !strings.Contains(detail, part) {
				t.Errorf("detail %q lacks %q", detail, part)
			}
		}
	})
	t.Run("amount rule shows dollars", func(t *testing.T) {
		t.Parallel()
		s := w.homeSignals()
		s.Action, s.Amount = risk.ActionWire, 1_234_567_89
		d := risk.Evaluate(s, risk.SeedPolicy(), w.homeHistory(24*time.Hour))
		detail := reasonDetail(t, d, risk.ReasonAmountRule)
		if !strings.Contains(detail, "$1,234,567.89") || !strings.Contains(detail, "$10,000.00") {
			t.Errorf("detail %q lacks the amounts", detail)
		}
	})
	t.Run("new device quotes a cleaned, shortened user agent", func(t *testing.T) {
		t.Parallel()
		s := w.homeSignals()
		s.DeviceKnown = false
		s.UserAgent = "Evil\x00\r\nAgent " + strings.Repeat("x", 500)
		d := risk.Evaluate(s, risk.SeedPolicy(), w.homeHistory(24*time.Hour))
		detail := reasonDetail(t, d, risk.ReasonNewDevice)
		if strings.ContainsAny(detail, "\x00\r\n") || len(detail) > 300 || !strings.Contains(detail, "EvilAgent") {
			t.Errorf("detail %q is not cleaned and shortened", detail)
		}
	})
	t.Run("outside hours shows the member's local time", func(t *testing.T) {
		t.Parallel()
		chicago, err := time.LoadLocation("America/Chicago")
		if err != nil {
			t.Fatal(err)
		}
		s := w.homeSignals()
		s.Now = time.Date(2024, time.May, 5, 3, 0, 0, 0, chicago).UTC()
		s.Controls = risk.Controls{AvailableWindows: []risk.Window{{Days: []time.Weekday{time.Monday}, StartHour: 0, EndHour: 24}}, TimeZone: chicago}
		d := risk.Evaluate(s, risk.SeedPolicy(), w.homeHistory(24*time.Hour))
		if detail := reasonDetail(t, d, risk.ReasonOutsideHours); !strings.Contains(detail, "Sunday 03:00 CDT") {
			t.Errorf("detail %q lacks the local time", detail)
		}
	})
}

func reasonDetail(t *testing.T, d risk.Decision, code string) string {
	t.Helper()
	for _, r := range d.Reasons {
		if r.Code == code {
			return r.Detail
		}
	}
	t.Fatalf("reason %q missing; got %v", code, d.Codes())
	return ""
}

func TestEvaluateIsDeterministicAndLeavesInputsAlone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.homeSignals()
	s.DeviceKnown = false
	s.IP, s.Location = w.at("127.0.1.5")
	s.BlockedMethods = []risk.Method{risk.MethodSMS}
	h := w.homeHistory(30 * time.Minute)
	p := risk.SeedPolicy()
	before := slices.Clone(s.AvailableMethods)

	first := risk.Evaluate(s, p, h)
	for range 20 {
		if again := risk.Evaluate(s, p, h); !reflect.DeepEqual(first, again) {
			t.Fatalf("Evaluate differs between calls:\n%+v\n%+v", first, again)
		}
	}
	if !slices.Equal(s.AvailableMethods, before) {
		t.Errorf("AvailableMethods changed to %v", s.AvailableMethods)
	}
}
