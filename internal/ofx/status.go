package ofx

// Status codes used by the signon and MFA flows (OFX 2.1.1 §2.5, 2.2 §2.5).
const (
	StatusSuccess            = 0     // Success (INFO)
	StatusGeneralError       = 2000  // General error (ERROR)
	StatusAccountNotFound    = 2003  // Account not found (ERROR)
	StatusInvalidDate        = 2020  // Invalid date (ERROR)
	StatusMFARequired        = 3000  // MFA challenge authentication required: send MFACHALLENGERQ next
	StatusMFAInvalid         = 3001  // MFA challenge information is invalid
	StatusMustChangePass     = 15000 // Must change USERPASS (INFO)
	StatusSignonInvalid      = 15500 // Signon (user ID or password) invalid
	StatusAccountInUse       = 15501 // Customer account already in use
	StatusLockout            = 15502 // USERPASS lockout
	StatusClientUIDError     = 15510 // CLIENTUID error: user must register the CLIENTUID
	StatusContactFI          = 15511 // User contact required: user should contact the FI
	StatusAuthTokenRequired  = 15512 // AUTHTOKEN required in the next signon
	StatusAuthTokenInvalid   = 15513 // AUTHTOKEN invalid
	StatusUnsupportedVersion = 2021  // Unsupported version
)

// Severities of a STATUS aggregate.
const (
	SeverityInfo  = "INFO"
	SeverityWarn  = "WARN"
	SeverityError = "ERROR"
)

type statusInfo struct{ meaning, severity string }

var statusInfos = map[int]statusInfo{
	StatusSuccess:            {"Success", SeverityInfo},
	StatusGeneralError:       {"General error", SeverityError},
	StatusAccountNotFound:    {"Account not found: the account was not found", SeverityError},
	StatusInvalidDate:        {"Invalid date", SeverityError},
	StatusUnsupportedVersion: {"Unsupported version", SeverityError},
	StatusMFARequired:        {"MFA challenge authentication required: user credentials are correct, but further authentication is required; the client should send <MFACHALLENGERQ> in the next request", SeverityError},
	StatusMFAInvalid:         {"MFA challenge information is invalid: <MFACHALLENGEA> contains invalid information", SeverityError},
	StatusMustChangePass:     {"Must change USERPASS: the user must change the password as part of the next OFX request", SeverityInfo},
	StatusSignonInvalid:      {"Signon invalid: invalid user ID or password", SeverityError},
	StatusAccountInUse:       {"Customer account already in use: the server allows only one connection at a time", SeverityError},
	StatusLockout:            {"USERPASS lockout: too many failed signon attempts; call the FI's technical support", SeverityError},
	StatusClientUIDError:     {"CLIENTUID error: the user must register the CLIENTUID", SeverityError},
	StatusContactFI:          {"User contact required: the user should contact the financial institution", SeverityError},
	StatusAuthTokenRequired:  {"AUTHTOKEN required: the user needs to contact the financial institution to obtain an AUTHTOKEN and send it in the next signon", SeverityError},
	StatusAuthTokenInvalid:   {"AUTHTOKEN invalid", SeverityError},
}

// StatusMeaning returns the specification's meaning of code, or "" for a
// code this package does not know.
func StatusMeaning(code int) string { return statusInfos[code].meaning }

// StatusSeverity returns the severity the specification gives code (INFO,
// WARN or ERROR); ERROR for an unknown code.
func StatusSeverity(code int) string {
	if s, ok := statusInfos[code]; ok {
		return s.severity
	}
	return SeverityError
}

// MFA phrase ids of OFX 2.1.1 §2.5.4.2 (MFA24–MFA30 and MFA108–MFA110 are
// reserved). A server may also send its own ids, such as "123", with a label.
var mfaPhrases = map[string]string{
	"MFA1":   "City of birth",
	"MFA2":   "Date of birth, formatted MM/DD/YYYY",
	"MFA3":   "Debit card number",
	"MFA4":   "Father's middle name",
	"MFA5":   "Favorite color",
	"MFA6":   "First pet's name",
	"MFA7":   "Five digit ZIP code",
	"MFA8":   "Grandmother's maiden name on your father's side",
	"MFA9":   "Grandmother's maiden name on your mother's side",
	"MFA10":  "Last four digits of your cell phone number",
	"MFA11":  "Last four digits of your daytime phone number",
	"MFA12":  "Last four digits of your home phone number",
	"MFA13":  "Last four digits of your social security number",
	"MFA14":  "Last four digits of your tax ID",
	"MFA15":  "Month of birth of youngest sibling, do not abbreviate",
	"MFA16":  "Mother's maiden name",
	"MFA17":  "Mother's middle name",
	"MFA18":  "Name of the company where you had your first job",
	"MFA19":  "Name of the manufacturer of your first car",
	"MFA20":  "Name of the street you grew up on",
	"MFA21":  "Name of your high school football team, without the school's name",
	"MFA22":  "Recent deposit or recent withdrawal amount",
	"MFA23":  "Year of birth, formatted YYYY",
	"MFA101": "Datetime, formatted YYYYMMDDHHMMSS",
	"MFA102": "Host name",
	"MFA103": "IP address",
	"MFA104": "MAC address",
	"MFA105": "Operating system version",
	"MFA106": "Processor architecture, e.g. I386",
	"MFA107": "User agent",
}

// MFAPhraseMeaning returns what the standard phrase id asks for, or "" for
// a custom or reserved id.
func MFAPhraseMeaning(id string) string { return mfaPhrases[id] }

// MFAPhraseMachine reports whether id is one of MFA101–MFA107, which the
// client software answers itself (date, host, addresses, OS, user agent)
// instead of asking the person.
func MFAPhraseMachine(id string) bool {
	switch id {
	case "MFA101", "MFA102", "MFA103", "MFA104", "MFA105", "MFA106", "MFA107":
		return true
	}
	return false
}
