package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Querier is what store methods run their SQL on: the Writer or Reader pool,
// or a transaction. Methods take one so that callers choose whether a call
// joins a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in a write transaction and commits it when fn returns nil; any
// error or panic rolls it back. On SQLite the transaction holds the write
// lock from its first statement. fn must do all its work through tx: on
// SQLite the writer has one connection, so a query on db.Writer() from inside
// fn would wait forever.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				err = errors.Join(err, fmt.Errorf("store: roll back: %w", rbErr))
			}
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", Err(err))
	}
	return nil
}
