// Package phone owns a member's phone numbers (REQUIREMENTS S13): up to four
// per security account, each with its E.164 number, the kind the member
// declared (mobile or landline), a role (primary, recovery, other), a label,
// when it was verified and when the member last entered or confirmed it (the
// 180-day re-collection of S10 is decided elsewhere from CollectedAt).
//
// It also owns the rules for reaching a phone: which channels (text, voice
// call) a number can receive codes on, and a masked form for letting the
// member pick a destination without showing the number. Numbers outside the
// institution's home regions cannot receive text codes (the seed: "International
// phone numbers are not supported"); landlines receive voice calls only.
//
// Phone numbers are personal data: no error here contains one.
package phone

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Kind is what the member says the phone is. US numbers cannot be told apart
// offline (mobile and fixed lines share number ranges), so the member
// declares it.
type Kind string

// The kinds of phone.
const (
	Mobile   Kind = "mobile"
	Landline Kind = "landline"
)

// Role is what a phone is for.
type Role string

// The roles of a phone. An account has at most one primary and one recovery
// phone.
const (
	// Primary receives codes by default.
	Primary Role = "primary"
	// Recovery is the fallback when the primary is lost; it may be a landline.
	Recovery Role = "recovery"
	// Other is any further phone, for call-backs and "more options".
	Other Role = "other"
)

// Channel is how a code reaches a phone. Its values are spelled like the
// one-time code channels of package otp.
type Channel string

// The channels of a phone.
const (
	SMS   Channel = "sms"
	Voice Channel = "voice"
)

// Defaults of Policy.
const (
	DefaultMaxPhones = 4
	DefaultRegion    = "US"
	// MaxLabelLength is the longest label, in characters.
	MaxLabelLength = 40
)

// Policy is the institution's rules for phones. The zero value is not
// usable; start from DefaultPolicy.
type Policy struct {
	// MaxPhones is the most phones an account may keep (1–4; the seed says 4).
	MaxPhones int
	// DefaultRegion is the region a number typed without a +country code is
	// read in.
	DefaultRegion string
	// HomeRegions are the regions whose numbers may receive text codes; a
	// number from anywhere else is international and gets voice calls only.
	// Canadian numbers share +1 with the US but are region "CA".
	HomeRegions []string
}

// DefaultPolicy is four phones, numbers read as US numbers, and text codes
// to US numbers only.
func DefaultPolicy() Policy {
	return Policy{MaxPhones: DefaultMaxPhones, DefaultRegion: DefaultRegion, HomeRegions: []string{DefaultRegion}}
}

// Validate checks the policy's fields.
func (p Policy) Validate() error {
	var errs []error
	if p.MaxPhones < 1 || p.MaxPhones > DefaultMaxPhones {
		errs = append(errs, fmt.Errorf("phone: policy: max phones %d is outside 1–%d", p.MaxPhones, DefaultMaxPhones))
	}
	if !supportedRegion(p.DefaultRegion) {
		errs = append(errs, fmt.Errorf("phone: policy: default region %q is not a known region code", p.DefaultRegion))
	}
	if len(p.HomeRegions) == 0 {
		errs = append(errs, errors.New("phone: policy: home regions are empty: no number could receive text codes"))
	}
	for _, r := range p.HomeRegions {
		if !supportedRegion(r) {
			errs = append(errs, fmt.Errorf("phone: policy: home region %q is not a known region code", r))
		}
	}
	return errors.Join(errs...)
}

func supportedRegion(r string) bool {
	return phonenumbers.GetCountryCodeForRegion(r) != 0
}

// Phone is one of an account's phones.
type Phone struct {
	ID          int64
	AccountID   int64
	Number      string // E.164: "+15555550123"
	Region      string // "US", "CA", "GB"
	Kind        Kind
	Role        Role
	Label       string
	VerifiedAt  time.Time // zero until a code sent to it was entered
	CollectedAt time.Time // last entered or confirmed by the member
	CreatedAt   time.Time
}

// New is a phone as the member enters it.
type New struct {
	Number string // as typed: "(555) 555-0123", "+44 7700 900123"
	Kind   Kind
	Role   Role // empty means Other
	Label  string
}

// FieldError is a refusal a member can act on: which field, a stable code
// and a sentence to show. It never contains the number.
type FieldError struct {
	Field   string // "number", "kind", "role", "label", "channel"
	Code    string // "required", "invalid", "premium_rate", "duplicate", "too_many", "sms_international", …
	Message string
}

// Error is "phone: <field>: <message>".
func (e *FieldError) Error() string { return "phone: " + e.Field + ": " + e.Message }

// Is matches another FieldError with the same field and code, so the
// refusals below work with errors.Is even when built afresh.
func (e *FieldError) Is(target error) bool {
	t, ok := target.(*FieldError)
	return ok && t.Field == e.Field && t.Code == e.Code
}

// Refusals of a channel, for errors.Is.
var (
	// ErrSMSInternational: the seed does not support text codes to
	// international numbers.
	ErrSMSInternational = &FieldError{Field: "channel", Code: "sms_international",
		Message: "International numbers can't receive text codes; choose a call or another number"}
	// ErrSMSLandline: landlines get voice calls only.
	ErrSMSLandline = &FieldError{Field: "channel", Code: "sms_landline",
		Message: "Landlines can't receive text codes; choose a call or a mobile number"}
	// ErrUnknownChannel: neither text nor voice.
	ErrUnknownChannel = &FieldError{Field: "channel", Code: "invalid",
		Message: "Choose a text message or a call"}
)

// Parse validates what the member entered and returns the phone it
// describes (without ID, account or dates). Every problem is a *FieldError
// naming its field; all of them are reported at once.
func (p Policy) Parse(n New) (*Phone, error) {
	var errs []error
	ph := &Phone{Kind: n.Kind, Role: n.Role, Label: strings.TrimSpace(n.Label)}
	if ph.Role == "" {
		ph.Role = Other
	}

	num, numErr := p.parseNumber(n.Number)
	if numErr != nil {
		errs = append(errs, numErr)
	} else {
		ph.Number = phonenumbers.Format(num, phonenumbers.E164)
		ph.Region = phonenumbers.GetRegionCodeForNumber(num)
	}

	switch ph.Kind {
	case Mobile, Landline:
	default:
		errs = append(errs, &FieldError{Field: "kind", Code: "invalid", Message: "Choose whether this phone is a mobile or a landline"})
	}
	// Outside the North American plan the number itself can say it is a
	// fixed line; a "mobile" there would never get the text.
	if numErr == nil && ph.Kind == Mobile && phonenumbers.GetNumberType(num) == phonenumbers.FIXED_LINE {
		errs = append(errs, &FieldError{Field: "kind", Code: "landline_number", Message: "This number is a landline; choose landline"})
	}
	switch ph.Role {
	case Primary, Recovery, Other:
	default:
		errs = append(errs, &FieldError{Field: "role", Code: "invalid", Message: "Choose primary, recovery or other for this phone"})
	}
	if utf8.RuneCountInString(ph.Label) > MaxLabelLength {
		errs = append(errs, &FieldError{Field: "label", Code: "too_long", Message: fmt.Sprintf("Keep the label to %d characters", MaxLabelLength)})
	}
	if strings.IndexFunc(ph.Label, unicode.IsControl) >= 0 || !utf8.ValidString(ph.Label) {
		errs = append(errs, &FieldError{Field: "label", Code: "invalid", Message: "The label may not contain control characters"})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ph, nil
}

func (p Policy) parseNumber(raw string) (*phonenumbers.PhoneNumber, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, &FieldError{Field: "number", Code: "required", Message: "Enter a phone number"}
	}
	region := p.DefaultRegion
	if region == "" {
		region = DefaultRegion
	}
	num, err := phonenumbers.Parse(raw, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return nil, &FieldError{Field: "number", Code: "invalid",
			Message: "Enter a valid phone number with its area code, or with +country code for a number abroad"}
	}
	if num.GetExtension() != "" {
		return nil, &FieldError{Field: "number", Code: "extension", Message: "Enter a number that rings the phone directly, without an extension"}
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.UAN, phonenumbers.PAGER, phonenumbers.VOICEMAIL:
		// Calls to these cost the institution money (premium-rate fraud) or
		// reach no one who can read a code back.
		return nil, &FieldError{Field: "number", Code: "unsupported_type", Message: "Enter a personal mobile or landline number; premium-rate and service numbers can't be used"}
	}
	return num, nil
}

// International reports whether ph is outside the policy's home regions.
func (p Policy) International(ph *Phone) bool {
	return !slices.Contains(p.HomeRegions, ph.Region)
}

// ChannelsFor lists the channels ph can receive codes on, text first:
// {SMS, Voice} for a mobile in a home region, {Voice} otherwise.
func (p Policy) ChannelsFor(ph *Phone) []Channel {
	if ph.Kind == Mobile && !p.International(ph) {
		return []Channel{SMS, Voice}
	}
	return []Channel{Voice}
}

// CheckChannel refuses a channel ph cannot receive, with a *FieldError a
// member can act on (ErrSMSInternational, ErrSMSLandline, ErrUnknownChannel).
func (p Policy) CheckChannel(ph *Phone, c Channel) error {
	switch c {
	case Voice:
		return nil
	case SMS:
		if p.International(ph) {
			return ErrSMSInternational
		}
		if ph.Kind != Mobile {
			return ErrSMSLandline
		}
		return nil
	default:
		return ErrUnknownChannel
	}
}

// Masked is the number with all but its last four digits hidden, for
// choosing a destination without revealing it: "(•••) •••-1234" for a
// North American number, "+44 ••••••0123" for others.
func (ph *Phone) Masked() string {
	digits := strings.TrimPrefix(ph.Number, "+")
	if len(digits) < 5 {
		return "••••"
	}
	if strings.HasPrefix(digits, "1") && len(digits) == 11 {
		return "(•••) •••-" + digits[7:]
	}
	num, err := phonenumbers.Parse(ph.Number, "")
	if err != nil {
		return "••••" + digits[len(digits)-4:]
	}
	national := phonenumbers.GetNationalSignificantNumber(num)
	if len(national) <= 4 {
		return fmt.Sprintf("+%d %s", num.GetCountryCode(), strings.Repeat("•", len(national)))
	}
	return fmt.Sprintf("+%d %s%s", num.GetCountryCode(), strings.Repeat("•", len(national)-4), national[len(national)-4:])
}

// String is the masked number, so a Phone printed by accident reveals no
// more than the destination picker does.
func (ph *Phone) String() string { return ph.Masked() }
