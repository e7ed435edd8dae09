package risk

// Outcome is what the caller must do.
type Outcome string

// The outcomes, weakest first.
const (
	// Allow lets the login or transaction continue.
	Allow Outcome = "allow"
	// StepUp asks for one of Decision.Methods before continuing.
	StepUp Outcome = "step_up"
	// Deny refuses; a layered-control violation is reported to the
	// member's message center.
	Deny Outcome = "deny"
)

func (o Outcome) rank() int {
	switch o {
	case Allow:
		return 0
	case StepUp:
		return 1
	default:
		return 2
	}
}

// Enrolment is what to do about a member without a second factor (S17).
type Enrolment string

// The enrolment prompts.
const (
	// EnrolNone: nothing to ask (enrolled already, or not a login).
	EnrolNone Enrolment = "none"
	// EnrolOffer: offer enrolment with "skip for now".
	EnrolOffer Enrolment = "offer"
	// EnrolRequire: the member must enrol before continuing.
	EnrolRequire Enrolment = "require"
)

// Effect is what a Reason did to the Decision.
type Effect string

// The effects.
const (
	// EffectInfo changed nothing; it explains what could not be checked.
	EffectInfo Effect = "info"
	// EffectScore added Reason.Points to the score.
	EffectScore Effect = "score"
	// EffectStepUp required a step-up by itself.
	EffectStepUp Effect = "step_up"
	// EffectDeny refused by itself.
	EffectDeny Effect = "deny"
	// EffectEnrol set Decision.EnrolTwoFactor.
	EffectEnrol Effect = "enrol"
)

// Reason codes. They are stable: the audit log, the message center and staff
// screens key on them.
const (
	ReasonPolicyInvalid     = "policy_invalid"
	ReasonControlsInvalid   = "controls_invalid"
	ReasonActionMissing     = "action_missing"
	ReasonGeoBlocked        = "geo_blocked"
	ReasonGeoUnverified     = "geo_unverified"
	ReasonPCNotRegistered   = "pc_not_registered"
	ReasonOutsideHours      = "outside_available_hours"
	ReasonSecurityLevelHigh = "security_level_high"
	ReasonLocationUnknown   = "location_unknown"
	ReasonNoHistory         = "no_history"
	ReasonNewDevice         = "new_device"
	ReasonNewNetwork        = "new_network"
	ReasonNewCountry        = "new_country"
	ReasonNewState          = "new_state"
	ReasonImpossibleTravel  = "impossible_travel"
	ReasonUnusualHour       = "unusual_hour"
	ReasonRecentFailures    = "recent_failures"
	ReasonHighRiskScore     = "high_risk_score"
	ReasonAmountRule        = "amount_rule"
	ReasonEnrolmentOffered  = "two_factor_enrolment_offered"
	ReasonEnrolmentRequired = "two_factor_enrolment_required"
	ReasonNoStepUpMethod    = "no_step_up_method"
)

// Reason is one rule that fired.
type Reason struct {
	// Code is stable and machine-readable, e.g. "impossible_travel".
	Code string
	// Detail is for staff: places, networks, distances, amounts; never a
	// secret.
	Detail string
	// Effect is what the reason did.
	Effect Effect
	// Points is what it added to the score (EffectScore only).
	Points int
}

// Decision is the engine's answer.
type Decision struct {
	Outcome Outcome
	// Methods are the step-up methods the member may use, most preferred
	// first; set only when Outcome is StepUp, and then never empty.
	Methods []Method
	// Reasons are the rules that fired, in the order they were checked.
	Reasons []Reason
	// Score is the sum of the score reasons' points.
	Score int
	// EnrolTwoFactor says whether to prompt for 2FA enrolment (logins only).
	EnrolTwoFactor Enrolment
}

// HasReason reports whether a reason with code fired.
func (d Decision) HasReason(code string) bool {
	for _, r := range d.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// Codes returns the reason codes in order, for logs and audit details.
func (d Decision) Codes() []string {
	codes := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		codes[i] = r.Code
	}
	return codes
}
