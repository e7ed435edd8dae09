// Package policy owns the numbers of the security core: every rule of
// REQUIREMENTS §S that an institution (or LedgerSync) may tune is a field of
// Policy, with its allowed range checked by Validate. Two profiles ship:
// Seed, the seed documents' rules exactly, and Modern, NIST SP 800-63B rev 4
// and OWASP ASVS level 2. The other security packages take plain values
// from a Policy; only the engine that wires them reads this type.
package policy

import (
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/session"
)

// QuestionMode says how challenge questions are asked (S9).
type QuestionMode string

// The two question modes.
const (
	// Rotating asks one question, a different one at each login.
	Rotating QuestionMode = "rotating"
	// TwoOfThree asks two of the three; both must be right.
	TwoOfThree QuestionMode = "two_of_three"
)

// TempPasswordFormula is how staff-issued temporary passwords are made (S5).
// The seed's four formulas derive the password from facts about the member;
// they exist because institutions use them, and are weak by construction:
// anyone who knows the member's SSN or birth year knows the password.
type TempPasswordFormula string

// The temporary password formulas.
const (
	// Random is a random code delivered out of band: the default.
	Random TempPasswordFormula = "random"
	// SSNLast4 is the last four digits of the SSN.
	SSNLast4 TempPasswordFormula = "ssn_last4"
	// SSNFirst4LastNameLast2 is the first four digits of the SSN and the last
	// two letters of the last name, in capitals.
	SSNFirst4LastNameLast2 TempPasswordFormula = "ssn_first4_last_name_last2"
	// BirthYearLastNameFirst2 is the four-digit birth year and the first two
	// letters of the last name, in capitals.
	BirthYearLastNameFirst2 TempPasswordFormula = "birth_year_last_name_first2"
	// SSNLast4BirthYear is the last four digits of the SSN and the birth year.
	SSNLast4BirthYear TempPasswordFormula = "ssn_last4_birth_year"
)

// NeverExpires as PasswordExpiryDays turns off expiry on non-use (S6).
const NeverExpires = 999

// Policy is every tunable rule of the security core.
type Policy struct {
	Profile string // "seed", "modern" or "custom"

	// Passwords (S2).
	PasswordMinLength           int // with a second factor enrolled; floor 6
	PasswordMinLengthSoleFactor int // when the password is the only factor
	PasswordMaxLength           int // at most 256
	PasswordComplexity          bool
	PasswordBlocklist           bool
	PasswordMinStrength         int // zxcvbn score 0–4; 0 = off

	// Lockout (S4): failures allowed per method before it is blocked.
	LockoutAfter int

	// Temporary passwords, activation and expiry (S5–S7).
	TempPasswordFormula       TempPasswordFormula
	TempPasswordTTL           time.Duration // staff reset: 24 h in the seed
	NewMemberPasswordTTL      time.Duration // new memberships: 1–7 days
	ActivationCodeTTL         time.Duration // self-enrolment code: 24 h
	PasswordExpiryDays        int           // on non-use: 1–90, or 999 = never
	PasswordExpiryWarningDays int           // warn this many days before

	// Challenge questions (S8–S12).
	QuestionCount           int
	QuestionMode            QuestionMode
	AnswerMaxLength         int
	QuestionsAsSecondFactor bool          // false: questions never satisfy a step-up on their own
	RecollectEvery          time.Duration // questions and phones (S10); 0 = never

	// One-time PINs and codes (S13–S16).
	MaxPhones       int
	CodeDigits      int
	CodeTTL         time.Duration
	CodeMaxAttempts int
	AccessCodeTTL   time.Duration // staff-issued one-time access: at most 24 h

	// Security level for new members (S18); the two-factor mandatory date
	// (S17) is Risk.TwoFactorMandatoryFrom.
	HighSecurityByDefault bool

	// Adaptive risk (S17–S21): score weights, thresholds, impossible travel,
	// dollar rules, the two-factor mandatory date.
	Risk risk.Policy

	// Sessions (S23).
	IdleTimeoutSecurity time.Duration // login and security screens
	IdleTimeoutDefault  time.Duration // everywhere else
	IdleWarningBefore   time.Duration // the "2 minutes left" warning shows this long before the idle deadline
	SessionMaxAge       time.Duration // absolute cap, activity or not

	// OFX Direct Connect. OFXClientUIDRequired refuses a signon without a
	// CLIENTUID (status 15510); without the requirement, such a signon is
	// taken as an OFX 1.0.2 client that cannot name its device: every risk
	// signal but the device applies. OFXMachinePhrases are the
	// machine-answerable phrases (MFA101–MFA107) asked with every OFX MFA
	// challenge, answered by the client program itself.
	OFXClientUIDRequired bool
	OFXMachinePhrases    []string
}

const day = 24 * time.Hour

// Seed is the seed documents' rules exactly.
func Seed() Policy {
	return Policy{
		Profile:                     "seed",
		PasswordMinLength:           6,
		PasswordMinLengthSoleFactor: 6,
		PasswordMaxLength:           256,
		PasswordComplexity:          true,
		PasswordBlocklist:           false,
		LockoutAfter:                3,
		TempPasswordFormula:         Random,
		TempPasswordTTL:             day,
		NewMemberPasswordTTL:        7 * day,
		ActivationCodeTTL:           day,
		PasswordExpiryDays:          90,
		PasswordExpiryWarningDays:   7,
		QuestionMode:                Rotating,
		QuestionsAsSecondFactor:     true,
		RecollectEvery:              180 * day,
		MaxPhones:                   4,
		CodeDigits:                  6,
		CodeTTL:                     5 * time.Minute,
		CodeMaxAttempts:             3,
		AccessCodeTTL:               day,
		IdleTimeoutSecurity:         5 * time.Minute,
		IdleTimeoutDefault:          15 * time.Minute,
		IdleWarningBefore:           2 * time.Minute,
		SessionMaxAge:               12 * time.Hour,
		Risk:                        risk.SeedPolicy(),
	}
}

// Modern is NIST SP 800-63B rev 4 with OWASP ASVS level 2: long passwords
// without composition rules, a blocklist, no knowledge-based factor, codes
// valid at most 10 minutes, no expiry on a schedule.
func Modern() Policy {
	p := Seed()
	p.Profile = "modern"
	p.PasswordMinLength = 8
	p.PasswordMinLengthSoleFactor = 15
	p.PasswordComplexity = false
	p.PasswordBlocklist = true
	p.PasswordExpiryDays = NeverExpires
	p.QuestionsAsSecondFactor = false
	p.CodeTTL = 10 * time.Minute
	p.LockoutAfter = 3
	p.Risk = risk.ModernPolicy()
	p.OFXClientUIDRequired = true
	return p
}

// Sessions is the session timeouts of the policy.
func (p Policy) Sessions() session.Policy {
	return session.Policy{
		IdleDefault:  p.IdleTimeoutDefault,
		IdleSecurity: p.IdleTimeoutSecurity,
		Absolute:     p.SessionMaxAge,
		Warning:      p.IdleWarningBefore,
	}
}

// ByName returns the named profile.
func ByName(name string) (Policy, error) {
	switch name {
	case "seed":
		return Seed(), nil
	case "modern":
		return Modern(), nil
	}
	return Policy{}, fmt.Errorf("policy: unknown profile %q: use seed or modern", name)
}

// Validate checks every field against its range and the fields against each
// other, and reports every problem at once, each naming the field.
func (p Policy) Validate() error {
	var errs []error
	check := func(ok bool, field, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf("policy: %s: "+format, append([]any{field}, args...)...))
		}
	}
	intIn := func(v, lo, hi int, field string) {
		check(v >= lo && v <= hi, field, "%d is outside %d–%d", v, lo, hi)
	}
	durIn := func(v, lo, hi time.Duration, field string) {
		check(v >= lo && v <= hi, field, "%s is outside %s–%s", v, lo, hi)
	}
	for _, id := range p.OFXMachinePhrases {
		check(machinePhrase(id), "ofx_machine_phrases", "%q is not one of MFA101–MFA107", id)
	}
	intIn(p.PasswordMinLength, 6, 64, "password_min_length")
	intIn(p.PasswordMinLengthSoleFactor, p.PasswordMinLength, 64, "password_min_length_sole_factor")
	intIn(p.PasswordMaxLength, 64, 256, "password_max_length")
	intIn(p.PasswordMinStrength, 0, 4, "password_min_strength")
	intIn(p.LockoutAfter, 1, 10, "lockout_after")
	switch p.TempPasswordFormula {
	case Random, SSNLast4, SSNFirst4LastNameLast2, BirthYearLastNameFirst2, SSNLast4BirthYear:
	default:
		check(false, "temp_password_formula", "%q is not a known formula", p.TempPasswordFormula)
	}
	durIn(p.TempPasswordTTL, time.Hour, day, "temp_password_ttl")
	durIn(p.NewMemberPasswordTTL, day, 7*day, "new_member_password_ttl")
	durIn(p.ActivationCodeTTL, 10*time.Minute, day, "activation_code_ttl")
	check(p.PasswordExpiryDays == NeverExpires || (p.PasswordExpiryDays >= 1 && p.PasswordExpiryDays <= 90),
		"password_expiry_days", "%d is neither 1–90 nor 999 (never)", p.PasswordExpiryDays)
	intIn(p.PasswordExpiryWarningDays, 0, 30, "password_expiry_warning_days")
	check(p.QuestionMode == Rotating || p.QuestionMode == TwoOfThree, "question_mode", "%q is not rotating or two_of_three", p.QuestionMode)
	check(p.RecollectEvery == 0 || (p.RecollectEvery >= 30*day && p.RecollectEvery <= 730*day),
		"recollect_every", "%s is neither 0 (never) nor 30–730 days", p.RecollectEvery)
	intIn(p.MaxPhones, 1, 4, "max_phones")
	intIn(p.CodeDigits, 6, 10, "code_digits")
	durIn(p.CodeTTL, time.Minute, 10*time.Minute, "code_ttl")
	intIn(p.CodeMaxAttempts, 1, 10, "code_max_attempts")
	durIn(p.AccessCodeTTL, 10*time.Minute, day, "access_code_ttl")
	durIn(p.IdleTimeoutSecurity, time.Minute, 30*time.Minute, "idle_timeout_security")
	durIn(p.IdleTimeoutDefault, p.IdleTimeoutSecurity, 2*time.Hour, "idle_timeout_default")
	durIn(p.IdleWarningBefore, 30*time.Second, p.IdleTimeoutSecurity-30*time.Second, "idle_warning_before")
	durIn(p.SessionMaxAge, p.IdleTimeoutDefault, 7*day, "session_max_age")
	if err := p.Risk.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("policy: risk: %w", err))
	}
	return errors.Join(errs...)
}

// machinePhrase reports whether id is one of OFX's machine-answerable
// phrases, MFA101 (the client's date and time) to MFA107 (its user agent).
func machinePhrase(id string) bool {
	switch id {
	case "MFA101", "MFA102", "MFA103", "MFA104", "MFA105", "MFA106", "MFA107":
		return true
	}
	return false
}
