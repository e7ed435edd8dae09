package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// The schema: one folder per dialect with the same version numbers, so that
// "version 3" means the same tables on both engines.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// ErrSchemaOutdated means the database's schema is behind this binary.
var ErrSchemaOutdated = errors.New("database schema is out of date")

// Migration is one step of the schema and whether it has been applied.
type Migration struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

func (db *DB) migrator() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	opts = append(opts, goose.WithDisableGlobalRegistry(true))
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Two servers started at once must not both migrate.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.write, sub, opts...)
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the ones it applied. Running it on an up-to-date database does
// nothing.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	p, err := db.migrator()
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate %s: %w", db, err)
	}
	applied := make([]Migration, 0, len(results))
	for _, r := range results {
		applied = append(applied, Migration{Version: r.Source.Version, Name: sourceName(r.Source), Applied: true})
	}
	return applied, nil
}

// MigrationStatus lists every migration this binary knows and whether the
// database has it.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	p, err := db.migrator()
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status of %s: %w", db, err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		out = append(out, Migration{
			Version:   s.Source.Version,
			Name:      sourceName(s.Source),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// CheckSchema returns an error wrapping ErrSchemaOutdated, naming the command
// that fixes it, when the database lacks migrations this binary needs; and an
// error when the database is newer than this binary.
func (db *DB) CheckSchema(ctx context.Context) error {
	p, err := db.migrator()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("store: read the schema version of %s: %w", db, err)
	}
	switch {
	case current < target:
		return fmt.Errorf("%w: %s is at version %d, this ledgersync needs %d; run `ledgersync migrate up` with the same --database",
			ErrSchemaOutdated, db, current, target)
	case current > target:
		return fmt.Errorf("store: %s is at schema version %d, newer than this ledgersync knows (%d): run a newer ledgersync", db, current, target)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("store: read the schema version of %s: %w", db, err)
	}
	if pending {
		return fmt.Errorf("%w: %s is missing earlier migrations; run `ledgersync migrate up` with the same --database", ErrSchemaOutdated, db)
	}
	return nil
}

func sourceName(s *goose.Source) string {
	if s.Path == "" {
		return fmt.Sprint(s.Version)
	}
	return s.Path
}
