package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// The demo bank's answers: favorite color, first pet, city of birth.
var demoAnswers = map[challenge.QuestionID]string{"MFA5": "blue", "MFA6": "rex", "MFA1": "paris"}

func (b *bundle) setQuestions(t *testing.T, a *account.Account) {
	t.Helper()
	var answers []challenge.Answer
	for id, text := range demoAnswers {
		answers = append(answers, challenge.Answer{QuestionID: id, Text: text})
	}
	if err := b.engine.SetQuestions(context.Background(), a, answers, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
}

// answerAsked answers what was asked, rightly or wrongly.
func (b *bundle) answerAsked(t *testing.T, a *account.Account, right bool) error {
	t.Helper()
	prompts, err := b.engine.AskQuestions(context.Background(), a)
	if err != nil {
		return err
	}
	answers := map[challenge.QuestionID]string{}
	for _, p := range prompts {
		answers[p.ID] = demoAnswers[p.ID]
		if !right {
			answers[p.ID] = "green"
		}
	}
	return b.engine.AnswerQuestions(context.Background(), a, answers, auth.Meta{})
}

func TestQuestionsRotateAndBlockAfterThreeWrong(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "liam member", "Liam-Lamp-21")
		if due, _, err := b.engine.QuestionsDue(ctx, a); err != nil || !due {
			t.Fatalf("a member without questions: due=%v %v, want due", due, err)
		}
		b.setQuestions(t, a)

		// One rotating question, a different one at each login (S9).
		seen := map[challenge.QuestionID]bool{}
		for range 3 {
			prompts, err := b.engine.AskQuestions(ctx, a)
			if err != nil || len(prompts) != 1 {
				t.Fatalf("rotating mode asked %v, %v; want one question", prompts, err)
			}
			seen[prompts[0].ID] = true
			if err := b.engine.AnswerQuestions(ctx, a, map[challenge.QuestionID]string{prompts[0].ID: "  " + demoAnswers[prompts[0].ID] + " "}, auth.Meta{}); err != nil {
				t.Fatalf("the right answer (with spaces): %v", err)
			}
		}
		if len(seen) != 3 {
			t.Fatalf("three logins asked %d distinct questions, want 3", len(seen))
		}

		var wrong *auth.ErrWrongAnswer
		if err := b.answerAsked(t, a, false); !errors.As(err, &wrong) || wrong.AttemptsLeft != 2 {
			t.Fatalf("a wrong answer: %v, want 2 attempts left", err)
		}
		if err := b.answerAsked(t, a, false); !errors.As(err, &wrong) || wrong.AttemptsLeft != 1 {
			t.Fatalf("a second wrong answer: %v, want 1 attempt left", err)
		}
		if err := b.answerAsked(t, a, false); !errors.Is(err, auth.ErrQuestionsBlocked) {
			t.Fatalf("a third wrong answer: %v, want ErrQuestionsBlocked", err)
		}
		if _, err := b.engine.AskQuestions(ctx, a); !errors.Is(err, auth.ErrQuestionsBlocked) {
			t.Fatalf("asking after the block: %v", err)
		}
		// The password is a different method and still works (S4).
		if _, err := b.engine.CheckPassword(ctx, "liam member", "Liam-Lamp-21", auth.Meta{}); err != nil {
			t.Fatalf("the password after questions were blocked: %v", err)
		}
	})
}

func TestQuestionsAreRecollectedEvery180Days(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "mia member", "Mia-Moon-99")
		b.setQuestions(t, a)
		b.clock.Advance(180*24*time.Hour - time.Second)
		if due, _, _ := b.engine.QuestionsDue(ctx, a); due {
			t.Fatal("questions due a second before 180 days")
		}
		b.clock.Advance(time.Second)
		if due, _, _ := b.engine.QuestionsDue(ctx, a); !due {
			t.Fatal("questions not due at 180 days")
		}
		// Staff delete (S11): due at once.
		b.setQuestions(t, a)
		if err := b.engine.DeleteQuestions(ctx, a.ID, "staff:2", auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if due, _, _ := b.engine.QuestionsDue(ctx, a); !due {
			t.Fatal("questions not due after staff deleted them")
		}
	})
}

func TestForgotPasswordNeedsAllThree(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "noah member", "Noah-Ark-404")
		b.setQuestions(t, a)
		two := map[challenge.QuestionID]string{"MFA5": "blue", "MFA6": "rex", "MFA1": "london"}
		var wrong *auth.ErrWrongAnswer
		if err := b.engine.AnswerAllQuestions(ctx, a, two, auth.Meta{}); !errors.As(err, &wrong) {
			t.Fatalf("two of three right: %v, want a wrong answer", err)
		}
		if err := b.engine.AnswerAllQuestions(ctx, a, demoAnswers, auth.Meta{}); err != nil {
			t.Fatalf("all three right: %v", err)
		}
	})
}

func TestQuestionsInAMemberMode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams()) // rotating by policy
		a := b.member(t, "wren member", "Wren-Bird-404")
		b.setQuestions(t, a)
		prompts, err := b.engine.AskQuestionsIn(ctx, a, challenge.TwoOfThree)
		if err != nil || len(prompts) != 2 || prompts[0].ID == prompts[1].ID {
			t.Fatalf("two of three for one member: %v %v", prompts, err)
		}
	})
}
