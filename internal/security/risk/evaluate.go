package risk

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Evaluate decides one login or transaction. It is pure and deterministic:
// the same inputs give the same Decision, and it never panics. See the
// package documentation for the rules and the scoring model.
func Evaluate(s Signals, p Policy, h History) Decision {
	e := evaluation{s: s, p: p, h: h, outcome: Allow, enrol: EnrolNone}
	if err := p.Validate(); err != nil {
		e.add(ReasonPolicyInvalid, EffectDeny, 0, "risk policy is invalid: %v", err)
		return e.decision()
	}
	if err := s.Controls.Validate(); err != nil {
		e.add(ReasonControlsInvalid, EffectDeny, 0, "member's layered controls are invalid: %v", err)
		return e.decision()
	}
	if s.Action == "" {
		e.add(ReasonActionMissing, EffectDeny, 0, "no action given")
		return e.decision()
	}
	e.layeredControls()
	e.securityLevel()
	e.scoreSignals()
	e.thresholds()
	e.dollarRules()
	e.enrolment()
	e.stepUpMethods()
	return e.decision()
}

type evaluation struct {
	s       Signals
	p       Policy
	h       History
	outcome Outcome
	score   int
	reasons []Reason
	enrol   Enrolment
	methods []Method
}

func (e *evaluation) add(code string, effect Effect, points int, format string, args ...any) {
	e.reasons = append(e.reasons, Reason{Code: code, Detail: fmt.Sprintf(format, args...), Effect: effect, Points: points})
	switch effect {
	case EffectScore:
		e.score += points
	case EffectStepUp:
		e.raise(StepUp)
	case EffectDeny:
		e.raise(Deny)
	}
}

func (e *evaluation) raise(o Outcome) {
	if o.rank() > e.outcome.rank() {
		e.outcome = o
	}
}

func (e *evaluation) decision() Decision {
	d := Decision{Outcome: e.outcome, Reasons: e.reasons, Score: e.score, EnrolTwoFactor: e.enrol}
	if d.Outcome == StepUp {
		d.Methods = e.methods
	}
	return d
}

// layeredControls applies the member's Personal Internet Branch (S21).
func (e *evaluation) layeredControls() {
	c, loc := e.s.Controls, e.s.Location
	switch verdict, place := c.checkGeo(loc); verdict {
	case geoBlocked:
		e.add(ReasonGeoBlocked, EffectDeny, 0, "access from %s (%s) is on the member's block list (%s)", loc, addr(e.s), place)
	case geoNotAllowed:
		e.add(ReasonGeoBlocked, EffectDeny, 0, "access from %s (%s) is outside the member's allowed places (%s)", loc, addr(e.s), strings.ToUpper(strings.Join(c.GeoAllow, ", ")))
	case geoUnverified:
		e.add(ReasonGeoUnverified, EffectStepUp, 0, "the member allows only %s, and %s could not be placed precisely enough (%s)", strings.ToUpper(strings.Join(c.GeoAllow, ", ")), addr(e.s), loc)
	}
	if c.PCRegistrationRequired && !e.s.DeviceRegistered {
		e.add(ReasonPCNotRegistered, EffectDeny, 0, "the member requires a registered computer and this device is not registered")
	}
	if !c.available(e.s.Now) {
		local := e.s.Now.In(c.TimeZone)
		e.add(ReasonOutsideHours, EffectDeny, 0, "%s %s is outside the member's available days and hours",
			local.Weekday(), local.Format("15:04 MST"))
	}
}

// securityLevel steps up every login of a High member (S18).
func (e *evaluation) securityLevel() {
	if e.s.Action != ActionLogin {
		return
	}
	switch e.s.SecurityLevel {
	case LevelStandard:
	case LevelHigh:
		e.add(ReasonSecurityLevelHigh, EffectStepUp, 0, "security level High asks for a second factor at every login")
	default:
		e.add(ReasonSecurityLevelHigh, EffectStepUp, 0, "security level %q is unknown and treated as High", clean(string(e.s.SecurityLevel)))
	}
}

// scoreSignals adds the points of the risk signals (S19).
func (e *evaluation) scoreSignals() {
	s, h, w := e.s, e.h, e.p.Weights
	loc := s.Location
	located := loc.Country != ""
	if !located {
		e.add(ReasonLocationUnknown, EffectInfo, 0, "no geolocation for %s: country, state and travel signals not checked", addr(s))
	}
	if h.empty() {
		e.add(ReasonNoHistory, EffectInfo, 0, "no earlier successful login to compare with: network, place, travel and hour signals not checked")
	}

	if !s.DeviceKnown {
		e.add(ReasonNewDevice, EffectScore, w.NewDevice, "device not seen before for this member (%s)", userAgent(s.UserAgent))
	}
	if network := NetworkOf(s.IP); network.IsValid() && len(h.UsualNetworks) > 0 &&
		!slices.ContainsFunc(h.UsualNetworks, func(p netip.Prefix) bool { return p.IsValid() && p.Contains(s.IP.Unmap().WithZone("")) }) {
		e.add(ReasonNewNetwork, EffectScore, w.NewNetwork, "network %s is not among the member's %d usual networks", network, len(h.UsualNetworks))
	}
	if located {
		switch {
		case len(h.UsualCountries) > 0 && !containsFold(h.UsualCountries, loc.Country):
			e.add(ReasonNewCountry, EffectScore, w.NewCountry, "%s is not among the member's usual countries (%s)", loc, strings.Join(h.UsualCountries, ", "))
		case loc.SubdivisionCode() != "" && len(h.UsualSubdivisions) > 0 && !containsFold(h.UsualSubdivisions, loc.SubdivisionCode()):
			e.add(ReasonNewState, EffectScore, w.NewState, "%s is not among the member's usual states (%s)", loc, strings.Join(h.UsualSubdivisions, ", "))
		}
	}
	e.impossibleTravel()
	if h.hoursLearned() && !h.usualHour(s.Now.UTC().Hour()) {
		e.add(ReasonUnusualHour, EffectScore, w.UnusualHour, "%s UTC is not near an hour the member usually logs in", s.Now.UTC().Format("15:04"))
	}
	if s.RecentFailures > 0 {
		n := min(s.RecentFailures, MaxCountedFailures)
		e.add(ReasonRecentFailures, EffectScore, n*w.RecentFailure, "%d recent failed login attempts", s.RecentFailures)
	}
}

// impossibleTravel compares the current location with the last located
// successful login.
func (e *evaluation) impossibleTravel() {
	loc := e.s.Location
	if !loc.HasCoordinates || !validCoordinates(loc.Lat, loc.Lon) {
		return
	}
	last, ok := e.h.lastLocated(e.s.Now)
	if !ok {
		return
	}
	km := haversineKm(last.Location.Lat, last.Location.Lon, loc.Lat, loc.Lon)
	slack := float64(e.p.TravelToleranceKm) + float64(max(last.Location.AccuracyKm, 0)) + float64(max(loc.AccuracyKm, 0))
	effective := km - slack
	if effective <= 0 {
		return
	}
	elapsed := e.s.Now.Sub(last.At)
	hours := elapsed.Hours()
	if hours > 0 && effective/hours <= float64(e.p.ImpossibleTravelKmh) {
		return
	}
	speed := "an instant"
	if hours > 0 {
		speed = fmt.Sprintf("%.0f km/h", effective/hours)
	}
	e.add(ReasonImpossibleTravel, EffectScore, e.p.Weights.ImpossibleTravel,
		"%s at %s UTC, then %s %s later: %.0f km (%.0f beyond tolerance), %s, above %d km/h",
		last.Location, last.At.UTC().Format("2006-01-02 15:04"), loc, elapsed.Round(time.Minute), km, effective, speed, e.p.ImpossibleTravelKmh)
}

// thresholds turns the score into an outcome.
func (e *evaluation) thresholds() {
	if e.p.DenyScore > 0 && e.score >= e.p.DenyScore {
		e.add(ReasonHighRiskScore, EffectDeny, 0, "risk score %d reaches the refusal threshold %d", e.score, e.p.DenyScore)
		return
	}
	if e.score >= e.p.StepUpScore {
		e.raise(StepUp)
	}
}

// dollarRules steps up large money movements (S20).
func (e *evaluation) dollarRules() {
	amount := e.s.Amount
	if amount < 0 {
		amount = -amount
		if amount < 0 { // math.MinInt64
			amount = math.MaxInt64
		}
	}
	for _, r := range e.p.DollarRules {
		if r.Action == e.s.Action && amount >= r.ThresholdMinorUnits {
			e.add(ReasonAmountRule, EffectStepUp, 0, "%s of %s is at or above the %s rule of %s",
				e.s.Action, money(amount), r.Action, money(r.ThresholdMinorUnits))
			return
		}
	}
}

// enrolment offers or requires a second factor at login (S17).
func (e *evaluation) enrolment() {
	if e.s.Action != ActionLogin || e.s.TwoFactorEnrolled {
		return
	}
	from := e.p.TwoFactorMandatoryFrom
	if from.IsZero() || e.s.Now.Before(from) {
		e.enrol = EnrolOffer
		if from.IsZero() {
			e.add(ReasonEnrolmentOffered, EffectEnrol, 0, "two-factor enrolment is optional: offer it with \"skip for now\"")
		} else {
			e.add(ReasonEnrolmentOffered, EffectEnrol, 0, "two-factor enrolment is optional until %s: offer it with \"skip for now\"", from.UTC().Format("2006-01-02"))
		}
		return
	}
	e.enrol = EnrolRequire
	e.add(ReasonEnrolmentRequired, EffectEnrol, 0, "two-factor enrolment is mandatory since %s", from.UTC().Format("2006-01-02"))
}

// stepUpMethods lists the usable step-up methods and refuses a step-up nobody can
// pass.
func (e *evaluation) stepUpMethods() {
	if e.outcome != StepUp {
		return
	}
	blocked := func(m Method) bool {
		return slices.Contains(e.s.BlockedMethods, m) ||
			((m == MethodSMS || m == MethodVoice) && slices.Contains(e.s.BlockedMethods, MethodPIN))
	}
	for _, m := range e.p.StepUpMethods {
		if slices.Contains(e.s.AvailableMethods, m) && !blocked(m) {
			e.methods = append(e.methods, m)
		}
	}
	if len(e.methods) == 0 {
		e.add(ReasonNoStepUpMethod, EffectDeny, 0, "a step-up is needed but no method is set up and unblocked: the member must call the institution")
	}
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func addr(s Signals) string {
	if !s.IP.IsValid() {
		return "an unknown address"
	}
	return s.IP.String()
}

// money formats minor units as dollars, e.g. $12,000.00.
func money(minor int64) string {
	whole, cents := minor/100, minor%100
	digits := fmt.Sprint(whole)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("$%s.%02d", b.String(), cents)
}

// userAgent shortens a User-Agent header for a reason detail and drops
// control characters: the header is whatever the client sent.
func userAgent(ua string) string {
	ua = clean(ua)
	if ua == "" {
		return "no user agent"
	}
	return ua
}

// clean keeps the first 120 printable characters of s.
func clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 120 {
			b.WriteString("…")
			break
		}
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			n++
		}
	}
	return strings.TrimSpace(b.String())
}
