// Package challenge owns challenge questions (REQUIREMENTS S8–S12): the
// catalogue members choose from (the OFX MFA phrase table), each account's
// set of three questions with at most one of the member's own, the hashed
// answers, which question to ask next (one rotating question or two of
// three, S9), checking answers, all three for "forgot password", and the
// 180-day re-collection date (S10).
//
// What it does not do: count failures or block the method (package
// lockout counts an attempt before Verify is called and settles it with
// Verify's result), write audit events (the caller knows the actor and the
// scope; it should append one in the same transaction as Set or Delete), or
// render anything ("hide my typing", S12, is the page's: answers here are
// plain strings in and a yes/no out).
//
// Answers are secrets. They are normalised (NFKC, case-folded, white space
// collapsed), hashed with argon2id through a Hasher and dropped; no error,
// Problem, Prompt or Result carries one, and Answer's String and LogValue
// redact it.
//
// Security questions are knowledge-based authentication, which NIST SP
// 800-63B does not accept as a factor; the institution's seed documents
// require them. They are kept here as a layered check, never the only one.
package challenge

import (
	"context"
	"errors"
	"fmt"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Hasher hashes and verifies answers. *password.Hasher is one: argon2id
// with a random salt per hash, parameters in a PHC string, a constant-time
// comparison and a cap on concurrent hashes.
//
// Why argon2id rather than an HMAC: answers have little entropy (a favourite
// colour is one of a few dozen words), so a stolen table of fast hashes
// falls to a dictionary in seconds. An HMAC with a server-held key would
// resist that only while the key stays secret, and would need a key store
// this package does not have; argon2id costs every guess 19 MiB and tens of
// milliseconds per answer and per salt, whoever holds the table. The price
// is three hashes at enrolment and three at "forgot password", bounded by
// the Hasher's concurrency cap.
type Hasher interface {
	Hash(ctx context.Context, secret string) (string, error)
	Verify(ctx context.Context, encoded, secret string) (ok, needsRehash bool, err error)
}

// Mode is how questions are asked at login (S9). Its values are those of
// policy.QuestionMode, so the wiring converts with Mode(p.QuestionMode).
type Mode string

// The two modes.
const (
	// Rotating asks one question per login, each of the three in turn.
	Rotating Mode = "rotating"
	// TwoOfThree asks two of the three; both must be right.
	TwoOfThree Mode = "two_of_three"
)

func (m Mode) asks() (int, error) {
	switch m {
	case Rotating:
		return 1, nil
	case TwoOfThree:
		return 2, nil
	}
	return 0, fmt.Errorf("challenge: question mode %q is not %q or %q", m, Rotating, TwoOfThree)
}

// Prompt is a question to show: its id, to key the answer by, and its
// label. It never holds an answer.
type Prompt struct {
	ID     QuestionID
	Label  string
	Custom bool // the member's own question
}

// Result is the outcome of checking answers: which questions were answered
// right. It never holds an answer.
type Result struct {
	OK    bool                // every question asked was answered right
	Asked []QuestionID        // the questions checked, in the order asked
	Right map[QuestionID]bool // per question asked; false also when not answered
}

// Wrong lists the questions answered wrong or not answered, in the order
// they were asked.
func (r *Result) Wrong() []QuestionID {
	var out []QuestionID
	for _, id := range r.Asked {
		if !r.Right[id] {
			out = append(out, id)
		}
	}
	return out
}

var (
	// ErrNoQuestions means the account has no questions set: the member must
	// set them (at first login, after staff deleted them, S11). Errors
	// wrapping it also wrap store.ErrNotFound.
	ErrNoQuestions = errors.New("challenge: no security questions are set")
	// ErrNotAsked means answers were checked that are not the ones asked:
	// nothing was asked (Next was not called, or the ask was already
	// answered, perhaps from another window), or an answer names a
	// question that was not asked. Treat it like a wrong answer.
	ErrNotAsked = errors.New("challenge: these questions were not asked")
)

func noQuestions(accountID int64) error {
	return fmt.Errorf("challenge: account %d: %w: %w", accountID, ErrNoQuestions, store.ErrNotFound)
}
