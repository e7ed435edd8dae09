package console

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// policyRow is one field of the policy in force.
type policyRow struct {
	Path  string // the Go field path, "Risk.Weights.NewDevice"
	Label string // in words
	Value string
	About string // what it does, with the requirement it implements
}

// policyPage is the members' policy, read-only.
type policyPage struct {
	Profile      string
	StaffProfile string
	Sections     []policySection
}

type policySection struct {
	Title string
	Rows  []policyRow
}

// policyShow lists every field of the members' policy in force, and of its
// risk policy, with its value. The fields are read by reflection, so a
// field added to the policy shows here without a change.
func (c *Console) policyShow(w http.ResponseWriter, r *http.Request) error {
	pol := c.app.Members.Policy()
	rows := policyFields(reflect.ValueOf(pol), "")
	p := policyPage{Profile: pol.Profile, StaffProfile: c.app.Staff.Policy().Profile}
	var sign, rsk []policyRow
	for _, row := range rows {
		if strings.HasPrefix(row.Path, "Risk.") {
			rsk = append(rsk, row)
		} else {
			sign = append(sign, row)
		}
	}
	p.Sections = []policySection{{Title: "Members' sign-in policy", Rows: sign}, {Title: "Adaptive risk engine", Rows: rsk}}
	return c.render(w, r, http.StatusOK, "policy.html", &view{Title: "Policy in force", Nav: "policy", Data: p})
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
)

// policyFields flattens a policy struct into rows, one per leaf field.
func policyFields(v reflect.Value, prefix string) []policyRow {
	var out []policyRow
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		path := prefix + f.Name
		if f.Type.Kind() == reflect.Struct && f.Type != timeType {
			out = append(out, policyFields(fv, path+".")...)
			continue
		}
		out = append(out, policyRow{Path: path, Label: words(path), Value: policyValue(fv), About: policyAbout[path]})
	}
	return out
}

// policyValue says a field's value in words.
func policyValue(v reflect.Value) string {
	switch {
	case v.Type() == durationType:
		d := time.Duration(v.Int())
		if d == 0 {
			return "0 (off)"
		}
		return humanDuration(d)
	case v.Type() == timeType:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return "not set"
		}
		return when(t)
	case v.Type() == reflect.TypeFor[[]risk.DollarRule]():
		rules := v.Interface().([]risk.DollarRule)
		if len(rules) == 0 {
			return "none"
		}
		parts := make([]string, len(rules))
		for i, r := range rules {
			parts[i] = fmt.Sprintf("%s at or above %s", r.Action, money(r.ThresholdMinorUnits))
		}
		return strings.Join(parts, "; ")
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return "yes"
		}
		return "no"
	case reflect.Slice:
		if v.Len() == 0 {
			return "none"
		}
		parts := make([]string, v.Len())
		for i := range v.Len() {
			parts[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return strings.Join(parts, ", ")
	case reflect.String:
		if v.String() == "" {
			return "—"
		}
	}
	return fmt.Sprint(v.Interface())
}

// words turns "Risk.Weights.NewDevice" into "Risk weights: new device";
// an acronym stays in capitals ("TempPasswordTTL" → "temp password TTL").
func words(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		var tokens []string
		rs := []rune(p)
		start := 0
		for j := 1; j <= len(rs); j++ {
			// A token ends before an upper-case letter that follows a
			// lower-case one, or that starts a word after an acronym.
			if j == len(rs) || unicode.IsUpper(rs[j]) && (unicode.IsLower(rs[j-1]) || j+1 < len(rs) && unicode.IsLower(rs[j+1]) && unicode.IsUpper(rs[j-1])) {
				tokens = append(tokens, string(rs[start:j]))
				start = j
			}
		}
		for k, tok := range tokens {
			if len(tok) < 2 || strings.ToUpper(tok) != tok {
				tokens[k] = strings.ToLower(tok)
			}
		}
		parts[i] = strings.Join(tokens, " ")
	}
	last := parts[len(parts)-1]
	if len(parts) == 1 {
		return upperFirst(last)
	}
	return upperFirst(strings.Join(parts[:len(parts)-1], " ")) + ": " + last
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}

// policyAbout says what the main fields do; a field missing here still
// shows, without a note.
var policyAbout = map[string]string{
	"Profile":                     "The profile the policy started from: seed (the seed documents' rules) or modern (NIST SP 800-63B).",
	"PasswordMinLength":           "S2: the shortest password when the member has a second factor.",
	"PasswordMinLengthSoleFactor": "S2: the shortest password when it is the only factor.",
	"PasswordMaxLength":           "S2: the longest password.",
	"PasswordComplexity":          "S2: three of upper case, lower case, digit and special character.",
	"PasswordBlocklist":           "S2: refuse common and breached passwords.",
	"PasswordMinStrength":         "S2: the lowest strength-meter score accepted (0 = off).",
	"LockoutAfter":                "S4: failures that block a method until staff unblock it.",
	"TempPasswordFormula":         "S5: how a staff-issued temporary password is made.",
	"TempPasswordTTL":             "S5: how long a staff-issued temporary password works.",
	"NewMemberPasswordTTL":        "S5: how long a new membership's temporary password works.",
	"ActivationCodeTTL":           "S7: how long a self-enrolment activation code works.",
	"PasswordExpiryDays":          "S6: days without use before the password expires (999 = never).",
	"PasswordExpiryWarningDays":   "S6: how many days before expiry the member is warned.",
	"QuestionCount":               "S8: the number of security questions.",
	"QuestionMode":                "S9: one rotating question, or two of three.",
	"AnswerMaxLength":             "S8: the longest answer.",
	"QuestionsAsSecondFactor":     "Whether answering questions can satisfy a step-up.",
	"RecollectEvery":              "S10: how often questions and phones are collected again.",
	"MaxPhones":                   "S13: phones a member may keep.",
	"CodeDigits":                  "S14: digits of a one-time PIN.",
	"CodeTTL":                     "S14: how long a one-time PIN works.",
	"CodeMaxAttempts":             "S14: wrong entries allowed per PIN.",
	"AccessCodeTTL":               "S16: how long a staff-issued access code works.",
	"HighSecurityByDefault":       "S18: new members start at the High security level.",
	"IdleTimeoutSecurity":         "S23: idle time before sign-out on login and security screens.",
	"IdleTimeoutDefault":          "S23: idle time before sign-out elsewhere.",
	"IdleWarningBefore":           "S23: how long before the idle sign-out the warning shows.",
	"SessionMaxAge":               "S23: the longest a session lasts, activity or not.",
	"Risk.StepUpScore":            "S19: the risk score at which a Standard member must pass a second factor.",
	"Risk.DenyScore":              "S19: the risk score at which a sign-in is refused (0 = never on score alone).",
	"Risk.ImpossibleTravelKmh":    "S19: the fastest believable travel between two sign-ins.",
	"Risk.TravelToleranceKm":      "S19: distance ignored for geolocation error.",
	"Risk.DollarRules":            "S20: amounts at which a transfer needs a step-up.",
	"Risk.TwoFactorMandatoryFrom": "S17: from this date, two-factor enrolment can no longer be skipped.",
	"Risk.StepUpMethods":          "The methods accepted for a step-up, most preferred first.",
}
