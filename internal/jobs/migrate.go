package jobs

import (
	"context"
	"fmt"
	"strings"

	"github.com/riverqueue/river/rivermigrate"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Migrate applies River's own migrations (its job tables) and returns the
// versions it applied. It runs beside the store's migrations on the same
// database; running it twice does nothing.
func Migrate(ctx context.Context, db *store.DB) ([]int, error) {
	m, err := rivermigrate.New(driver(db), nil)
	if err != nil {
		return nil, fmt.Errorf("jobs: migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("jobs: migrate %s: %w", db, err)
	}
	versions := make([]int, 0, len(res.Versions))
	for _, v := range res.Versions {
		versions = append(versions, v.Version)
	}
	return versions, nil
}

// Status returns the River migration versions applied and the ones this
// binary knows.
func Status(ctx context.Context, db *store.DB) (applied, known []int, err error) {
	m, err := rivermigrate.New(driver(db), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("jobs: migrations: %w", err)
	}
	for _, v := range m.AllVersions() {
		known = append(known, v.Version)
	}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		// Before the first migration River's version table does not exist.
		return nil, known, nil
	}
	for _, v := range existing {
		applied = append(applied, v.Version)
	}
	return applied, known, nil
}

// CheckSchema returns an error wrapping store.ErrSchemaOutdated, naming the
// command that fixes it, when River's tables are missing or behind.
func CheckSchema(ctx context.Context, db *store.DB) error {
	m, err := rivermigrate.New(driver(db), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrations: %w", err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("jobs: check the job schema of %s: %w", db, err)
	}
	if !res.OK {
		return fmt.Errorf("%w: %s: job queue tables: %s; run `ledgersync migrate up` with the same --database",
			store.ErrSchemaOutdated, db, strings.Join(res.Messages, "; "))
	}
	return nil
}
