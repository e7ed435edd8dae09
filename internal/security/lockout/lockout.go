// Package lockout owns the failure counters that block an authentication
// method (S4): three wrong passwords disable the password until staff reset
// it, three wrong answers block the questions, three wrong PINs block PINs,
// and every other method stays available.
//
// An attempt is counted before the secret is verified, in one atomic
// statement that refuses to count past the limit. Parallel guesses therefore
// cannot slip past it: with a limit of 3, however many requests arrive at
// once, at most 3 ever reach verification. A success resets the count; a
// crash between counting and verifying leaves the attempt counted, which errs
// on the side of the member.
package lockout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Method names an authentication method with its own counter.
type Method string

// The methods the security core counts.
const (
	Password     Method = "password"
	Questions    Method = "questions"
	PIN          Method = "pin" // one-time codes by text or voice
	Callback     Method = "callback"
	AccessCode   Method = "access_code"
	TOTP         Method = "totp"
	RecoveryCode Method = "recovery_code"
)

// ErrBlocked means the method has reached its failure limit: nothing is
// verified until staff unblock it (or a success resets a count that was
// only in flight).
var ErrBlocked = errors.New("this sign-in method is blocked after too many failed attempts")

// Attempt is one counted try of a method, to be settled with Succeeded or
// Failed once the secret has been checked.
type Attempt struct {
	AccountID int64
	Method    Method
	Number    int // 1 for the first counted failure-in-waiting
	Limit     int
}

// Left is how many more attempts remain if this one fails.
func (a *Attempt) Left() int { return max(0, a.Limit-a.Number) }

// Begin counts an attempt at method for the account, before verification.
// It returns ErrBlocked, counting nothing, when limit attempts are already
// counted.
func Begin(ctx context.Context, q store.Querier, accountID int64, method Method, limit int, now time.Time) (*Attempt, error) {
	if limit < 1 {
		return nil, fmt.Errorf("lockout: limit %d for %s must be at least 1", limit, method)
	}
	var n int
	err := q.QueryRowContext(ctx, `
		INSERT INTO security_method_state (account_id, method, failures, updated_at)
		VALUES ($1, $2, 1, $3)
		ON CONFLICT (account_id, method) DO UPDATE
		SET failures = security_method_state.failures + 1, updated_at = excluded.updated_at
		WHERE security_method_state.failures < $4
		RETURNING failures`,
		accountID, string(method), now, limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("lockout: account %d, %s: %w", accountID, method, ErrBlocked)
	}
	if err != nil {
		return nil, fmt.Errorf("lockout: count an attempt of account %d at %s: %w", accountID, method, err)
	}
	return &Attempt{AccountID: accountID, Method: method, Number: n, Limit: limit}, nil
}

// Succeeded resets the method's count: the member proved the secret.
func (a *Attempt) Succeeded(ctx context.Context, q store.Querier, now time.Time) error {
	_, err := q.ExecContext(ctx, `
		UPDATE security_method_state SET failures = 0, updated_at = $1
		WHERE account_id = $2 AND method = $3 AND blocked_at IS NULL`,
		now, a.AccountID, string(a.Method))
	if err != nil {
		return fmt.Errorf("lockout: reset %s of account %d: %w", a.Method, a.AccountID, err)
	}
	return nil
}

// Failed settles a wrong attempt: the count stays. When this was the last
// attempt the limit allowed, the method is marked blocked and Failed reports
// true, exactly once per block, so the caller writes one audit event and one
// message. (An earlier attempt failing while the last one is still being
// verified does not block: the last one may yet succeed and reset the count.)
func (a *Attempt) Failed(ctx context.Context, q store.Querier, now time.Time) (blocked bool, err error) {
	if a.Number < a.Limit {
		return false, nil
	}
	res, err := q.ExecContext(ctx, `
		UPDATE security_method_state SET blocked_at = $1, updated_at = $1
		WHERE account_id = $2 AND method = $3 AND blocked_at IS NULL`,
		now, a.AccountID, string(a.Method))
	if err != nil {
		return false, fmt.Errorf("lockout: settle a failed %s of account %d: %w", a.Method, a.AccountID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("lockout: settle a failed %s of account %d: %w", a.Method, a.AccountID, err)
	}
	return n == 1, nil
}

// Release takes back an attempt that never reached verification (the input
// was malformed, or there was nothing to verify), without touching earlier
// failures.
func (a *Attempt) Release(ctx context.Context, q store.Querier, now time.Time) error {
	_, err := q.ExecContext(ctx, `
		UPDATE security_method_state SET failures = failures - 1, updated_at = $1
		WHERE account_id = $2 AND method = $3 AND failures > 0 AND blocked_at IS NULL`,
		now, a.AccountID, string(a.Method))
	if err != nil {
		return fmt.Errorf("lockout: release an attempt at %s of account %d: %w", a.Method, a.AccountID, err)
	}
	return nil
}

// Unblock clears the method's count and block: a staff action (S4).
func Unblock(ctx context.Context, q store.Querier, accountID int64, method Method, now time.Time) error {
	_, err := q.ExecContext(ctx, `
		UPDATE security_method_state SET failures = 0, blocked_at = NULL, updated_at = $1
		WHERE account_id = $2 AND method = $3`,
		now, accountID, string(method))
	if err != nil {
		return fmt.Errorf("lockout: unblock %s of account %d: %w", method, accountID, err)
	}
	return nil
}

// MethodState is a method's counter as staff see it.
type MethodState struct {
	Method    Method
	Failures  int
	BlockedAt time.Time // zero when not blocked
	UpdatedAt time.Time
}

// States lists the account's counters, by method name.
func States(ctx context.Context, q store.Querier, accountID int64) ([]MethodState, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT method, failures, blocked_at, updated_at FROM security_method_state
		WHERE account_id = $1 ORDER BY method`, accountID)
	if err != nil {
		return nil, fmt.Errorf("lockout: states of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []MethodState
	for rows.Next() {
		var s MethodState
		var m string
		var blocked sql.NullTime
		if err := rows.Scan(&m, &s.Failures, &blocked, &s.UpdatedAt); err != nil {
			return nil, fmt.Errorf("lockout: states of account %d: %w", accountID, err)
		}
		s.Method, s.BlockedAt = Method(m), blocked.Time
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lockout: states of account %d: %w", accountID, err)
	}
	return out, nil
}

// IsBlocked reports whether method is blocked for the account (its count is
// at the limit), without counting anything: for offering other methods.
func IsBlocked(ctx context.Context, q store.Querier, accountID int64, method Method, limit int) (bool, error) {
	var failures int
	err := q.QueryRowContext(ctx, `SELECT failures FROM security_method_state WHERE account_id = $1 AND method = $2`,
		accountID, string(method)).Scan(&failures)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lockout: state of %s for account %d: %w", method, accountID, err)
	}
	return failures >= limit, nil
}
