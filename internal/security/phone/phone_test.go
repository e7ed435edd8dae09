package phone_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/security/phone"
)

func TestParseAndChannels(t *testing.T) {
	t.Parallel()
	usAndCanada := phone.DefaultPolicy()
	usAndCanada.HomeRegions = []string{"US", "CA"}

	tests := []struct {
		name     string
		policy   phone.Policy
		in       phone.New
		wantErr  *phone.FieldError // nil: Parse succeeds
		number   string
		region   string
		channels []phone.Channel
		smsErr   error // CheckChannel(SMS)
		masked   string
	}{
		{
			name: "US mobile", in: phone.New{Number: "(201) 555-0123", Kind: phone.Mobile, Role: phone.Primary},
			number: "+12015550123", region: "US", channels: []phone.Channel{phone.SMS, phone.Voice}, masked: "(•••) •••-0123",
		},
		{
			name: "US mobile typed with +1 and dots", in: phone.New{Number: "+1.201.555.0123", Kind: phone.Mobile},
			number: "+12015550123", region: "US", channels: []phone.Channel{phone.SMS, phone.Voice}, masked: "(•••) •••-0123",
		},
		{
			name: "US landline gets voice only", in: phone.New{Number: "201-555-0123", Kind: phone.Landline, Role: phone.Recovery},
			number: "+12015550123", region: "US", channels: []phone.Channel{phone.Voice}, smsErr: phone.ErrSMSLandline, masked: "(•••) •••-0123",
		},
		{
			name: "UK mobile is refused for SMS", in: phone.New{Number: "+44 7400 123456", Kind: phone.Mobile},
			number: "+447400123456", region: "GB", channels: []phone.Channel{phone.Voice}, smsErr: phone.ErrSMSInternational, masked: "+44 ••••••3456",
		},
		{
			name: "Canadian mobile is international by default", in: phone.New{Number: "+1 506 234 5678", Kind: phone.Mobile},
			number: "+15062345678", region: "CA", channels: []phone.Channel{phone.Voice}, smsErr: phone.ErrSMSInternational, masked: "(•••) •••-5678",
		},
		{
			name: "Canadian mobile with CA as a home region", policy: usAndCanada, in: phone.New{Number: "+1 506 234 5678", Kind: phone.Mobile},
			number: "+15062345678", region: "CA", channels: []phone.Channel{phone.SMS, phone.Voice}, masked: "(•••) •••-5678",
		},
		{name: "garbage", in: phone.New{Number: "call me maybe", Kind: phone.Mobile}, wantErr: &phone.FieldError{Field: "number", Code: "invalid"}},
		{name: "too few digits", in: phone.New{Number: "555-0123", Kind: phone.Mobile}, wantErr: &phone.FieldError{Field: "number", Code: "invalid"}},
		{name: "empty", in: phone.New{Number: "  ", Kind: phone.Mobile}, wantErr: &phone.FieldError{Field: "number", Code: "required"}},
		{name: "premium rate", in: phone.New{Number: "900-234-5678", Kind: phone.Landline}, wantErr: &phone.FieldError{Field: "number", Code: "unsupported_type"}},
		{name: "no kind", in: phone.New{Number: "(201) 555-0123"}, wantErr: &phone.FieldError{Field: "kind", Code: "invalid"}},
		{name: "UK landline declared mobile", in: phone.New{Number: "+44 121 234 5678", Kind: phone.Mobile}, wantErr: &phone.FieldError{Field: "kind", Code: "landline_number"}},
		{name: "unknown role", in: phone.New{Number: "(201) 555-0123", Kind: phone.Mobile, Role: "backup"}, wantErr: &phone.FieldError{Field: "role", Code: "invalid"}},
		{name: "long label", in: phone.New{Number: "(201) 555-0123", Kind: phone.Mobile, Label: strings.Repeat("x", 41)}, wantErr: &phone.FieldError{Field: "label", Code: "too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol := tt.policy
			if pol.MaxPhones == 0 {
				pol = phone.DefaultPolicy()
			}
			ph, err := pol.Parse(tt.in)
			if tt.wantErr != nil {
				var fe *phone.FieldError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("Parse = %v, want a %s/%s field error", err, tt.wantErr.Field, tt.wantErr.Code)
				}
				if typed := strings.TrimSpace(tt.in.Number); fe.Message == "" || (typed != "" && strings.Contains(err.Error(), typed)) {
					t.Fatalf("error %q: want a message that does not repeat the number", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if ph.Number != tt.number || ph.Region != tt.region {
				t.Fatalf("Parse = %s in %s, want %s in %s", ph.Number, ph.Region, tt.number, tt.region)
			}
			if got := pol.ChannelsFor(ph); !slices.Equal(got, tt.channels) {
				t.Fatalf("ChannelsFor = %v, want %v", got, tt.channels)
			}
			if err := pol.CheckChannel(ph, phone.Voice); err != nil {
				t.Fatalf("CheckChannel(voice) = %v, want every phone callable", err)
			}
			if err := pol.CheckChannel(ph, phone.SMS); !errors.Is(err, tt.smsErr) || (tt.smsErr == nil) != (err == nil) {
				t.Fatalf("CheckChannel(sms) = %v, want %v", err, tt.smsErr)
			}
			if got := ph.Masked(); got != tt.masked {
				t.Fatalf("Masked = %q, want %q", got, tt.masked)
			}
			if strings.Contains(ph.String(), ph.Number[len(ph.Number)-7:]) {
				t.Fatalf("String %q shows more than the last four digits", ph.String())
			}
		})
	}
}

func TestInternationalSMSMessage(t *testing.T) {
	t.Parallel()
	pol := phone.DefaultPolicy()
	ph, err := pol.Parse(phone.New{Number: "+44 7400 123456", Kind: phone.Mobile})
	if err != nil {
		t.Fatal(err)
	}
	var fe *phone.FieldError
	if err := pol.CheckChannel(ph, phone.SMS); !errors.As(err, &fe) {
		t.Fatalf("CheckChannel = %v, want a field error", err)
	}
	const want = "International numbers can't receive text codes; choose a call or another number"
	if fe.Field != "channel" || fe.Message != want {
		t.Fatalf("refusal %+v, want field channel with %q", fe, want)
	}
	if err := pol.CheckChannel(ph, "carrier pigeon"); !errors.Is(err, phone.ErrUnknownChannel) {
		t.Fatalf("CheckChannel(pigeon) = %v", err)
	}
}

func TestParseReportsEveryField(t *testing.T) {
	t.Parallel()
	_, err := phone.DefaultPolicy().Parse(phone.New{Number: "nope", Kind: "satellite", Role: "spare"})
	for _, field := range []string{"number", "kind", "role"} {
		if !strings.Contains(err.Error(), "phone: "+field+":") {
			t.Errorf("error %q does not name field %s", err, field)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	if err := phone.DefaultPolicy().Validate(); err != nil {
		t.Fatalf("default policy: %v", err)
	}
	for name, p := range map[string]phone.Policy{
		"five phones":    {MaxPhones: 5, DefaultRegion: "US", HomeRegions: []string{"US"}},
		"no phones":      {MaxPhones: 0, DefaultRegion: "US", HomeRegions: []string{"US"}},
		"bad region":     {MaxPhones: 4, DefaultRegion: "XX", HomeRegions: []string{"US"}},
		"no home region": {MaxPhones: 4, DefaultRegion: "US"},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
