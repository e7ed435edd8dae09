package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// sqliteBusyTimeoutMS is how long a connection waits for another process's
// write lock (a CLI command beside a running server) before SQLITE_BUSY.
const sqliteBusyTimeoutMS = 10000

func openSQLite(ctx context.Context, rawURL string) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite://"), "sqlite:")
	path = strings.TrimPrefix(strings.TrimPrefix(path, "file://"), "file:")
	if path == "" {
		path = DefaultSQLitePath
	}
	if path == ":memory:" || strings.Contains(path, "mode=memory") {
		return nil, fmt.Errorf("store: an in-memory SQLite database cannot be shared by the writer and the readers; give a file path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: SQLite path %q: options are set by LedgerSync, give a plain file path", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: create the directory for %s: %w", path, err)
		}
	}

	// Pragmas go in the DSN so that every connection the pool opens gets
	// them; modernc ignores the mattn-style _busy_timeout parameter.
	pragmas := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeoutMS),
		"foreign_keys(1)",
		"synchronous(NORMAL)", // durable in WAL mode across crashes of the process; only an OS crash can lose the last commits
	} {
		pragmas.Add("_pragma", p)
	}
	pragmas.Set("_time_format", "sqlite")

	writeQ := url.Values{}
	for k, v := range pragmas {
		writeQ[k] = v
	}
	writeQ.Set("_txlock", "immediate") // take the write lock at BEGIN, not at the first write: no deadlocked upgrades
	write, err := sql.Open("sqlite", "file:"+path+"?"+writeQ.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}

	readQ := url.Values{}
	for k, v := range pragmas {
		readQ[k] = v
	}
	readQ.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", "file:"+path+"?"+readQ.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &DB{dialect: SQLite, where: path, write: write, read: read}, nil
}
