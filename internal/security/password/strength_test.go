package password

import (
	"strings"
	"testing"
)

func TestStrength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, password string
		inputs         []string
		minScore       int
		maxScore       int
	}{
		{"empty", "", nil, 0, 0},
		{"password", "password", nil, 0, 1},
		{"Password1", "Password1", nil, 0, 1},
		{"keyboard walk", "qwertyuiop", nil, 0, 1},
		{"repeat", "aaaaaaaaaaaa", nil, 0, 1},
		{"own name", "marguerite1987", []string{"Marguerite", "Johnson"}, 0, 1},
		{"random passphrase", "velvet quarry lantern mosaic drizzle", nil, 3, 4},
		{"random characters", "zg8Rk2#pv7wq4!", nil, 3, 4},
		{"long input is bounded", strings.Repeat("velvet quarry lantern ", 20), nil, 0, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := Strength(tt.password, tt.inputs)
			if e.Score < tt.minScore || e.Score > tt.maxScore {
				t.Fatalf("Strength score = %d, want %d–%d", e.Score, tt.minScore, tt.maxScore)
			}
			if e.Label != strengthLabels[e.Score] {
				t.Fatalf("label %q for score %d", e.Label, e.Score)
			}
			if (e.Score < 3) != (e.Feedback != "") {
				t.Fatalf("score %d with feedback %q: want feedback exactly when score < 3", e.Score, e.Feedback)
			}
		})
	}
}

// TestStrengthFeedbackNeverEchoes: the library's matches are pieces of the
// password; none may reach the feedback. (Inputs avoid words the feedback
// itself uses, such as "password".)
func TestStrengthFeedbackNeverEchoes(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"trustno1", "qazwsxedc", "zzzzzzzzzz", "marguerite1987", "iloveyou123", "kqzv2019", "abcdefgh"} {
		e := Strength(pw, []string{"marguerite"})
		if e.Feedback == "" {
			t.Errorf("no feedback for %q (score %d)", pw, e.Score)
		}
		low := strings.ToLower(e.Feedback)
		for i := 0; i+4 <= len(pw); i++ {
			if strings.Contains(low, pw[i:i+4]) {
				t.Errorf("feedback %q contains %q, a piece of the password", e.Feedback, pw[i:i+4])
			}
		}
	}
}

func TestStrengthFeedback(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"password":     "Commonly used passwords",
		"aaaaaaaaaaaa": "Repeated characters",
		"zxcvbnm,./":   "Rows of neighbouring keys",
	}
	for pw, want := range tests {
		if e := Strength(pw, nil); !strings.Contains(e.Feedback, want) {
			t.Errorf("Strength feedback = %q, want it to mention %q", e.Feedback, want)
		}
	}
	if e := Strength("marguerite", []string{"Marguerite"}); !strings.Contains(e.Feedback, "your name") {
		t.Errorf("feedback for the member's own name = %q", e.Feedback)
	}
}
