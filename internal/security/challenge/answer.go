package challenge

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// Limits of S8. QuestionCount is also the only count policy.Validate
// accepts.
const (
	// QuestionCount is how many questions a member sets.
	QuestionCount = 3
	// MaxAnswerLength is the most characters an answer may have after
	// normalisation (S8: "answers at most 30 characters").
	MaxAnswerLength = 30
	// MinCustomLength is the fewest characters the member's own question
	// may have, after white space is collapsed.
	MinCustomLength = 10
	// MaxCustomLength is the most characters the member's own question may
	// have.
	MaxCustomLength = 100
)

// maxInputBytes caps any input before normalisation, so an oversized form
// field costs nothing: 30 characters of even 4-byte UTF-8 fit in 120.
const maxInputBytes = 1024

// Answer is one question a member chose, with its answer, as given to Set.
// Exactly one of QuestionID and Custom is set. Its String, GoString and
// LogValue methods never show Text, so an Answer printed or logged by
// mistake leaks nothing.
type Answer struct {
	QuestionID QuestionID // a selectable catalogue id; empty for the member's own question
	Custom     string     // the member's own question; empty for a catalogue question
	Text       string     // the answer: a secret, only ever hashed
}

// String describes the answer without its text.
func (a Answer) String() string {
	if a.Custom != "" {
		return fmt.Sprintf("{custom question %q, answer redacted}", a.Custom)
	}
	return fmt.Sprintf("{question %s, answer redacted}", a.QuestionID)
}

// GoString is String, so that %#v does not print the answer either.
func (a Answer) GoString() string { return a.String() }

// LogValue keeps the answer out of structured logs.
func (a Answer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("question_id", string(a.QuestionID)), slog.String("custom", a.Custom))
}

// Problem codes: stable strings a page, an API client or a test can match.
const (
	CodeCount             = "count"               // not exactly QuestionCount questions
	CodeAmbiguous         = "ambiguous"           // both or neither of QuestionID and Custom
	CodeUnknownQuestion   = "unknown_question"    // not in the catalogue
	CodeNotOffered        = "not_offered"         // a verifiable fact, not for members to choose
	CodeDuplicate         = "duplicate"           // the same question twice
	CodeTwoCustom         = "two_custom"          // more than one question of the member's own
	CodeAnswerEmpty       = "answer_empty"        // nothing left after normalisation
	CodeAnswerTooLong     = "answer_too_long"     // more than MaxAnswerLength characters
	CodeAnswerCharacters  = "answer_characters"   // control or invisible characters
	CodeCustomLength      = "custom_length"       // outside MinCustomLength–MaxCustomLength
	CodeCustomCharacters  = "custom_characters"   // control or invisible characters
	CodeCustomIsCatalogue = "custom_is_catalogue" // asks what a catalogue question asks
	CodeCustomHasAnswer   = "custom_has_answer"   // gives its own answer away
)

// Problem is one reason Set refused the questions. Index is the position
// in the slice given to Set of the answer concerned, or -1 for the set as a
// whole. Message is a sentence a member can act on; it never contains an
// answer.
type Problem struct {
	Index   int
	Code    string
	Message string
}

// ErrInvalid is matched (errors.Is) by every *InvalidError.
var ErrInvalid = errors.New("challenge: questions refused")

// InvalidError lists every problem found with the questions given to Set.
type InvalidError struct {
	Problems []Problem
}

func (e *InvalidError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return "challenge: questions refused: " + strings.Join(msgs, " ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// chosen is a validated question with its normalised answer.
type chosen struct {
	id     QuestionID
	custom string // normalised for display; "" for catalogue questions
	answer string // normalised; hashed, then dropped
}

// validate checks answers against S8 and returns them normalised, or an
// *InvalidError listing every problem.
func validate(answers []Answer) ([]chosen, error) {
	var probs []Problem
	add := func(i int, code, format string, args ...any) {
		probs = append(probs, Problem{Index: i, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if len(answers) != QuestionCount {
		add(-1, CodeCount, "Choose exactly %d questions; %d were given.", QuestionCount, len(answers))
	}
	out := make([]chosen, 0, len(answers))
	seen := map[QuestionID]int{}
	customs := 0
	for i, a := range answers {
		n := i + 1
		c := chosen{id: a.QuestionID}
		switch {
		case a.QuestionID != "" && a.Custom != "":
			add(i, CodeAmbiguous, "Question %d: choose a question from the list or write your own, not both.", n)
			continue
		case a.QuestionID == "" && strings.TrimSpace(a.Custom) == "":
			add(i, CodeAmbiguous, "Question %d: choose a question from the list or write your own.", n)
			continue
		case a.Custom != "":
			c.id = CustomID
			customs++
			if customs == 2 {
				add(i, CodeTwoCustom, "Question %d: only one question may be your own; choose the others from the list.", n)
			}
		default:
			q, ok := Lookup(a.QuestionID)
			switch {
			case !ok:
				add(i, CodeUnknownQuestion, "Question %d is not on the list of questions.", n)
				continue
			case !q.Selectable:
				add(i, CodeNotOffered, "Question %d (%s) is checked against the institution's records and cannot be chosen.", n, q.Label)
				continue
			}
			if first, dup := seen[q.ID]; dup {
				add(i, CodeDuplicate, "Questions %d and %d are the same question; choose %d different ones.", first+1, n, QuestionCount)
			} else {
				seen[q.ID] = i
			}
		}

		answerOK := true
		if len(a.Text) > maxInputBytes {
			add(i, CodeAnswerTooLong, "Answer %d is too long: use at most %d characters.", n, MaxAnswerLength)
			answerOK = false
		} else {
			c.answer = normalizeAnswer(a.Text)
			switch l := utf8.RuneCountInString(c.answer); {
			case l == 0:
				add(i, CodeAnswerEmpty, "Answer %d is empty.", n)
				answerOK = false
			case l > MaxAnswerLength:
				add(i, CodeAnswerTooLong, "Answer %d is too long: use at most %d characters.", n, MaxAnswerLength)
				answerOK = false
			case !printable(c.answer):
				add(i, CodeAnswerCharacters, "Answer %d contains control or invisible characters; use letters, digits, spaces and punctuation.", n)
				answerOK = false
			}
		}

		if c.id == CustomID {
			if len(a.Custom) > maxInputBytes {
				add(i, CodeCustomLength, "Your own question must have %d to %d characters.", MinCustomLength, MaxCustomLength)
			} else {
				c.custom = normalizeQuestion(a.Custom)
				if l := utf8.RuneCountInString(c.custom); l < MinCustomLength || l > MaxCustomLength {
					add(i, CodeCustomLength, "Your own question must have %d to %d characters; it has %d.", MinCustomLength, MaxCustomLength, l)
				}
				if !printable(c.custom) {
					add(i, CodeCustomCharacters, "Your own question contains control or invisible characters.")
				}
				if key := questionKey(c.custom); key != "" {
					for _, q := range Catalogue() {
						if questionKey(q.Label) == key {
							add(i, CodeCustomIsCatalogue, "Your own question asks the same as %q from the list; write a different one or choose it from the list.", q.Label)
							break
						}
					}
				}
				if answerOK && containsAnswer(c.custom, c.answer) {
					add(i, CodeCustomHasAnswer, "Your own question contains its answer; reword the question.")
				}
			}
		}
		out = append(out, c)
	}
	if len(probs) > 0 {
		return nil, &InvalidError{Problems: probs}
	}
	return out, nil
}
