// Package risk owns the adaptive risk engine of the security core
// (REQUIREMENTS S17–S21): given what is known about one login or one money
// movement, it decides whether to let it through, to ask for a second factor
// first (step-up), or to refuse it, and says why.
//
// Evaluate is a pure function: no I/O, no clock, no randomness. The caller
// gathers the inputs (the request's Signals, including the member's own
// layered Controls; the institution's Policy; the member's History) and acts
// on the Decision: run the step-up, write the message-center message for a
// refusal, log and audit the decision with its reason codes.
//
// # Order of the rules
//
//  1. An invalid Policy or Controls, or a Signals without an Action, is
//     refused (policy_invalid, controls_invalid, action_missing): the engine
//     fails closed rather than guess.
//  2. The member's layered controls, "Personal Internet Branch" (S21), refuse
//     regardless of the score: a location on the member's block list or
//     outside their allow list (geo_blocked), an unregistered device when PC
//     registration is required (pc_not_registered), a time outside the
//     member's available days and hours (outside_available_hours). When the
//     member has an allow list but the location cannot be established (no
//     geolocation database, an address it does not cover, or a state-level
//     entry and no state), the engine cannot prove a violation and steps up
//     instead (geo_unverified). Block lists only act on a known location.
//  3. Security level High steps up at every login (security_level_high, S18).
//     An empty or unknown level is treated as High.
//  4. Risk signals add points to the score (S19); Standard members step up
//     when the score reaches Policy.StepUpScore, and anyone is refused when it
//     reaches Policy.DenyScore (high_risk_score; 0 turns that off).
//  5. Dollar rules (S20): a wire, ACH or e-payment (or any action named in a
//     DollarRule) at or above the rule's amount steps up (amount_rule).
//  6. At login, a member without a second factor is offered enrolment with
//     "skip for now" before Policy.TwoFactorMandatoryFrom and required to enrol
//     from then on (S17); a zero date keeps it optional for ever.
//  7. A step-up lists the methods the member can use: Policy.StepUpMethods in
//     the institution's order, kept when the member has set them up
//     (Signals.AvailableMethods) and not blocked (Signals.BlockedMethods, S4).
//     A step-up with no usable method becomes a refusal (no_step_up_method):
//     the member has to call the institution, as the seed describes.
//
// The outcome is the strongest of all rules: Deny over StepUp over Allow.
// Every rule that fired is a Reason, so a refusal or a step-up always has at
// least one, and informational reasons (location_unknown, no_history,
// two_factor_enrolment_offered) may accompany any outcome.
//
// # Scoring model
//
// Points are added per signal; the weights are Policy.Weights:
//
//	signal (reason code)  fires when                                        seed  modern
//	new_device            the device cookie is not one this member has used   50      40
//	new_network           the address is outside every usual network          20      15
//	                      (a /24 for IPv4, a /48 for IPv6: NetworkOf)
//	new_country           the country is not a usual country                  50      60
//	new_state             usual country, but the state (ISO 3166-2
//	                      subdivision) is not a usual one                     25      20
//	impossible_travel     the speed from the last located successful login   100     100
//	                      exceeds Policy.ImpossibleTravelKmh
//	unusual_hour          the UTC hour, and the hours either side of it, are  15      10
//	                      not among the usual hours
//	recent_failures       per recent failure, at most MaxCountedFailures      15      20
//
//	threshold             seed  modern
//	StepUpScore             50      40
//	DenyScore                0     150   (0: the score never refuses)
//	ImpossibleTravelKmh    900     900   (a jet's cruising speed)
//	TravelToleranceKm      100     100
//
// So in both profiles a new device alone steps up; a new network or a new
// state alone does not; a known device in a new state on a new network (a
// member who flew to a conference with their own laptop) is allowed by both
// (45 < 50, 35 < 40) unless something else adds to it; a new country, or
// impossible travel, steps up.
//
// Impossible travel compares the current location with the most recent
// successful login before Signals.Now that had coordinates: the great-circle
// (haversine) distance, less Policy.TravelToleranceKm and both locations'
// accuracy radii (a city-level geolocation is a circle, not a point), divided
// by the hours between them. Logging in at home and across the country half
// an hour later is over 900 km/h; the same trip eight hours later is not.
//
// Location-based signals (new_country, new_state, impossible_travel) are
// neutral when the location is unknown: a reason location_unknown records
// that they could not be checked. Signals that compare with History are
// silent when the corresponding usual set is empty, and a member with no
// history at all gets the reason no_history; a first login still steps up
// through new_device.
//
// Dollar rules of the profiles (amounts in cents):
//
//	seed:   wire ≥ $10,000; ach ≥ $10,000; epayment ≥ $2,500
//	modern: every wire;     ach ≥ $5,000;  epayment ≥ $2,500
//
// Step-up methods of the profiles, in order: seed: questions, callback, sms,
// voice, access_code (the seed's challenge questions or automated phone call,
// the 6-digit PIN by text or voice, an advisor's one-time access code);
// modern: totp, sms, voice, callback, recovery_code, access_code (no
// knowledge-based factor, NIST SP 800-63B).
//
// Nothing in a Decision is secret: reasons carry place names, networks,
// distances and amounts for staff, never a password, answer, code or token.
package risk
