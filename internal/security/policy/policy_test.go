package policy

import (
	"strings"
	"testing"
	"time"
)

func TestShippedProfilesAreValid(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"seed", "modern"} {
		p, err := ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ByName("lax"); err == nil {
		t.Error("an unknown profile was accepted")
	}
}

// The seed profile is the seed documents' numbers, one by one.
func TestSeedIsTheSeedDocuments(t *testing.T) {
	t.Parallel()
	p := Seed()
	checks := []struct {
		what      string
		got, want any
	}{
		{"minimum password", p.PasswordMinLength, 6},
		{"maximum password", p.PasswordMaxLength, 256},
		{"complexity 3 of 4", p.PasswordComplexity, true},
		{"lockout after", p.LockoutAfter, 3},
		{"question mode", p.QuestionMode, Rotating},
		{"re-collection", p.RecollectEvery, 180 * 24 * time.Hour},
		{"PIN digits", p.CodeDigits, 6},
		{"PIN lifetime", p.CodeTTL, 5 * time.Minute},
		{"phones", p.MaxPhones, 4},
		{"idle on security screens", p.IdleTimeoutSecurity, 5 * time.Minute},
		{"idle elsewhere", p.IdleTimeoutDefault, 15 * time.Minute},
		{"warning 2 minutes before (after 3 idle on security screens)", p.IdleWarningBefore, 2 * time.Minute},
		{"temporary password", p.TempPasswordTTL, 24 * time.Hour},
		{"activation code", p.ActivationCodeTTL, 24 * time.Hour},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("seed %s = %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestModernFollowsNIST(t *testing.T) {
	t.Parallel()
	p := Modern()
	if p.PasswordMinLengthSoleFactor < 15 || p.PasswordMinLength < 8 {
		t.Errorf("modern lengths %d/%d, want ≥15 alone and ≥8 with a second factor", p.PasswordMinLengthSoleFactor, p.PasswordMinLength)
	}
	if p.PasswordComplexity || !p.PasswordBlocklist || p.QuestionsAsSecondFactor || p.CodeTTL > 10*time.Minute || !p.OFXClientUIDRequired {
		t.Errorf("modern policy breaks NIST SP 800-63B: %+v", p)
	}
}

func TestValidateNamesEveryBadField(t *testing.T) {
	t.Parallel()
	p := Seed()
	p.PasswordMinLength = 4        // below the floor of 6
	p.PasswordExpiryDays = 120     // neither 1–90 nor 999
	p.QuestionMode = "one_of_five" // unknown
	p.CodeTTL = time.Hour          // codes live at most 10 minutes
	p.IdleWarningBefore = 6 * time.Minute
	p.OFXMachinePhrases = []string{"MFA101", "MFA5"} // MFA5 is a person's question
	err := p.Validate()
	if err == nil {
		t.Fatal("an invalid policy passed")
	}
	for _, field := range []string{"password_min_length", "password_expiry_days", "question_mode", "code_ttl", "idle_warning_before", "ofx_machine_phrases"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("the error does not name %s: %v", field, err)
		}
	}
	p = Seed()
	p.PasswordExpiryDays = NeverExpires
	if err := p.Validate(); err != nil {
		t.Errorf("999 (never) was refused: %v", err)
	}
}

func TestSessionsFollowThePolicy(t *testing.T) {
	t.Parallel()
	s := Seed().Sessions()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.IdleSecurity != 5*time.Minute || s.IdleDefault != 15*time.Minute || s.IdleSecurity-s.Warning != 3*time.Minute {
		t.Fatalf("seed sessions %+v: want 5/15 min and the warning after 3 idle minutes", s)
	}
}
