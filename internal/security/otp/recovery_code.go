package otp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Recovery codes: a member's printed fallback, each good once.
const (
	// RecoveryCodeCount is how many codes a set holds.
	RecoveryCodeCount = 10
	// RecoveryCodeLength is the characters of a code: 8 from the
	// 29-character Alphabet, about 38.9 bits (NIST asks at least 20), shown
	// as "ABCD-EFGH".
	RecoveryCodeLength = 8
)

func (c *Codes) recoveryHash(accountID int64, code string) []byte {
	return keyedHash(c.key, "ledgersync/otp/recovery-code/v1", itoa(accountID), code)
}

// GenerateRecoveryCodes replaces the account's recovery codes with a new
// set of RecoveryCodeCount and returns them in plaintext, once, for the
// member to keep. The old codes stop working. It deletes and inserts; pass a
// transaction so that a failure leaves the old set in place.
func (c *Codes) GenerateRecoveryCodes(ctx context.Context, q store.Querier, accountID int64, now time.Time) ([]string, error) {
	what := fmt.Sprintf("otp: generate recovery codes for account %d", accountID)
	if _, err := q.ExecContext(ctx, `DELETE FROM security_recovery_code WHERE account_id = $1`, accountID); err != nil {
		return nil, fmt.Errorf("%s: delete the old set: %w", what, err)
	}
	seen := make(map[string]bool, RecoveryCodeCount)
	codes := make([]string, 0, RecoveryCodeCount)
	for len(codes) < RecoveryCodeCount {
		code := randomString(RecoveryCodeLength)
		if seen[code] {
			continue
		}
		seen[code] = true
		if _, err := q.ExecContext(ctx, `
			INSERT INTO security_recovery_code (account_id, code_hash, created_at) VALUES ($1, $2, $3)`,
			accountID, c.recoveryHash(accountID, code), now.UTC()); err != nil {
			return nil, fmt.Errorf("%s: %w", what, store.Err(err))
		}
		codes = append(codes, group(code, RecoveryCodeLength/2))
	}
	return codes, nil
}

// UseRecoveryCode accepts one of the account's unused recovery codes once
// and returns how many are left. Refusals: ErrMalformed, ErrWrongCode,
// ErrUsed. Failed attempts are limited by the recovery-code method's
// lockout. The code is found by its keyed hash, so the lookup's timing
// tells nothing about the code.
func (c *Codes) UseRecoveryCode(ctx context.Context, q store.Querier, accountID int64, code string, now time.Time) (left int, err error) {
	what := fmt.Sprintf("otp: use a recovery code of account %d", accountID)
	code = normalizeTyped(code)
	if !inAlphabet(code, RecoveryCodeLength) {
		return 0, fmt.Errorf("%s: %w", what, ErrMalformed)
	}
	hash := c.recoveryHash(accountID, code)
	res, err := q.ExecContext(ctx, `
		UPDATE security_recovery_code SET used_at = $1
		WHERE account_id = $2 AND code_hash = $3 AND used_at IS NULL`,
		now.UTC(), accountID, hash)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM security_recovery_code WHERE account_id = $1 AND code_hash = $2`,
			accountID, hash).Scan(&id)
		switch {
		case err == nil:
			return 0, fmt.Errorf("%s: %w", what, ErrUsed)
		case errors.Is(err, sql.ErrNoRows):
			return 0, fmt.Errorf("%s: %w", what, ErrWrongCode)
		default:
			return 0, fmt.Errorf("%s: %w", what, err)
		}
	}
	left, err = RecoveryCodesLeft(ctx, q, accountID)
	if err != nil {
		return 0, err
	}
	return left, nil
}

// RecoveryCodesLeft counts the account's unused recovery codes.
func RecoveryCodesLeft(ctx context.Context, q store.Querier, accountID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM security_recovery_code WHERE account_id = $1 AND used_at IS NULL`,
		accountID).Scan(&n); err != nil {
		return 0, fmt.Errorf("otp: count the recovery codes of account %d: %w", accountID, err)
	}
	return n, nil
}
