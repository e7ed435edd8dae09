package challenge

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/store"
)

// How the questions are asked (S9), in three rules:
//
//  1. Each ask starts at the rotation cursor and goes round the set in the
//     order the member chose the questions. After an ask is answered the
//     cursor moves one past the first question asked, so consecutive logins
//     get different questions (Rotating) or a different pair (TwoOfThree).
//  2. A question answered wrong at the last ask goes to the back of the
//     queue: the next ask does not repeat it. (In TwoOfThree with both
//     answered wrong, one of them must come back: there are only three.)
//  3. An ask stays pending until answered: Next called again before Verify
//     returns the same questions. Otherwise reloading the login page would
//     cycle through the questions until one the reader knows came up, the
//     weakness OWASP's Security Questions cheat sheet warns of. The failure
//     counter (package lockout) bounds how often the page can be answered.
//
// Next and Verify write the rotation state with a compare-and-set on its
// version, so two windows answering the same ask cannot both have it
// counted: the second gets ErrNotAsked.

// Next returns the questions to ask the account at this login: one in
// Rotating mode, two in TwoOfThree. It returns labels and ids only. It
// returns an error wrapping ErrNoQuestions when the account has none. It
// records what it asked, so q must be able to write (the Writer pool or a
// transaction).
func Next(ctx context.Context, q store.Querier, accountID int64, mode Mode) ([]Prompt, error) {
	n, err := mode.asks()
	if err != nil {
		return nil, err
	}
	for range 3 {
		st, err := load(ctx, q, accountID)
		if err != nil {
			return nil, err
		}
		if st.pending(n) {
			return st.prompts(accountID, st.asked)
		}
		ids := st.pick(n)
		res, err := q.ExecContext(ctx, `
			UPDATE challenge_set SET asked = $1, version = version + 1
			WHERE account_id = $2 AND version = $3`,
			joinIDs(ids), accountID, st.version)
		if err != nil {
			return nil, fmt.Errorf("challenge: record the question asked of account %d: %w", accountID, err)
		}
		if changed, err := res.RowsAffected(); err != nil || changed == 1 {
			return st.prompts(accountID, ids)
		}
		// Another login changed the state meanwhile: look again.
	}
	return nil, fmt.Errorf("challenge: choose a question for account %d: the questions kept changing; try again", accountID)
}

// Verify checks answers, keyed by question id, against the questions Next
// asked, and moves the rotation on: the next ask starts after these and
// avoids any answered wrong. An asked question without an answer counts as
// wrong. Answers are normalised as at enrolment, so case and spacing do not
// matter. An answer to a question that was not asked, or answers when
// nothing is pending (never asked, or already answered), give an error
// wrapping ErrNotAsked and change nothing.
//
// Verify reports right and wrong only; counting failures toward a block is
// package lockout's, before Verify is called. A right answer whose hash was
// made with weaker parameters than h's is re-hashed. q must be able to
// write. Verify hashes (one argon2id run per question asked), so do not call
// it inside a transaction that other writers are waiting on.
func Verify(ctx context.Context, q store.Querier, accountID int64, answers map[QuestionID]string, h Hasher) (*Result, error) {
	st, err := load(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	if len(st.asked) == 0 || !st.pending(len(st.asked)) {
		return nil, fmt.Errorf("challenge: account %d: nothing is waiting for an answer: %w", accountID, ErrNotAsked)
	}
	for id := range answers {
		if !slices.Contains(st.asked, id) {
			return nil, fmt.Errorf("challenge: account %d: an answer was given to a question that was not asked: %w", accountID, ErrNotAsked)
		}
	}
	r, err := st.check(ctx, q, accountID, st.asked, answers, h)
	if err != nil {
		return nil, err
	}
	next := (st.position(st.asked[0]) + 1) % len(st.questions)
	res, err := q.ExecContext(ctx, `
		UPDATE challenge_set SET asked = '', failed = $1, next_position = $2, version = version + 1
		WHERE account_id = $3 AND version = $4`,
		joinIDs(r.Wrong()), next, accountID, st.version)
	if err != nil {
		return nil, fmt.Errorf("challenge: record the answer of account %d: %w", accountID, err)
	}
	if changed, err := res.RowsAffected(); err == nil && changed == 0 {
		return nil, fmt.Errorf("challenge: account %d: the questions were answered meanwhile, perhaps in another window: %w", accountID, ErrNotAsked)
	}
	return r, nil
}

// VerifyAll checks answers to all of the account's questions, as "forgot
// password" requires (S9): Result.OK only when every one is right. A
// missing answer counts as wrong; an answer to a question the account does
// not have gives an error wrapping ErrNotAsked. It leaves the login
// rotation alone; it writes only to re-hash a right answer whose hash is
// weaker than h makes.
func VerifyAll(ctx context.Context, q store.Querier, accountID int64, answers map[QuestionID]string, h Hasher) (*Result, error) {
	st, err := load(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	ids := make([]QuestionID, len(st.questions))
	for i, sq := range st.questions {
		ids[i] = sq.id
	}
	for id := range answers {
		if !slices.Contains(ids, id) {
			return nil, fmt.Errorf("challenge: account %d: an answer was given to a question the member has not set: %w", accountID, ErrNotAsked)
		}
	}
	return st.check(ctx, q, accountID, ids, answers, h)
}

// pending reports whether an ask of n questions, all still in the set, is
// waiting for its answer.
func (st *state) pending(n int) bool {
	if len(st.asked) != n {
		return false
	}
	for _, id := range st.asked {
		if st.position(id) < 0 {
			return false
		}
	}
	return true
}

// pick chooses n questions: round the set from the cursor, those answered
// wrong last time at the back.
func (st *state) pick(n int) []QuestionID {
	k := len(st.questions)
	var fresh, failed []QuestionID
	for i := range k {
		id := st.questions[((st.nextPos%k)+k+i)%k].id
		if slices.Contains(st.failed, id) {
			failed = append(failed, id)
		} else {
			fresh = append(fresh, id)
		}
	}
	return append(fresh, failed...)[:min(n, k)]
}

// check verifies the answers to ids. Every question is verified, right or
// wrong, so the time taken does not tell which one failed.
func (st *state) check(ctx context.Context, q store.Querier, accountID int64, ids []QuestionID, answers map[QuestionID]string, h Hasher) (*Result, error) {
	r := &Result{OK: true, Asked: ids, Right: make(map[QuestionID]bool, len(ids))}
	for _, id := range ids {
		sq := st.questions[st.position(id)]
		right := false
		if given, ok := answers[id]; ok && len(given) <= maxInputBytes {
			a := normalizeAnswer(given)
			if a != "" && utf8.RuneCountInString(a) <= MaxAnswerLength {
				match, rehash, err := h.Verify(ctx, sq.hash, a)
				if err != nil {
					return nil, fmt.Errorf("challenge: check the answer to %s for account %d: %w", id, accountID, err)
				}
				right = match
				if match && rehash {
					if err := st.rehash(ctx, q, accountID, sq, a, h); err != nil {
						return nil, err
					}
				}
			}
		}
		r.Right[id] = right
		r.OK = r.OK && right
	}
	return r, nil
}

// rehash replaces a right answer's hash made with weaker parameters. The
// compare-and-set leaves alone a hash replaced meanwhile (new answers).
func (st *state) rehash(ctx context.Context, q store.Querier, accountID int64, sq stored, answer string, h Hasher) error {
	hash, err := h.Hash(ctx, answer)
	if err != nil {
		return fmt.Errorf("challenge: re-hash the answer to %s for account %d: %w", sq.id, accountID, err)
	}
	_, err = q.ExecContext(ctx, `
		UPDATE challenge_question SET answer_hash = $1
		WHERE account_id = $2 AND question_id = $3 AND answer_hash = $4`,
		hash, accountID, string(sq.id), sq.hash)
	if err != nil {
		return fmt.Errorf("challenge: re-hash the answer to %s for account %d: %w", sq.id, accountID, err)
	}
	return nil
}
