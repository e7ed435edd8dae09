package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// The lifetimes of a bearer token (S26: short-lived keys that rotate).
const (
	// TokenIdle ends a token nobody has used for this long.
	TokenIdle = 30 * time.Minute
	// TokenLifetime ends a token this long after it was issued, however
	// busy; rotating it does not extend it, so only the password gets a
	// token for another 12 hours.
	TokenLifetime = 12 * time.Hour
)

// tokenBytes is a token's randomness: 256 bits, too many to guess.
const tokenBytes = 32

// apiToken is one row of api_token: a bearer token's firm, staff member and
// lifetimes. The token itself is never stored, only its SHA-256.
type apiToken struct {
	ID            int64
	Hash          string // hex SHA-256 of the token
	FirmID        int64
	AccountID     int64
	CreatedAt     time.Time
	LastUsedAt    time.Time
	IdleExpiresAt time.Time
	ExpiresAt     time.Time
}

// live reports whether t still works at now.
func (t *apiToken) live(now time.Time) bool {
	return now.Before(t.IdleExpiresAt) && now.Before(t.ExpiresAt)
}

// newToken returns a fresh random token and its hash.
func newToken() (token, hash string) {
	var b [tokenBytes]byte
	rand.Read(b[:]) // never fails (crypto/rand: it crashes the program rather than return weak bytes)
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormed reports whether token could be one of ours, so that garbage
// costs no database read.
func wellFormed(token string) bool {
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// dbTime is how a time is written: UTC at the microsecond, what PostgreSQL
// keeps, so it reads back equal on both databases.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// issueToken creates a token for the staff member accountID acting for
// firmID, and returns it (the only time it is seen) with its row.
func issueToken(ctx context.Context, q store.Querier, firmID, accountID int64, now time.Time) (string, *apiToken, error) {
	now = dbTime(now)
	token, hash := newToken()
	t := &apiToken{Hash: hash, FirmID: firmID, AccountID: accountID, CreatedAt: now, LastUsedAt: now,
		IdleExpiresAt: now.Add(TokenIdle), ExpiresAt: now.Add(TokenLifetime)}
	err := q.QueryRowContext(ctx, `
		INSERT INTO api_token (token_hash, firm_id, account_id, created_at, last_used_at, idle_expires_at, expires_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6) RETURNING id`,
		hash, firmID, accountID, now, t.IdleExpiresAt, t.ExpiresAt).Scan(&t.ID)
	if err != nil {
		return "", nil, fmt.Errorf("issue an API token for firm %d: %w", firmID, store.Err(err))
	}
	return token, t, nil
}

// loadToken returns the token whose hash is hash, live or not, or
// store.ErrNotFound.
func loadToken(ctx context.Context, q store.Querier, hash string) (*apiToken, error) {
	var t apiToken
	err := q.QueryRowContext(ctx, `
		SELECT id, token_hash, firm_id, account_id, created_at, last_used_at, idle_expires_at, expires_at
		FROM api_token WHERE token_hash = $1`, hash).
		Scan(&t.ID, &t.Hash, &t.FirmID, &t.AccountID, &t.CreatedAt, &t.LastUsedAt, &t.IdleExpiresAt, &t.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("API token: %w", store.Err(err))
	}
	t.CreatedAt, t.LastUsedAt = t.CreatedAt.UTC(), t.LastUsedAt.UTC()
	t.IdleExpiresAt, t.ExpiresAt = t.IdleExpiresAt.UTC(), t.ExpiresAt.UTC()
	return &t, nil
}

// touchToken records a use of t at now: its idle time starts again, never
// past its end. A token rotated or deleted meanwhile is store.ErrNotFound.
func touchToken(ctx context.Context, q store.Querier, t *apiToken, now time.Time) error {
	now = dbTime(now)
	idle := idleEnd(t, now)
	res, err := q.ExecContext(ctx, `UPDATE api_token SET last_used_at = $1, idle_expires_at = $2 WHERE id = $3 AND token_hash = $4`,
		now, idle, t.ID, t.Hash)
	if err := oneRow(res, err); err != nil {
		return fmt.Errorf("API token %d: %w", t.ID, err)
	}
	t.LastUsedAt, t.IdleExpiresAt = now, idle
	return nil
}

// rotateToken gives t a new token and returns it; the old one stops at
// once. Of two rotations of the same token one wins, the other is
// store.ErrNotFound. The token's end stays where it was.
func rotateToken(ctx context.Context, q store.Querier, t *apiToken, now time.Time) (string, error) {
	now = dbTime(now)
	token, hash := newToken()
	idle := idleEnd(t, now)
	res, err := q.ExecContext(ctx, `UPDATE api_token SET token_hash = $1, last_used_at = $2, idle_expires_at = $3
		WHERE id = $4 AND token_hash = $5`, hash, now, idle, t.ID, t.Hash)
	if err := oneRow(res, err); err != nil {
		return "", fmt.Errorf("rotate API token %d: %w", t.ID, err)
	}
	t.Hash, t.LastUsedAt, t.IdleExpiresAt = hash, now, idle
	return token, nil
}

// deleteToken ends token id.
func deleteToken(ctx context.Context, q store.Querier, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM api_token WHERE id = $1`, id)
	if err := oneRow(res, err); err != nil {
		return fmt.Errorf("end API token %d: %w", id, err)
	}
	return nil
}

// deleteDeadTokens removes the staff member's tokens that no longer work,
// so the table holds only live ones and their recent past.
func deleteDeadTokens(ctx context.Context, q store.Querier, accountID int64, now time.Time) error {
	now = dbTime(now)
	_, err := q.ExecContext(ctx, `DELETE FROM api_token WHERE account_id = $1 AND (idle_expires_at <= $2 OR expires_at <= $2)`,
		accountID, now)
	if err != nil {
		return fmt.Errorf("remove ended API tokens: %w", store.Err(err))
	}
	return nil
}

// idleEnd is when t idles out after a use at now: never past its end.
func idleEnd(t *apiToken, now time.Time) time.Time {
	if idle := now.Add(TokenIdle); idle.Before(t.ExpiresAt) {
		return idle
	}
	return t.ExpiresAt
}

// oneRow turns the result of a statement meant to change one row into an
// error: the driver's, or store.ErrNotFound when no row matched.
func oneRow(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return store.Err(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
