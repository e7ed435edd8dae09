package challenge

import "testing"

func TestNormalizeAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"  Blue ", "blue"},
		{"BLUE", "blue"},
		{"Navy\t \n  Blue", "navy blue"},
		{"ＢＬＵＥ", "blue"},             // full-width letters (NFKC)
		{"Stra\u00dfe", "strasse"},   // ß folds to ss
		{"Cafe\u0301", "caf\u00e9"},  // combining accent composes
		{"\u00a0blue\u00a0", "blue"}, // no-break spaces are spaces
		{"blue-green", "blue-green"}, // punctuation is kept
		{"   ", ""},
	} {
		if got := normalizeAnswer(tc.in); got != tc.want {
			t.Errorf("normalizeAnswer(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestContainsAnswer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		question, answer string
		want             bool
	}{
		{"Is my cat called Fluffy?", "fluffy", true},
		{"Which city: New York or Boston?", "new  york", true},
		{"Where was I born? (newyork)", "New York", true}, // run together, 7 letters
		{"What is the name of my pal?", "Al", false},      // short answers only as whole words
		{"What did Al say at the wedding?", "al", true},   // ... which this is
		{"What did my grandfather drive?", "Packard", false},
		{"Where did we meet?", "!!!", false}, // no words at all
	} {
		if got := containsAnswer(tc.question, tc.answer); got != tc.want {
			t.Errorf("containsAnswer(%q, answer %d) = %v, want %v", tc.question, len(tc.answer), got, tc.want)
		}
	}
}

func TestQuestionKeyDropsTheQuestionStem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"What is your mother's maiden name?", "Mother's maiden name", true},
		{"what was the name of the street you grew up on", "Name of the street you grew up on", true},
		{"MOTHER\u2019S MAIDEN NAME", "Mother's maiden name", true},
		{"What is my grandmother's mother's maiden name?", "Mother's maiden name", false},
	} {
		if got := questionKey(tc.a) == questionKey(tc.b); got != tc.same {
			t.Errorf("questionKey(%q) == questionKey(%q) is %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
