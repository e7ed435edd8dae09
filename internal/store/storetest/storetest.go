// Package storetest gives tests a fresh, real database of each dialect: a
// SQLite file in the test's temporary directory always, and a PostgreSQL
// database created on the server named by LEDGERSYNC_TEST_POSTGRES when that
// variable is set (`make test` starts a throwaway server and sets it). A test
// written with Each runs once per dialect, so both engines pass one suite.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the admin connection

	"github.com/ledgersync/ledgersync/internal/store"
)

// PostgresEnv names the variable holding an admin URL of a PostgreSQL server
// that tests may create and drop databases on.
const PostgresEnv = "LEDGERSYNC_TEST_POSTGRES"

// PostgresURL returns the admin URL of the test PostgreSQL server, or "".
func PostgresURL() string { return os.Getenv(PostgresEnv) }

// Dialects lists the engines every shared suite runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn as a subtest named after each dialect, with a fresh migrated
// database. The PostgreSQL subtest is skipped, saying so, when the server is
// not configured.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh database of dialect d with the schema applied. It is
// closed (and, on PostgreSQL, dropped) when the test ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	db := OpenEmpty(t, d)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return db
}

// OpenEmpty is Open without the migrations.
func OpenEmpty(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), URL(t, d))
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// URL creates a fresh, empty database of dialect d and returns its URL, for
// tests that open it themselves (or hand it to a subprocess).
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	switch d {
	case store.SQLite:
		return filepath.Join(t.TempDir(), "ledgersync.db")
	case store.Postgres:
		return newPostgresDatabase(t)
	default:
		t.Fatalf("storetest: unknown dialect %q", d)
		return ""
	}
}

func newPostgresDatabase(t testing.TB) string {
	t.Helper()
	admin := PostgresURL()
	if admin == "" {
		t.Skipf("PostgreSQL tier skipped: %s is not set (make test starts a server and sets it)", PostgresEnv)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "lstest_" + hex.EncodeToString(b[:])

	adminDB, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", store.Redact(admin), err)
	}
	defer adminDB.Close()
	if _, err := adminDB.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("storetest: create database %s on %s: %v", name, store.Redact(admin), err)
	}
	t.Cleanup(func() {
		adminDB, err := sql.Open("pgx", admin)
		if err != nil {
			t.Errorf("storetest: open %s: %v", store.Redact(admin), err)
			return
		}
		defer adminDB.Close()
		if _, err := adminDB.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})

	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("storetest: %s is not a URL", PostgresEnv)
	}
	u.Path = "/" + name
	return u.String()
}
