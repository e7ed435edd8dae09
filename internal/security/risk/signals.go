package risk

import (
	"net/netip"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/geo"
)

// Action is what the member is doing when the engine is asked. Actions other
// than the named ones are allowed (a dollar rule may name any action); only
// ActionLogin has login-specific rules.
type Action string

// The actions the security core knows.
const (
	ActionLogin           Action = "login"
	ActionTransfer        Action = "transfer"
	ActionACH             Action = "ach"
	ActionWire            Action = "wire"
	ActionEPayment        Action = "epayment"
	ActionProfileChange   Action = "profile_change"
	ActionLoanApplication Action = "loan_application"
)

// SecurityLevel is the member's security level (S18); the values are those of
// account.Level, so callers convert with risk.SecurityLevel(acct.SecurityLevel).
type SecurityLevel string

// The security levels.
const (
	// LevelStandard steps up only when the engine sees risk.
	LevelStandard SecurityLevel = "standard"
	// LevelHigh steps up at every login.
	LevelHigh SecurityLevel = "high"
)

// Method is a way to pass a step-up. The names match the lockout package's
// method names where they overlap.
type Method string

// The step-up methods.
const (
	MethodQuestions    Method = "questions"     // challenge questions (S9)
	MethodSMS          Method = "sms"           // 6-digit PIN by text (S14)
	MethodVoice        Method = "voice"         // 6-digit PIN by voice call (S14)
	MethodCallback     Method = "callback"      // automated out-of-band phone call (S15)
	MethodTOTP         Method = "totp"          // authenticator app
	MethodRecoveryCode Method = "recovery_code" // single-use recovery code
	MethodAccessCode   Method = "access_code"   // staff- or advisor-issued one-time access code (S16)

	// MethodPIN is the lockout counter shared by text and voice PINs (S4):
	// naming it in Signals.BlockedMethods blocks both MethodSMS and
	// MethodVoice. It is not itself offered as a step-up method.
	MethodPIN Method = "pin"
)

func knownStepUpMethod(m Method) bool {
	switch m {
	case MethodQuestions, MethodSMS, MethodVoice, MethodCallback, MethodTOTP, MethodRecoveryCode, MethodAccessCode:
		return true
	}
	return false
}

// MaxCountedFailures caps how many recent failures add points: the lockout
// (S4) takes over at three anyway, and the cap keeps the score bounded.
const MaxCountedFailures = 3

// Signals is everything the caller knows about one request. Times are UTC.
type Signals struct {
	// Now is the time of the request.
	Now time.Time
	// IP is the client address; Location is geo's answer for it (the zero
	// Location when no database is configured).
	IP       netip.Addr
	Location geo.Location
	// DeviceKnown says the request carried a valid device cookie this
	// member has logged in with before.
	DeviceKnown bool
	// DeviceRegistered says the device is one the member registered (PC
	// registration, S21). A registered device is usually also known.
	DeviceRegistered bool
	// UserAgent is the browser's User-Agent header. It does not score; it
	// is quoted (shortened) in the new_device reason so staff recognise the
	// device.
	UserAgent string
	// RecentFailures is the number of failed login attempts for this member
	// in the caller's recent window (e.g. the last 24 hours).
	RecentFailures int
	// Action is what is being attempted; required.
	Action Action
	// Amount is the amount of a money movement in minor units (cents).
	Amount int64
	// SecurityLevel is the member's level; empty or unknown counts as High.
	SecurityLevel SecurityLevel
	// TwoFactorEnrolled says the member has enrolled a second factor (S17).
	TwoFactorEnrolled bool
	// AvailableMethods are the step-up methods the member has set up
	// (questions answered, a phone on file, an authenticator enrolled, an
	// access code issued). Order does not matter.
	AvailableMethods []Method
	// BlockedMethods are the methods locked out for this member (S4).
	BlockedMethods []Method
	// Controls are the member's own layered controls (S21).
	Controls Controls
}
