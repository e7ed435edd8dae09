package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/store"
)

// ErrQuestionsBlocked is shown when the questions are blocked (S4): the
// member may still use another method, such as a phone call.
var ErrQuestionsBlocked = errors.New("security questions are blocked after too many wrong answers; choose another way or call us")

// ErrWrongAnswer is a wrong answer to a challenge question; AttemptsLeft
// says how many more the member has before questions are blocked.
type ErrWrongAnswer struct{ AttemptsLeft int }

func (e *ErrWrongAnswer) Error() string {
	return fmt.Sprintf("that answer is not right; %d attempts left before security questions are blocked", e.AttemptsLeft)
}

// SetQuestions replaces the member's three questions and answers (S8), at
// enrolment, at re-collection (S10) or after staff deleted them (S11).
func (e *Engine) SetQuestions(ctx context.Context, a *account.Account, answers []challenge.Answer, m Meta) error {
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := challenge.Set(ctx, tx, a.ID, answers, e.clock.Now(), e.hasher); err != nil {
			return err
		}
		return e.audit(ctx, tx, a.ID, "questions.set", m, nil)
	})
}

// DeleteQuestions is the staff action of S11: the member sets new ones at
// the next login.
func (e *Engine) DeleteQuestions(ctx context.Context, accountID int64, staff string, m Meta) error {
	return e.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := challenge.Delete(ctx, tx, accountID); err != nil {
			return err
		}
		return e.auditAs(ctx, tx, staff, accountID, "questions.deleted", m, nil)
	})
}

// QuestionsDue says whether the member must set their questions again: none
// are set (new member, or deleted by staff), or the policy's re-collection
// period has passed (S10).
func (e *Engine) QuestionsDue(ctx context.Context, a *account.Account) (bool, time.Time, error) {
	has, err := challenge.HasQuestions(ctx, e.db.Reader(), a.ID)
	if err != nil || !has {
		return !has, time.Time{}, err
	}
	return challenge.Due(ctx, e.db.Reader(), a.ID, e.clock.Now(), e.policy.RecollectEvery)
}

// AskQuestions picks what to ask in the policy's mode (S9): one rotating
// question or two of the three.
func (e *Engine) AskQuestions(ctx context.Context, a *account.Account) ([]challenge.Prompt, error) {
	return e.AskQuestionsIn(ctx, a, "")
}

// AskQuestionsIn is AskQuestions in mode, for an institution that sets the
// mode per member; "" means the policy's mode.
func (e *Engine) AskQuestionsIn(ctx context.Context, a *account.Account, mode challenge.Mode) ([]challenge.Prompt, error) {
	if mode == "" {
		mode = challenge.Mode(e.policy.QuestionMode)
	}
	if blocked, err := lockout.IsBlocked(ctx, e.db.Reader(), a.ID, lockout.Questions, e.policy.LockoutAfter); err != nil {
		return nil, fmt.Errorf("auth: ask questions: %w", err)
	} else if blocked {
		return nil, ErrQuestionsBlocked
	}
	return challenge.Next(ctx, e.db.Writer(), a.ID, mode)
}

// AnswerQuestions checks the answers to what AskQuestions asked. A wrong
// answer counts against the questions method (three block it, S4) and
// rotates to another question next time (S9).
func (e *Engine) AnswerQuestions(ctx context.Context, a *account.Account, answers map[challenge.QuestionID]string, m Meta) error {
	return e.answer(ctx, a, answers, m, challenge.Verify)
}

// AnswerAllQuestions is "forgot password": all three must be right (S9).
func (e *Engine) AnswerAllQuestions(ctx context.Context, a *account.Account, answers map[challenge.QuestionID]string, m Meta) error {
	return e.answer(ctx, a, answers, m, challenge.VerifyAll)
}

type verifyFunc func(context.Context, store.Querier, int64, map[challenge.QuestionID]string, challenge.Hasher) (*challenge.Result, error)

func (e *Engine) answer(ctx context.Context, a *account.Account, answers map[challenge.QuestionID]string, m Meta, verify verifyFunc) error {
	now := e.clock.Now()
	attempt, err := lockout.Begin(ctx, e.db.Writer(), a.ID, lockout.Questions, e.policy.LockoutAfter, now)
	if errors.Is(err, lockout.ErrBlocked) {
		return ErrQuestionsBlocked
	}
	if err != nil {
		return fmt.Errorf("auth: answer questions: %w", err)
	}
	res, err := verify(ctx, e.db.Writer(), a.ID, answers, e.hasher)
	if err != nil {
		// Nothing was checked (no question pending, no questions set).
		if rerr := attempt.Release(ctx, e.db.Writer(), now); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	if res.OK {
		if err := attempt.Succeeded(ctx, e.db.Writer(), now); err != nil {
			return fmt.Errorf("auth: answer questions: %w", err)
		}
		return e.audit(ctx, e.db.Writer(), a.ID, "questions.ok", m, nil)
	}
	blocked, err := attempt.Failed(ctx, e.db.Writer(), now)
	if err != nil {
		return fmt.Errorf("auth: answer questions: %w", err)
	}
	detail := map[string]string{"attempt": strconv.Itoa(attempt.Number), "limit": strconv.Itoa(attempt.Limit)}
	if err := e.audit(ctx, e.db.Writer(), a.ID, "questions.failed", m, detail); err != nil {
		return err
	}
	if blocked {
		if err := e.audit(ctx, e.db.Writer(), a.ID, "method.blocked", m, map[string]string{"method": string(lockout.Questions)}); err != nil {
			return err
		}
		return ErrQuestionsBlocked
	}
	return &ErrWrongAnswer{AttemptsLeft: attempt.Left()}
}
