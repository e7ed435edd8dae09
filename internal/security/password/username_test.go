package password

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckUsername(t *testing.T) {
	t.Parallel()
	member := Personal{FirstName: "Marguerite", LastName: "Li", AccountNumbers: []string{"4400-1234-5678", "77"}}
	tests := []struct {
		name, username string
		want           []string
	}{
		{"letters", "quietotter", nil},
		{"letters digits spaces", "Quiet Otter 42", nil},
		{"exactly 6", "otter1", nil},
		{"exactly 32", strings.Repeat("q", 32), nil},
		{"spaces collapse before counting", "  ab   cd  ", []string{CodeTooShort}},
		{"too short", "otter", []string{CodeTooShort}},
		{"too long", strings.Repeat("q", 33), []string{CodeTooLong}},
		{"empty", "", []string{CodeTooShort}},
		{"punctuation", "quiet.otter", []string{CodeInvalidCharacters}},
		{"at sign", "otter@example", []string{CodeInvalidCharacters}},
		{"underscore", "quiet_otter", []string{CodeInvalidCharacters}},
		{"tab", "quiet\totter", []string{CodeInvalidCharacters}},
		{"accented", "quiétotter", []string{CodeInvalidCharacters}},
		{"cyrillic look-alike", "quiet оtter", []string{CodeInvalidCharacters}},
		{"full-width becomes ASCII", "ｑｕｉｅｔｏｔｔｅｒ", nil},
		{"symbol and short", "a!b", []string{CodeInvalidCharacters, CodeTooShort}},
		{"first name", "MargueriteOtter", []string{CodeContainsPersonal}},
		{"first name split by space", "quiet margue rite", []string{CodeContainsPersonal}},
		{"account number", "otter 440012345678", []string{CodeContainsPersonal}},
		{"account number spaced", "otter 4400 1234 5678", []string{CodeContainsPersonal}},
		{"short last name as a word", "otter li 42", []string{CodeContainsPersonal}},
		{"short last name inside a word is fine", "oliver otter", nil},
		{"short account number as a word", "otter 77 cove", []string{CodeContainsPersonal}},
		{"short account number inside a number is fine", "otter 1977", nil},
		{"names and account", "marguerite li 440012345678", []string{CodeContainsPersonal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var codes []string
			for _, p := range CheckUsername(tt.username, member) {
				codes = append(codes, p.Code)
				if p.Message == "" {
					t.Errorf("problem %s has no message", p.Code)
				}
			}
			if !slices.Equal(codes, tt.want) {
				t.Fatalf("CheckUsername(%q) = %v, want %v", tt.username, codes, tt.want)
			}
		})
	}
}

func TestCheckUsernameMessageNamesFields(t *testing.T) {
	t.Parallel()
	probs := CheckUsername("marguerite li 440012345678", Personal{FirstName: "Marguerite", LastName: "Li", AccountNumbers: []string{"440012345678"}})
	want := "A username may not contain your first name, last name or account number; this one contains your first name, last name and account number."
	if len(probs) != 1 || probs[0].Message != want {
		t.Fatalf("CheckUsername = %v, want one problem %q", probs, want)
	}
}

func TestNormalizeUsername(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"QuietOtter":           "quietotter",
		"  Quiet   Otter  42 ": "quiet otter 42",
		"QUIET\tOTTER":         "quiet otter",
		"ｑｕｉｅｔ　ｏｔｔｅｒ":          "quiet otter",
		"":                     "",
	}
	for in, want := range tests {
		if got := NormalizeUsername(in); got != want {
			t.Errorf("NormalizeUsername(%q) = %q, want %q", in, got, want)
		}
	}
	if NormalizeUsername("Quiet Otter") != NormalizeUsername("quiet  OTTER") {
		t.Error("usernames differing only in case and spacing normalise differently")
	}
}
