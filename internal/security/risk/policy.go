package risk

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Weights are the points each risk signal adds to the score.
type Weights struct {
	NewDevice        int
	NewNetwork       int
	NewCountry       int
	NewState         int
	ImpossibleTravel int
	UnusualHour      int
	RecentFailure    int // per failure, up to MaxCountedFailures
}

// DollarRule steps up an Action whose amount is at or above
// ThresholdMinorUnits (S20). A threshold of 0 steps up every such action.
type DollarRule struct {
	Action              Action
	ThresholdMinorUnits int64
}

// Policy is the institution's risk policy. Build it from SeedPolicy or
// ModernPolicy and adjust; Validate before use (Evaluate refuses everything
// under an invalid policy).
type Policy struct {
	Weights Weights
	// StepUpScore is the score at which a Standard member steps up.
	StepUpScore int
	// DenyScore is the score at which anyone is refused; 0 never refuses
	// on score alone.
	DenyScore int
	// ImpossibleTravelKmh is the fastest believable travel speed.
	ImpossibleTravelKmh int
	// TravelToleranceKm is subtracted from every travel distance, for
	// geolocation error beyond the databases' accuracy radii.
	TravelToleranceKm int
	// DollarRules are the amount rules (S20).
	DollarRules []DollarRule
	// TwoFactorMandatoryFrom is when enrolling a second factor becomes
	// required (S17); the zero time keeps it optional.
	TwoFactorMandatoryFrom time.Time
	// StepUpMethods are the methods the institution accepts for a step-up,
	// most preferred first.
	StepUpMethods []Method
}

// Validation ranges.
const (
	MaxWeight      = 1000
	MaxScore       = 10000
	MinTravelKmh   = 100
	MaxTravelKmh   = 10000
	MaxToleranceKm = 1000
)

// usd is one dollar in minor units.
const usd = 100

// SeedPolicy is the seed documents' engine (NetSafe, the client website
// 2FA): step-up on risk or amount, never a refusal on score, challenge
// questions or an automated phone call first, 2FA enrolment optional.
func SeedPolicy() Policy {
	return Policy{
		Weights: Weights{
			NewDevice:        50,
			NewNetwork:       20,
			NewCountry:       50,
			NewState:         25,
			ImpossibleTravel: 100,
			UnusualHour:      15,
			RecentFailure:    15,
		},
		StepUpScore:         50,
		DenyScore:           0,
		ImpossibleTravelKmh: 900,
		TravelToleranceKm:   100,
		DollarRules: []DollarRule{
			{Action: ActionWire, ThresholdMinorUnits: 10_000 * usd},
			{Action: ActionACH, ThresholdMinorUnits: 10_000 * usd},
			{Action: ActionEPayment, ThresholdMinorUnits: 2_500 * usd},
		},
		StepUpMethods: []Method{MethodQuestions, MethodCallback, MethodSMS, MethodVoice, MethodAccessCode},
	}
}

// ModernPolicy is the current-practice engine: a lower step-up threshold,
// refusal of very high scores, a step-up for every wire, and no
// knowledge-based step-up (NIST SP 800-63B: questions are not an
// authenticator). The institution sets TwoFactorMandatoryFrom.
func ModernPolicy() Policy {
	return Policy{
		Weights: Weights{
			NewDevice:        40,
			NewNetwork:       15,
			NewCountry:       60,
			NewState:         20,
			ImpossibleTravel: 100,
			UnusualHour:      10,
			RecentFailure:    20,
		},
		StepUpScore:         40,
		DenyScore:           150,
		ImpossibleTravelKmh: 900,
		TravelToleranceKm:   100,
		DollarRules: []DollarRule{
			{Action: ActionWire, ThresholdMinorUnits: 0},
			{Action: ActionACH, ThresholdMinorUnits: 5_000 * usd},
			{Action: ActionEPayment, ThresholdMinorUnits: 2_500 * usd},
		},
		StepUpMethods: []Method{MethodTOTP, MethodSMS, MethodVoice, MethodCallback, MethodRecoveryCode, MethodAccessCode},
	}
}

// Validate checks every field against its range and reports every problem at
// once, each naming the field.
func (p Policy) Validate() error {
	var errs []error
	check := func(ok bool, field, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("risk: %s: "+format, append([]any{field}, args...)...))
		}
	}
	intIn := func(v, lo, hi int, field string) {
		check(v >= lo && v <= hi, field, "%d is outside %d–%d", v, lo, hi)
	}
	w := p.Weights
	intIn(w.NewDevice, 0, MaxWeight, "weights.new_device")
	intIn(w.NewNetwork, 0, MaxWeight, "weights.new_network")
	intIn(w.NewCountry, 0, MaxWeight, "weights.new_country")
	intIn(w.NewState, 0, MaxWeight, "weights.new_state")
	intIn(w.ImpossibleTravel, 0, MaxWeight, "weights.impossible_travel")
	intIn(w.UnusualHour, 0, MaxWeight, "weights.unusual_hour")
	intIn(w.RecentFailure, 0, MaxWeight, "weights.recent_failure")
	intIn(p.StepUpScore, 1, MaxScore, "step_up_score")
	check(p.DenyScore == 0 || (p.DenyScore > p.StepUpScore && p.DenyScore <= MaxScore),
		"deny_score", "%d is neither 0 (off) nor above step_up_score (%d) and at most %d", p.DenyScore, p.StepUpScore, MaxScore)
	intIn(p.ImpossibleTravelKmh, MinTravelKmh, MaxTravelKmh, "impossible_travel_kmh")
	intIn(p.TravelToleranceKm, 0, MaxToleranceKm, "travel_tolerance_km")
	for i, r := range p.DollarRules {
		field := fmt.Sprintf("dollar_rules[%d]", i)
		check(r.Action != "", field, "action is empty")
		check(r.Action != ActionLogin, field, "a login has no amount")
		check(r.ThresholdMinorUnits >= 0, field, "threshold %d is negative", r.ThresholdMinorUnits)
	}
	check(len(p.StepUpMethods) > 0, "step_up_methods", "at least one method is needed")
	for i, m := range p.StepUpMethods {
		check(knownStepUpMethod(m), "step_up_methods", "%q is not a step-up method", m)
		check(!slices.Contains(p.StepUpMethods[:i], m), "step_up_methods", "%q is listed twice", m)
	}
	return errors.Join(errs...)
}
