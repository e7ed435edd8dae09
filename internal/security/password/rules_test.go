package password

import (
	"slices"
	"strings"
	"testing"
)

func TestRulesCheck(t *testing.T) {
	t.Parallel()
	member := Personal{
		Username:       "mjohnson",
		FirstName:      "Marguerite",
		LastName:       "Johnson",
		AccountNumbers: []string{"4400-1234-5678"},
		Email:          "marguerite.j@example.com",
	}
	seed, modern, modern2FA := SeedRules(), ModernRules(false), ModernRules(true)
	strict := ModernRules(true)
	strict.MinStrength = 3
	tests := []struct {
		name     string
		rules    Rules
		password string
		want     []string
	}{
		// Seed: 6+ characters, 3 of 4 classes, blocklist.
		{"seed ok", seed, "Xk9!mQ2#", nil},
		{"seed ok at 6", seed, "Tq7%zv", nil},
		{"seed too short", seed, "Tq7%z", []string{CodeTooShort}},
		{"seed too long", seed, "Aa1!" + strings.Repeat("q", 253), []string{CodeTooLong}},
		{"seed one class", seed, "kqzvbnmwrt", []string{CodeComplexity}},
		{"seed two classes", seed, "kqzvbnmw77", []string{CodeComplexity}},
		{"seed spaces are symbols", seed, "kqzv bnmw77", nil},
		{"seed uncased letters are symbols", seed, "kqzv密码77", nil},
		{"seed common", seed, "Password1", []string{CodeCommon}},
		{"seed common any case", seed, "PASSword1", []string{CodeCommon}},
		{"seed common and simple", seed, "qwerty", []string{CodeComplexity, CodeCommon}},
		{"seed short and simple", seed, "abc", []string{CodeTooShort, CodeComplexity}},
		{"seed last name", seed, "Johnson#77", []string{CodeContainsPersonal}},
		{"seed first name any case", seed, "mARGUERITE!9", []string{CodeContainsPersonal}},
		{"seed username", seed, "MJohnson.9z", []string{CodeContainsPersonal}},
		{"seed account number without dashes", seed, "Acct#440012345678", []string{CodeContainsPersonal}},
		{"seed e-mail local part", seed, "Marguerite.J!2", []string{CodeContainsPersonal}},

		// Modern, password only: 15+ characters, no composition rule.
		{"modern ok", modern, "marble trolley quietly fungus", nil},
		{"modern lower case only is fine", modern, "kqzvbnmwrtplxcd", nil},
		{"modern too short", modern, "Xk9!mQ2#Xk9!mQ", []string{CodeTooShort}},
		{"modern too long", modern, strings.Repeat("quiet ", 43), []string{CodeTooLong}},
		{"modern too long in bytes", modern, strings.Repeat("é", 130), []string{CodeTooLong}},
		{"modern common", modern, "1qaz2wsx3edc4rfv", []string{CodeCommon}},
		{"modern personal", modern, "johnson family 1987", []string{CodeContainsPersonal}},
		{"modern empty", modern, "", []string{CodeTooShort}},

		// Modern with a second factor: 8+ characters.
		{"modern 2FA ok at 8", modern2FA, "kqzvbnmw", nil},
		{"modern 2FA too short", modern2FA, "kqzvbnm", []string{CodeTooShort}},
		{"modern 2FA common", modern2FA, "trustno1", []string{CodeCommon}},

		// Minimum strength.
		{"weak", strict, "aaaaaaaaaaaa", []string{CodeWeak}},
		{"weak keyboard walk", strict, "asdfghjkl;'", []string{CodeWeak}},
		{"strong enough", strict, "marble trolley quietly fungus", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.rules.Validate(); err != nil {
				t.Fatal(err)
			}
			probs := tt.rules.Check(tt.password, member)
			var codes []string
			for _, p := range probs {
				codes = append(codes, p.Code)
				if p.Message == "" {
					t.Errorf("problem %s has no message", p.Code)
				}
				if tt.password != "" && strings.Contains(strings.ToLower(p.Message), strings.ToLower(tt.password)) {
					t.Errorf("message %q repeats the password", p.Message)
				}
			}
			if !slices.Equal(codes, tt.want) {
				t.Fatalf("Check codes = %v, want %v", codes, tt.want)
			}
		})
	}
}

func TestRulesMessages(t *testing.T) {
	t.Parallel()
	seed := SeedRules()
	seed.MinLength = 12
	tests := []struct {
		password string
		code     string
		want     string
	}{
		{"Kq7%zvBn!", CodeTooShort, "Use at least 12 characters; this one has 9."},
		{"kqzvbnmw77xx", CodeComplexity, "Add characters from at least 3 of: upper-case letters, lower-case letters, digits, symbols — this one has 2."},
		{"iloveyou123", CodeCommon, "This password is on a list of commonly used passwords; choose another."},
		{"Johnson#7777", CodeContainsPersonal, "This password contains your last name; leave personal details out."},
		{"Marguerite Johnson 1", CodeContainsPersonal, "This password contains your first name and last name; leave personal details out."},
		// Length is counted in code points: 12 characters, 24 bytes.
		{"ÄÖÜäöü123456", "", ""},
	}
	member := Personal{FirstName: "Marguerite", LastName: "Johnson"}
	for _, tt := range tests {
		probs := seed.Check(tt.password, member)
		if tt.code == "" {
			if len(probs) != 0 {
				t.Errorf("Check(%d runes) = %v, want none", len([]rune(tt.password)), probs)
			}
			continue
		}
		i := slices.IndexFunc(probs, func(p Problem) bool { return p.Code == tt.code })
		if i < 0 {
			t.Errorf("no %s problem in %v", tt.code, probs)
			continue
		}
		if probs[i].Message != tt.want {
			t.Errorf("%s message = %q, want %q", tt.code, probs[i].Message, tt.want)
		}
	}
}

// TestRulesNeverEchoPassword runs every check against passwords made to be
// caught by each rule and looks for them, or their longer pieces, in every
// message.
func TestRulesNeverEchoPassword(t *testing.T) {
	t.Parallel()
	r := SeedRules()
	r.MinLength, r.MinStrength = 20, 4
	member := Personal{Username: "quokkafan", FirstName: "Quokka", LastName: "Zebulon", AccountNumbers: []string{"99887766"}}
	for _, pw := range []string{"quokka", "Zebulon99887766", "trustno1", "iloveyou123", "qwertyuiop", "abcabcabcabc", "Quokkafan!1", strings.Repeat("zq", 200)} {
		for _, p := range r.Check(pw, member) {
			low := strings.ToLower(p.Message)
			for i := 0; i+6 <= len(pw) && i < 40; i++ {
				if piece := strings.ToLower(pw[i : i+6]); strings.Contains(low, piece) {
					t.Errorf("message %q contains %q, a piece of the password", p.Message, piece)
				}
			}
		}
	}
}

func TestRulesPassphrasePassesModern(t *testing.T) {
	t.Parallel()
	for _, secondFactor := range []bool{false, true} {
		r := ModernRules(secondFactor)
		r.MinStrength = 4
		for _, pw := range []string{"velvet quarry lantern mosaic drizzle", "Crumpet-Orbit-Tundra-Whistle-42", "zg8 Rk2 pv7 wq4 lt9 mb3"} {
			if probs := r.Check(pw, Personal{FirstName: "Ann", LastName: "Lee"}); len(probs) != 0 {
				t.Errorf("ModernRules(%v).Check(passphrase) = %v", secondFactor, probs)
			}
		}
	}
}

func TestRulesValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    Rules
		ok   bool
	}{
		{"seed", SeedRules(), true},
		{"modern", ModernRules(false), true},
		{"modern 2FA", ModernRules(true), true},
		{"institution default 12", Rules{MinLength: 12, MaxLength: 256, CheckBlocklist: true, MinStrength: 2}, true},
		{"min below floor", Rules{MinLength: 5, MaxLength: 256}, false},
		{"max above ceiling", Rules{MinLength: 8, MaxLength: 257}, false},
		{"max below 64", Rules{MinLength: 8, MaxLength: 63}, false},
		{"min above max", Rules{MinLength: 100, MaxLength: 64}, false},
		{"strength negative", Rules{MinLength: 8, MaxLength: 256, MinStrength: -1}, false},
		{"strength above 4", Rules{MinLength: 8, MaxLength: 256, MinStrength: 5}, false},
		{"zero value", Rules{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.r.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate(%+v) = %v, want ok=%v", tt.r, err, tt.ok)
			}
		})
	}
	if r := SeedRules(); r.MinLength != 6 || !r.RequireComplexity || !r.CheckBlocklist {
		t.Errorf("SeedRules() = %+v", r)
	}
	if r := ModernRules(false); r.MinLength != 15 || r.RequireComplexity || !r.CheckBlocklist {
		t.Errorf("ModernRules(false) = %+v", r)
	}
	if r := ModernRules(true); r.MinLength != 8 || r.RequireComplexity || !r.CheckBlocklist {
		t.Errorf("ModernRules(true) = %+v", r)
	}
}

// TestRulesHugeInput: a multi-megabyte "password" gets one problem and no
// further work.
func TestRulesHugeInput(t *testing.T) {
	t.Parallel()
	r := ModernRules(false)
	r.MinStrength = 4
	probs := r.Check(strings.Repeat("a", 5<<20), Personal{})
	if len(probs) != 1 || probs[0].Code != CodeTooLong {
		t.Fatalf("Check(5 MiB) = %v, want one too_long", probs)
	}
}
