// Package store owns the connection to the database: it opens SQLite or
// PostgreSQL from one URL, runs transactions, maps driver errors to the
// sentinels every store method returns, and applies the schema migrations.
//
// SQL is written by hand by the packages that own the tables; it uses $1-style
// placeholders, which both drivers accept, and differs per dialect only where
// the dialects do. Every test of a store method runs on both databases
// through the storetest package.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Dialect names a database engine.
type Dialect string

// The two supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultSQLitePath is where an empty database URL puts the SQLite file.
const DefaultSQLitePath = "ledgersync-data/ledgersync.db"

// DB is an open database. On SQLite it holds one writer connection (SQLite
// allows one writer at a time; queuing writers in Go is cheaper than
// SQLITE_BUSY retries) and a pool of read-only connections; on PostgreSQL both
// are the same pool.
type DB struct {
	dialect Dialect
	where   string // the file path or the URL with its password removed
	write   *sql.DB
	read    *sql.DB
	pool    *pgxpool.Pool // PostgreSQL only
}

// Open opens the database named by rawURL. An empty string or a file path
// (optionally prefixed with "sqlite:" or "file:") selects SQLite, creating the
// file and its directory when missing; a postgres:// or postgresql:// URL
// selects PostgreSQL. Open does not migrate: call Migrate, or CheckSchema
// before serving.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL)
	case strings.Contains(rawURL, "://") && !strings.HasPrefix(rawURL, "sqlite://") && !strings.HasPrefix(rawURL, "file://"):
		scheme, _, _ := strings.Cut(rawURL, "://")
		return nil, fmt.Errorf("store: database URL scheme %q is not supported: use a file path for SQLite or postgres://… for PostgreSQL", scheme)
	default:
		return openSQLite(ctx, rawURL)
	}
}

// Dialect reports which engine db runs on.
func (db *DB) Dialect() Dialect { return db.dialect }

// String names the database without any password, for logs and messages.
func (db *DB) String() string { return string(db.dialect) + " " + db.where }

// Writer is the pool for statements that write. On SQLite it has exactly one
// connection, so a caller must never hold a transaction from it while waiting
// on another query through it.
func (db *DB) Writer() *sql.DB { return db.write }

// Reader is the pool for read-only queries outside a transaction.
func (db *DB) Reader() *sql.DB { return db.read }

// PgxPool is the native PostgreSQL pool (for LISTEN/NOTIFY), or nil on SQLite.
func (db *DB) PgxPool() *pgxpool.Pool { return db.pool }

// Close closes every connection.
func (db *DB) Close() error {
	var errs []error
	if db.read != db.write {
		errs = append(errs, db.read.Close())
	}
	errs = append(errs, db.write.Close())
	if db.pool != nil {
		db.pool.Close()
	}
	return errors.Join(errs...)
}

// Redact returns a database URL fit for logs and messages: a PostgreSQL URL's
// password is replaced, a file path is returned as is.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
