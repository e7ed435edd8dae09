package challenge_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var _ challenge.Hasher = (*password.Hasher)(nil)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Distinctive answers, easy to search for in columns and messages.
const (
	colour = "Zanzibar Blue"
	pet    = "Quokka Fernando"
	street = "Ottoline Terrace"
	own    = "Gwendolyn Tuckaberry"
)

// three is a valid set: colour, first pet, street.
func three() []challenge.Answer {
	return []challenge.Answer{
		{QuestionID: "MFA5", Text: colour},
		{QuestionID: "MFA6", Text: pet},
		{QuestionID: "MFA20", Text: street},
	}
}

// answerOf maps each question of three() to its answer.
var answerOf = map[challenge.QuestionID]string{"MFA5": colour, "MFA6": pet, "MFA20": street}

func hasher(t *testing.T) *password.Hasher {
	t.Helper()
	h, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// enrolled creates an account and sets three() for it.
func enrolled(t *testing.T, db *store.DB, h challenge.Hasher) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), db.Writer(), "institution", "member one", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := challenge.Set(context.Background(), db.Writer(), a.ID, three(), now, h); err != nil {
		t.Fatalf("Set: %v", err)
	}
	return a.ID
}

func ids(ps []challenge.Prompt) []challenge.QuestionID {
	out := make([]challenge.QuestionID, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// next asks and fails the test on error.
func next(t *testing.T, db *store.DB, id int64, mode challenge.Mode) []challenge.Prompt {
	t.Helper()
	ps, err := challenge.Next(context.Background(), db.Writer(), id, mode)
	if err != nil {
		t.Fatalf("Next(%s): %v", mode, err)
	}
	for _, p := range ps {
		if p.Label == "" {
			t.Errorf("Next(%s) returned %s without a label", mode, p.ID)
		}
	}
	return ps
}

// answer answers the prompts, right or wrong per question.
func answer(t *testing.T, db *store.DB, id int64, h challenge.Hasher, ps []challenge.Prompt, wrong ...challenge.QuestionID) *challenge.Result {
	t.Helper()
	given := map[challenge.QuestionID]string{}
	for _, p := range ps {
		given[p.ID] = answerOf[p.ID]
		if slices.Contains(wrong, p.ID) {
			given[p.ID] = "not it"
		}
	}
	r, err := challenge.Verify(context.Background(), db.Writer(), id, given, h)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return r
}

func TestAnswersIgnoreCaseAndSpacing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)
		for _, tc := range []struct {
			colour string
			right  bool
		}{
			{"Zanzibar Blue", true},
			{"zanzibar blue", true},
			{"  ZANZIBAR   blue ", true},
			{"\tZanzibar\nBlue", true},
			{"ＺＡＮＺＩＢＡＲ ＢＬＵＥ", true}, // full-width, as some phone keyboards type
			{"ZanzibarBlue", false},
			{"Zanzibar Blu", false},
			{"Zanzibar-Blue", false},
			{"", false},
			{strings.Repeat("z", 31), false}, // over the limit: wrong, not an error
		} {
			r, err := challenge.VerifyAll(ctx, db.Writer(), id,
				map[challenge.QuestionID]string{"MFA5": tc.colour, "MFA6": " quokka fernando", "MFA20": "OTTOLINE TERRACE"}, h)
			if err != nil {
				t.Fatalf("VerifyAll(%q): %v", tc.colour, err)
			}
			if r.OK != tc.right || r.Right["MFA5"] != tc.right || !r.Right["MFA6"] || !r.Right["MFA20"] {
				t.Errorf("VerifyAll with colour %q = %+v, want MFA5 right=%v and the others right", tc.colour, r, tc.right)
			}
		}

		// The login path normalises the same way.
		ps := next(t, db, id, challenge.Rotating)
		r, err := challenge.Verify(ctx, db.Writer(), id,
			map[challenge.QuestionID]string{ps[0].ID: "  " + strings.ToUpper(answerOf[ps[0].ID]) + "  "}, h)
		if err != nil || !r.OK {
			t.Fatalf("Verify of %s in upper case with spaces = %+v, %v; want OK", ps[0].ID, r, err)
		}
	})
}

func TestWrongAnswersAreWrong(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)

		ps := next(t, db, id, challenge.Rotating)
		r := answer(t, db, id, h, ps, ps[0].ID)
		if r.OK || r.Right[ps[0].ID] || !slices.Equal(r.Wrong(), []challenge.QuestionID{ps[0].ID}) {
			t.Fatalf("a wrong answer gave %+v, want not OK with %s wrong", r, ps[0].ID)
		}

		// Asked but not answered counts as wrong.
		ps = next(t, db, id, challenge.Rotating)
		r, err := challenge.Verify(ctx, db.Writer(), id, map[challenge.QuestionID]string{}, h)
		if err != nil || r.OK || r.Right[ps[0].ID] {
			t.Fatalf("no answer gave %+v, %v; want not OK", r, err)
		}

		// Another question's answer is not this one's.
		ps = next(t, db, id, challenge.Rotating)
		other := "MFA5"
		if ps[0].ID == "MFA5" {
			other = "MFA6"
		}
		r, err = challenge.Verify(ctx, db.Writer(), id, map[challenge.QuestionID]string{ps[0].ID: answerOf[challenge.QuestionID(other)]}, h)
		if err != nil || r.OK {
			t.Fatalf("the answer to %s given for %s: %+v, %v; want not OK", other, ps[0].ID, r, err)
		}
	})
}

func TestSetRefusesInvalidQuestions(t *testing.T) {
	t.Parallel()
	with := func(change func(a []challenge.Answer) []challenge.Answer) []challenge.Answer { return change(three()) }
	for _, tc := range []struct {
		name     string
		answers  []challenge.Answer
		code     string
		inMesage string
	}{
		{"31-character answer", with(func(a []challenge.Answer) []challenge.Answer {
			a[1].Text = "Quokka Fernando the Magnificent" // 31 characters
			return a
		}), challenge.CodeAnswerTooLong, "30 characters"},
		{"huge answer", with(func(a []challenge.Answer) []challenge.Answer {
			a[1].Text = strings.Repeat("Quokka Fernando ", 1000)
			return a
		}), challenge.CodeAnswerTooLong, "30 characters"},
		{"empty answer", with(func(a []challenge.Answer) []challenge.Answer { a[2].Text = " \t "; return a }),
			challenge.CodeAnswerEmpty, "Answer 3"},
		{"control character", with(func(a []challenge.Answer) []challenge.Answer { a[0].Text = colour + "\x00"; return a }),
			challenge.CodeAnswerCharacters, "Answer 1"},
		{"duplicate question", with(func(a []challenge.Answer) []challenge.Answer { a[2].QuestionID = "MFA5"; return a }),
			challenge.CodeDuplicate, "Questions 1 and 3"},
		{"two questions of one's own", with(func(a []challenge.Answer) []challenge.Answer {
			a[0] = challenge.Answer{Custom: "Name of my first teacher?", Text: colour}
			a[1] = challenge.Answer{Custom: "Where did we honeymoon?", Text: pet}
			return a
		}), challenge.CodeTwoCustom, "only one"},
		{"two questions", three()[:2], challenge.CodeCount, "exactly 3"},
		{"four questions", append(three(), challenge.Answer{QuestionID: "MFA1", Text: own}), challenge.CodeCount, "exactly 3"},
		{"verifiable fact", with(func(a []challenge.Answer) []challenge.Answer { a[0].QuestionID = "MFA13"; return a }),
			challenge.CodeNotOffered, "cannot be chosen"},
		{"machine phrase", with(func(a []challenge.Answer) []challenge.Answer { a[0].QuestionID = "MFA101"; return a }),
			challenge.CodeUnknownQuestion, "not on the list"},
		{"custom id used as a catalogue id", with(func(a []challenge.Answer) []challenge.Answer { a[0].QuestionID = challenge.CustomID; return a }),
			challenge.CodeUnknownQuestion, "not on the list"},
		{"both id and text", with(func(a []challenge.Answer) []challenge.Answer { a[0].Custom = "Name of my first teacher?"; return a }),
			challenge.CodeAmbiguous, "not both"},
		{"neither id nor text", with(func(a []challenge.Answer) []challenge.Answer { a[0].QuestionID = ""; return a }),
			challenge.CodeAmbiguous, "write your own"},
		{"own question too short", with(func(a []challenge.Answer) []challenge.Answer {
			a[0] = challenge.Answer{Custom: "  My   dog? ", Text: own}
			return a
		}), challenge.CodeCustomLength, "10 to 100"},
		{"own question too long", with(func(a []challenge.Answer) []challenge.Answer {
			a[0] = challenge.Answer{Custom: strings.Repeat("Which ", 17) + "?", Text: own}
			return a
		}), challenge.CodeCustomLength, "10 to 100"},
		{"own question is a catalogue question", with(func(a []challenge.Answer) []challenge.Answer {
			a[0] = challenge.Answer{Custom: "What is your mother's maiden name?", Text: own}
			return a
		}), challenge.CodeCustomIsCatalogue, "Mother's maiden name"},
		{"own question gives the answer away", with(func(a []challenge.Answer) []challenge.Answer {
			a[0] = challenge.Answer{Custom: "Was my aunt Gwendolyn TUCKABERRY or Smith?", Text: own}
			return a
		}), challenge.CodeCustomHasAnswer, "contains its answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				a, err := account.Create(ctx, db.Writer(), "institution", "member one", now)
				if err != nil {
					t.Fatal(err)
				}
				err = challenge.Set(ctx, db.Writer(), a.ID, tc.answers, now, hasher(t))
				var inv *challenge.InvalidError
				if !errors.Is(err, challenge.ErrInvalid) || !errors.As(err, &inv) {
					t.Fatalf("Set = %v, want an *InvalidError", err)
				}
				codes := make([]string, len(inv.Problems))
				for i, p := range inv.Problems {
					codes[i] = p.Code
				}
				if !slices.Contains(codes, tc.code) {
					t.Errorf("problems %v, want %s", codes, tc.code)
				}
				if !strings.Contains(err.Error(), tc.inMesage) {
					t.Errorf("message %q does not say %q", err, tc.inMesage)
				}
				assertNoAnswer(t, "the error", err.Error(), tc.answers)
				if has, err := challenge.HasQuestions(ctx, db.Reader(), a.ID); err != nil || has {
					t.Errorf("after a refused Set, HasQuestions = %v, %v; want false", has, err)
				}
			})
		})
	}
}

func TestLimitsAreInclusive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		a, err := account.Create(ctx, db.Writer(), "institution", "member one", now)
		if err != nil {
			t.Fatal(err)
		}
		thirty := "Quokka  Fernando the Magnificos" // 31 typed, 30 after the spaces collapse
		answers := three()
		answers[1].Text = "  " + thirty + " "
		answers[2] = challenge.Answer{Custom: "Pet rabbit", Text: "x"} // 10 characters; a 1-character answer
		if err := challenge.Set(ctx, db.Writer(), a.ID, answers, now, h); err != nil {
			t.Fatalf("Set with a 30-character answer, a 1-character answer and a 10-character question: %v", err)
		}
		r, err := challenge.VerifyAll(ctx, db.Writer(), a.ID,
			map[challenge.QuestionID]string{"MFA5": colour, "MFA6": thirty, challenge.CustomID: "X"}, h)
		if err != nil || !r.OK {
			t.Fatalf("VerifyAll = %+v, %v; want OK", r, err)
		}
	})
}

func TestOwnQuestion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		a, err := account.Create(ctx, db.Writer(), "institution", "member one", now)
		if err != nil {
			t.Fatal(err)
		}
		answers := three()
		answers[1] = challenge.Answer{Custom: "  Name of my   first teacher? ", Text: own}
		if err := challenge.Set(ctx, db.Writer(), a.ID, answers, now, h); err != nil {
			t.Fatal(err)
		}
		list, err := challenge.List(ctx, db.Reader(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []challenge.Prompt{
			{ID: "MFA5", Label: "Favorite color"},
			{ID: challenge.CustomID, Label: "Name of my first teacher?", Custom: true},
			{ID: "MFA20", Label: "Name of the street you grew up on"},
		}
		if !slices.Equal(list, want) {
			t.Fatalf("List = %+v, want %+v", list, want)
		}
		// The second login asks the member's own question.
		answer(t, db, a.ID, h, next(t, db, a.ID, challenge.Rotating))
		ps := next(t, db, a.ID, challenge.Rotating)
		if ps[0] != want[1] {
			t.Fatalf("second ask = %+v, want the member's own question", ps[0])
		}
		r, err := challenge.Verify(ctx, db.Writer(), a.ID, map[challenge.QuestionID]string{challenge.CustomID: "gwendolyn tuckaberry"}, h)
		if err != nil || !r.OK {
			t.Fatalf("Verify of the own question = %+v, %v; want OK", r, err)
		}
	})
}

func TestRotatingVisitsAllThreeInTurn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := hasher(t)
		id := enrolled(t, db, h)
		var asked []challenge.QuestionID
		for login := range 4 {
			ps := next(t, db, id, challenge.Rotating)
			if len(ps) != 1 {
				t.Fatalf("login %d: Rotating asked %d questions, want 1", login+1, len(ps))
			}
			if r := answer(t, db, id, h, ps); !r.OK {
				t.Fatalf("login %d: the right answer to %s was refused", login+1, ps[0].ID)
			}
			asked = append(asked, ps[0].ID)
		}
		if want := []challenge.QuestionID{"MFA5", "MFA6", "MFA20", "MFA5"}; !slices.Equal(asked, want) {
			t.Fatalf("four logins asked %v, want %v: each in turn, then round again", asked, want)
		}
	})
}

func TestUnansweredQuestionIsAskedAgain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := hasher(t)
		id := enrolled(t, db, h)
		for _, mode := range []challenge.Mode{challenge.Rotating, challenge.TwoOfThree} {
			first := ids(next(t, db, id, mode))
			for reload := range 3 {
				if again := ids(next(t, db, id, mode)); !slices.Equal(again, first) {
					t.Fatalf("%s: reload %d asked %v, want %v again: reloading must not cycle the questions", mode, reload+1, again, first)
				}
			}
			answer(t, db, id, h, next(t, db, id, mode))
			if after := ids(next(t, db, id, mode)); slices.Equal(after, first) {
				t.Fatalf("%s: after an answer, asked %v again", mode, after)
			}
			answer(t, db, id, h, next(t, db, id, mode))
		}
	})
}

func TestFailedQuestionIsNotAskedNext(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		h := hasher(t)
		id := enrolled(t, db, h)
		for i := range 4 {
			ps := next(t, db, id, challenge.Rotating)
			if r := answer(t, db, id, h, ps, ps[0].ID); r.OK {
				t.Fatalf("round %d: a wrong answer passed", i+1)
			}
			if again := next(t, db, id, challenge.Rotating); again[0].ID == ps[0].ID {
				t.Fatalf("round %d: %s failed and was asked again next", i+1, ps[0].ID)
			}
		}
	})
}

func TestTwoOfThree(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)

		ps := next(t, db, id, challenge.TwoOfThree)
		if len(ps) != 2 || ps[0].ID == ps[1].ID {
			t.Fatalf("TwoOfThree asked %v, want two different questions", ids(ps))
		}
		if r := answer(t, db, id, h, ps); !r.OK || len(r.Right) != 2 {
			t.Fatalf("both right: %+v, want OK", r)
		}

		// One right is not enough, and the one answered wrong is not asked
		// next, whether it was asked first or second.
		for _, wrong := range []int{0, 1} {
			ps = next(t, db, id, challenge.TwoOfThree)
			failed := ps[wrong].ID
			r := answer(t, db, id, h, ps, failed)
			if r.OK || r.Right[failed] || !r.Right[ps[1-wrong].ID] {
				t.Fatalf("one wrong of two: %+v, want not OK with only %s wrong", r, failed)
			}
			ps = next(t, db, id, challenge.TwoOfThree)
			if len(ps) != 2 || ps[0].ID == ps[1].ID || slices.Contains(ids(ps), failed) {
				t.Fatalf("after %s failed, asked %v; want two others", failed, ids(ps))
			}
			answer(t, db, id, h, ps)
		}

		ps = next(t, db, id, challenge.TwoOfThree)
		// Answering only one of the two fails.
		r, err := challenge.Verify(ctx, db.Writer(), id, map[challenge.QuestionID]string{ps[0].ID: answerOf[ps[0].ID]}, h)
		if err != nil || r.OK || !r.Right[ps[0].ID] || r.Right[ps[1].ID] {
			t.Fatalf("one of two answered: %+v, %v; want not OK", r, err)
		}
	})
}

func TestVerifyChecksOnlyWhatWasAsked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)
		all := map[challenge.QuestionID]string{"MFA5": colour, "MFA6": pet, "MFA20": street}

		if _, err := challenge.Verify(ctx, db.Writer(), id, all, h); !errors.Is(err, challenge.ErrNotAsked) {
			t.Fatalf("Verify before Next = %v, want ErrNotAsked", err)
		}
		ps := next(t, db, id, challenge.Rotating)
		// Choosing which question to answer is not allowed.
		_, err := challenge.Verify(ctx, db.Writer(), id, all, h)
		if !errors.Is(err, challenge.ErrNotAsked) {
			t.Fatalf("answers to questions not asked = %v, want ErrNotAsked", err)
		}
		assertNoAnswer(t, "the error", err.Error(), three())
		// The refused attempt changed nothing: the same ask can be answered once.
		if r := answer(t, db, id, h, ps); !r.OK {
			t.Fatal("the right answer after a refused attempt failed")
		}
		if _, err := challenge.Verify(ctx, db.Writer(), id, map[challenge.QuestionID]string{ps[0].ID: answerOf[ps[0].ID]}, h); !errors.Is(err, challenge.ErrNotAsked) {
			t.Fatalf("answering the same ask twice = %v, want ErrNotAsked", err)
		}
	})
}

func TestAnAskIsAnsweredOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)
		ps := next(t, db, id, challenge.Rotating)
		given := map[challenge.QuestionID]string{ps[0].ID: answerOf[ps[0].ID]}
		const windows = 20
		var wg sync.WaitGroup
		var accepted, refused atomic.Int32
		for range windows {
			wg.Go(func() {
				_, err := challenge.Verify(ctx, db.Writer(), id, given, h)
				switch {
				case err == nil:
					accepted.Add(1)
				case errors.Is(err, challenge.ErrNotAsked):
					refused.Add(1)
				default:
					t.Errorf("Verify: %v", err)
				}
			})
		}
		wg.Wait()
		if accepted.Load() != 1 || refused.Load() != windows-1 {
			t.Fatalf("%d windows answering one ask at once: %d accepted, %d refused; want exactly 1 accepted",
				windows, accepted.Load(), refused.Load())
		}
	})
}

func TestForgotPasswordNeedsAllThree(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)
		for _, tc := range []struct {
			name    string
			answers map[challenge.QuestionID]string
			ok      bool
		}{
			{"all three right", map[challenge.QuestionID]string{"MFA5": colour, "MFA6": pet, "MFA20": street}, true},
			{"two right, one missing", map[challenge.QuestionID]string{"MFA5": colour, "MFA6": pet}, false},
			{"two right, one wrong", map[challenge.QuestionID]string{"MFA5": colour, "MFA6": pet, "MFA20": "Elm Street"}, false},
			{"none", map[challenge.QuestionID]string{}, false},
		} {
			r, err := challenge.VerifyAll(ctx, db.Writer(), id, tc.answers, h)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if r.OK != tc.ok || len(r.Right) != 3 {
				t.Errorf("%s: %+v, want OK=%v over 3 questions", tc.name, r, tc.ok)
			}
		}
		if _, err := challenge.VerifyAll(ctx, db.Writer(), id, map[challenge.QuestionID]string{"MFA1": "Paris"}, h); !errors.Is(err, challenge.ErrNotAsked) {
			t.Errorf("VerifyAll with a question the member has not set = %v, want ErrNotAsked", err)
		}
	})
}

func TestRecollectionIsDueAfter180Days(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const every = 180 * 24 * time.Hour
		h := hasher(t)
		clk := clock.NewFake(time.Date(2026, 3, 1, 9, 30, 15, 123456000, time.UTC))
		a, err := account.Create(ctx, db.Writer(), "institution", "member one", clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		collected := clk.Now()
		if err := challenge.Set(ctx, db.Writer(), a.ID, three(), collected, h); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			after time.Duration
			due   bool
		}{
			{0, false},
			{every - time.Microsecond, false},
			{every, true},
			{every + 24*time.Hour, true},
		} {
			clk.Set(collected.Add(tc.after))
			due, at, err := challenge.Due(ctx, db.Reader(), a.ID, clk.Now(), every)
			if err != nil {
				t.Fatal(err)
			}
			if due != tc.due || !at.Equal(collected.Add(every)) {
				t.Errorf("%s after collection: due=%v at %s, want due=%v at %s", tc.after, due, at, tc.due, collected.Add(every))
			}
		}
		if due, at, err := challenge.Due(ctx, db.Reader(), a.ID, clk.Now(), 0); err != nil || due || !at.IsZero() {
			t.Errorf("with re-collection off: due=%v at %s, %v; want never", due, at, err)
		}
		// Setting them again restarts the period.
		if err := challenge.Set(ctx, db.Writer(), a.ID, three(), clk.Now(), h); err != nil {
			t.Fatal(err)
		}
		if due, at, err := challenge.Due(ctx, db.Reader(), a.ID, clk.Now(), every); err != nil || due || !at.Equal(clk.Now().Add(every)) {
			t.Errorf("after re-collection: due=%v at %s, %v; want not due until %s", due, at, err, clk.Now().Add(every))
		}
	})
}

func TestStaffDelete(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)
		next(t, db, id, challenge.Rotating) // leave an ask pending
		if has, err := challenge.HasQuestions(ctx, db.Reader(), id); err != nil || !has {
			t.Fatalf("HasQuestions after Set = %v, %v; want true", has, err)
		}
		if err := challenge.Delete(ctx, db.Writer(), id); err != nil {
			t.Fatal(err)
		}
		if has, err := challenge.HasQuestions(ctx, db.Reader(), id); err != nil || has {
			t.Fatalf("HasQuestions after Delete = %v, %v; want false", has, err)
		}
		var rows int
		if err := db.Reader().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM challenge_question) + (SELECT COUNT(*) FROM challenge_set)`).Scan(&rows); err != nil || rows != 0 {
			t.Fatalf("%d rows left after Delete (%v), want 0", rows, err)
		}
		for name, err := range map[string]error{
			"Delete again": challenge.Delete(ctx, db.Writer(), id),
			"Next":         func() error { _, err := challenge.Next(ctx, db.Writer(), id, challenge.Rotating); return err }(),
			"Verify":       func() error { _, err := challenge.Verify(ctx, db.Writer(), id, nil, h); return err }(),
			"VerifyAll":    func() error { _, err := challenge.VerifyAll(ctx, db.Writer(), id, nil, h); return err }(),
			"List":         func() error { _, err := challenge.List(ctx, db.Reader(), id); return err }(),
			"Due":          func() error { _, _, err := challenge.Due(ctx, db.Reader(), id, now, time.Hour); return err }(),
		} {
			if !errors.Is(err, challenge.ErrNoQuestions) || !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s after Delete = %v, want ErrNoQuestions and store.ErrNotFound", name, err)
			}
		}
		// The member sets new ones at the next login.
		if err := challenge.Set(ctx, db.Writer(), id, three(), now, h); err != nil {
			t.Fatalf("Set after Delete: %v", err)
		}
	})
}

func TestSetReplacesEverything(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		id := enrolled(t, db, h)
		answer(t, db, id, h, next(t, db, id, challenge.Rotating)) // move the rotation on
		next(t, db, id, challenge.Rotating)                       // and leave an ask pending

		fresh := []challenge.Answer{
			{QuestionID: "MFA1", Text: "Reykjavik"},
			{QuestionID: "MFA5", Text: "Mauve"},
			{Custom: "Best concert I went to?", Text: "Kraftwerk 1981"},
		}
		if err := challenge.Set(ctx, db.Writer(), id, fresh, now, h); err != nil {
			t.Fatal(err)
		}
		// The pending ask went with the old set; the rotation starts again.
		if ps := next(t, db, id, challenge.Rotating); ps[0].ID != "MFA1" {
			t.Fatalf("first ask after Set = %s, want MFA1", ps[0].ID)
		}
		r, err := challenge.VerifyAll(ctx, db.Writer(), id,
			map[challenge.QuestionID]string{"MFA1": "reykjavik", "MFA5": colour, challenge.CustomID: "kraftwerk 1981"}, h)
		if err != nil || r.OK || r.Right["MFA5"] || !r.Right["MFA1"] || !r.Right[challenge.CustomID] {
			t.Fatalf("old answer to MFA5 after Set: %+v, %v; want it wrong and the new ones right", r, err)
		}
		if _, err := challenge.VerifyAll(ctx, db.Writer(), id, map[challenge.QuestionID]string{"MFA6": pet}, h); !errors.Is(err, challenge.ErrNotAsked) {
			t.Fatalf("answering a question of the old set = %v, want ErrNotAsked", err)
		}
	})
}

func TestAnswersAreNeverStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := hasher(t)
		a, err := account.Create(ctx, db.Writer(), "institution", "member one", now)
		if err != nil {
			t.Fatal(err)
		}
		answers := three()
		answers[1] = challenge.Answer{Custom: "Name of my first teacher?", Text: own}
		if err := challenge.Set(ctx, db.Writer(), a.ID, answers, now, h); err != nil {
			t.Fatal(err)
		}
		// Exercise the rotation state too: asked, failed.
		ps := next(t, db, a.ID, challenge.TwoOfThree)
		if _, err := challenge.Verify(ctx, db.Writer(), a.ID, map[challenge.QuestionID]string{ps[0].ID: colour}, h); err != nil {
			t.Fatal(err)
		}
		next(t, db, a.ID, challenge.Rotating)

		cells := 0
		for _, table := range []string{"challenge_set", "challenge_question"} {
			rows, err := db.Reader().QueryContext(ctx, `SELECT * FROM `+table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					cells++
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					assertNoAnswer(t, table+"."+cols[i], s, answers)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
		}
		if cells == 0 {
			t.Fatal("read no cells: the check proves nothing")
		}
	})
}

func TestAnswersNeverPrint(t *testing.T) {
	t.Parallel()
	a := challenge.Answer{QuestionID: "MFA5", Text: colour}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("set", "answer", a)
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%v %+v %#v %s", a, a, a, a), fmt.Sprintf("%+v", []challenge.Answer{a}), logged.String()} {
		assertNoAnswer(t, "printed Answer", s, []challenge.Answer{a})
		if !strings.Contains(s, "MFA5") {
			t.Errorf("printed Answer %q does not name its question", s)
		}
	}
}

func TestRightAnswerUpgradesAWeakHash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		weak := hasher(t)
		p := password.TestParams()
		p.Time = 2
		strong, err := password.NewHasher(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		id := enrolled(t, db, weak)
		hashOf := func() string {
			var s string
			if err := db.Reader().QueryRowContext(ctx, `SELECT answer_hash FROM challenge_question WHERE account_id = $1 AND question_id = 'MFA5'`, id).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		before := hashOf()
		if r, err := challenge.VerifyAll(ctx, db.Writer(), id, map[challenge.QuestionID]string{"MFA5": "nope"}, strong); err != nil || r.OK {
			t.Fatalf("wrong answers: %+v, %v", r, err)
		}
		if hashOf() != before {
			t.Fatal("a wrong answer replaced the hash")
		}
		if r, err := challenge.VerifyAll(ctx, db.Writer(), id, map[challenge.QuestionID]string{"MFA5": colour, "MFA6": pet, "MFA20": street}, strong); err != nil || !r.OK {
			t.Fatalf("right answers: %+v, %v", r, err)
		}
		after := hashOf()
		if after == before || !strings.Contains(after, "t=2") {
			t.Fatalf("hash after a right answer with stronger parameters = %q, want it re-made with t=2", after)
		}
		if ok, _, err := strong.Verify(ctx, after, "zanzibar blue"); err != nil || !ok {
			t.Fatalf("re-made hash does not verify the normalised answer: %v, %v", ok, err)
		}
	})
}

func TestUnknownModeIsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		id := enrolled(t, db, hasher(t))
		if _, err := challenge.Next(context.Background(), db.Writer(), id, "one_of_five"); err == nil {
			t.Fatal("Next with an unknown mode succeeded")
		}
	})
}

// assertNoAnswer fails if s contains any of the answers, as typed or
// normalised, in any case.
func assertNoAnswer(t *testing.T, what, s string, answers []challenge.Answer) {
	t.Helper()
	low := strings.ToLower(s)
	for _, a := range answers {
		for _, form := range []string{a.Text, strings.Join(strings.Fields(a.Text), " ")} {
			form = strings.ToLower(strings.TrimSpace(form))
			if len(form) >= 4 && strings.Contains(low, form) {
				t.Errorf("%s contains an answer: %q", what, s)
			}
		}
	}
}
