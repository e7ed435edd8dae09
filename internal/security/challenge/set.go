package challenge

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Set replaces all of the account's questions with answers (S8): exactly
// QuestionCount different questions, at most one of the member's own, each
// answer 1–MaxAnswerLength characters after normalisation. It refuses
// invalid input with an *InvalidError listing every problem, before any
// hashing or writing. The answers are normalised and hashed with h; the
// collection date (S10) becomes now and the rotation starts afresh.
//
// Set writes several rows. Given a transaction it joins it; given a pool
// (*sql.DB) it runs in a transaction of its own, so a member is never left
// with half a set. The hashing is done before the first statement, so it
// does not hold the write lock.
func Set(ctx context.Context, q store.Querier, accountID int64, answers []Answer, now time.Time, h Hasher) error {
	cs, err := validate(answers)
	if err != nil {
		return err
	}
	hashes := make([]string, len(cs))
	for i, c := range cs {
		if hashes[i], err = h.Hash(ctx, c.answer); err != nil {
			return fmt.Errorf("challenge: hash answer %d for account %d: %w", i+1, accountID, err)
		}
	}
	return atomically(ctx, q, func(q store.Querier) error {
		_, err := q.ExecContext(ctx, `
			INSERT INTO challenge_set (account_id, collected_at) VALUES ($1, $2)
			ON CONFLICT (account_id) DO UPDATE
			SET collected_at = excluded.collected_at, next_position = 0, asked = '', failed = '',
			    version = challenge_set.version + 1`,
			accountID, now.UTC())
		if err != nil {
			return fmt.Errorf("challenge: save the questions of account %d: %w", accountID, store.Err(err))
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM challenge_question WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("challenge: replace the questions of account %d: %w", accountID, err)
		}
		for i, c := range cs {
			_, err := q.ExecContext(ctx, `
				INSERT INTO challenge_question (account_id, position, question_id, custom_text, answer_hash)
				VALUES ($1, $2, $3, $4, $5)`,
				accountID, i, string(c.id), c.custom, hashes[i])
			if err != nil {
				return fmt.Errorf("challenge: save question %d of account %d: %w", i+1, accountID, store.Err(err))
			}
		}
		return nil
	})
}

// Delete removes the account's questions (S11: staff delete them; the
// member sets new ones at the next login, which HasQuestions tells the login
// flow). It returns an error wrapping ErrNoQuestions when there were none.
func Delete(ctx context.Context, q store.Querier, accountID int64) error {
	// One statement: the questions go with their set (ON DELETE CASCADE).
	res, err := q.ExecContext(ctx, `DELETE FROM challenge_set WHERE account_id = $1`, accountID)
	if err != nil {
		return fmt.Errorf("challenge: delete the questions of account %d: %w", accountID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return noQuestions(accountID)
	}
	return nil
}

// HasQuestions reports whether the account has questions set. The login
// flow sends a member without them to enrolment (S7, S11).
func HasQuestions(ctx context.Context, q store.Querier, accountID int64) (bool, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM challenge_question WHERE account_id = $1`, accountID).Scan(&n); err != nil {
		return false, fmt.Errorf("challenge: look up the questions of account %d: %w", accountID, err)
	}
	return n > 0, nil
}

// List returns the account's questions in the order the member chose them,
// for the settings page and the "forgot password" form (which asks all
// three, see VerifyAll). It returns an error wrapping ErrNoQuestions when
// there are none.
func List(ctx context.Context, q store.Querier, accountID int64) ([]Prompt, error) {
	st, err := load(ctx, q, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]Prompt, len(st.questions))
	for i, sq := range st.questions {
		if out[i], err = sq.prompt(accountID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Due reports whether the account's questions are due for re-collection
// (S10: every 180 days in the seed policy): at is when they were collected
// plus every, and due is whether now has reached it. every <= 0 means never
// (policy RecollectEvery 0): due is false and at is zero. It returns an
// error wrapping ErrNoQuestions when there are no questions.
func Due(ctx context.Context, q store.Querier, accountID int64, now time.Time, every time.Duration) (due bool, at time.Time, err error) {
	var collected time.Time
	err = q.QueryRowContext(ctx, `SELECT collected_at FROM challenge_set WHERE account_id = $1`, accountID).Scan(&collected)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, noQuestions(accountID)
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("challenge: look up when account %d set its questions: %w", accountID, err)
	}
	if every <= 0 {
		return false, time.Time{}, nil
	}
	at = collected.UTC().Add(every)
	return !now.Before(at), at, nil
}

// state is an account's stored set of questions.
type state struct {
	nextPos   int          // rotation cursor
	asked     []QuestionID // asked and not yet answered
	failed    []QuestionID // answered wrong at the last ask
	version   int64        // for compare-and-set
	questions []stored     // by position
}

// stored is one stored question.
type stored struct {
	id     QuestionID
	custom string
	hash   string
}

func (sq stored) prompt(accountID int64) (Prompt, error) {
	if sq.id == CustomID {
		return Prompt{ID: sq.id, Label: sq.custom, Custom: true}, nil
	}
	q, ok := Lookup(sq.id)
	if !ok {
		return Prompt{}, fmt.Errorf("challenge: account %d has question %q, which is not in the catalogue", accountID, sq.id)
	}
	return Prompt{ID: q.ID, Label: q.Label}, nil
}

// position returns where id is in the set, or -1.
func (st *state) position(id QuestionID) int {
	for i, sq := range st.questions {
		if sq.id == id {
			return i
		}
	}
	return -1
}

func (st *state) prompts(accountID int64, ids []QuestionID) ([]Prompt, error) {
	out := make([]Prompt, len(ids))
	for i, id := range ids {
		p, err := st.questions[st.position(id)].prompt(accountID)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

func load(ctx context.Context, q store.Querier, accountID int64) (*state, error) {
	var st state
	var asked, failed string
	err := q.QueryRowContext(ctx, `
		SELECT next_position, asked, failed, version FROM challenge_set WHERE account_id = $1`,
		accountID).Scan(&st.nextPos, &asked, &failed, &st.version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, noQuestions(accountID)
	}
	if err != nil {
		return nil, fmt.Errorf("challenge: load the questions of account %d: %w", accountID, err)
	}
	st.asked, st.failed = splitIDs(asked), splitIDs(failed)

	rows, err := q.QueryContext(ctx, `
		SELECT question_id, custom_text, answer_hash FROM challenge_question
		WHERE account_id = $1 ORDER BY position`, accountID)
	if err != nil {
		return nil, fmt.Errorf("challenge: load the questions of account %d: %w", accountID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sq stored
		var id string
		if err := rows.Scan(&id, &sq.custom, &sq.hash); err != nil {
			return nil, fmt.Errorf("challenge: load the questions of account %d: %w", accountID, err)
		}
		sq.id = QuestionID(id)
		st.questions = append(st.questions, sq)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("challenge: load the questions of account %d: %w", accountID, err)
	}
	if len(st.questions) == 0 {
		return nil, noQuestions(accountID)
	}
	return &st, nil
}

// Question ids are catalogue ids or CustomID: never a comma.
func joinIDs(ids []QuestionID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ",")
}

func splitIDs(s string) []QuestionID {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]QuestionID, len(parts))
	for i, p := range parts {
		out[i] = QuestionID(p)
	}
	return out
}

// atomically runs fn in q when q is a transaction (or anything else that is
// not a pool), and in a new transaction on q when q is a pool.
func atomically(ctx context.Context, q store.Querier, fn func(store.Querier) error) (err error) {
	pool, ok := q.(*sql.DB)
	if !ok {
		return fn(q)
	}
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("challenge: begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("challenge: roll back: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("challenge: commit: %w", store.Err(err))
	}
	return nil
}
