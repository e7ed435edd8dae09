package store

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var (
	// ErrNotFound means the row asked for does not exist (or belongs to
	// someone else, which callers must not be able to tell apart).
	ErrNotFound = errors.New("not found")
	// ErrConflict means a write collided with a unique constraint.
	ErrConflict = errors.New("already exists")
)

// Err translates a driver error into the store's sentinels: sql.ErrNoRows
// becomes ErrNotFound and a unique violation becomes ErrConflict, on both
// engines. Any other error is returned unchanged. The result still wraps the
// driver error, so errors.As can reach it.
func Err(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w (%s): %w", ErrConflict, pgErr.ConstraintName, err)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		}
	}
	return err
}
