package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ledgersync/ledgersync/internal/jobs"
	"github.com/ledgersync/ledgersync/internal/store"
)

func (e *env) migrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply or list the database schema migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("migrate needs a subcommand: up or status")}
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration (a no-op when the schema is current)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			applied, err := migrate(ctx, db)
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintf(e.stdout, "%s: schema is up to date\n", db)
				return nil
			}
			for _, m := range applied {
				fmt.Fprintf(e.stdout, "applied %s\n", m)
			}
			fmt.Fprintf(e.stdout, "%s: %d migrations applied\n", db, len(applied))
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "List the migrations and whether each is applied",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := e.openStore(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			return e.printMigrationStatus(ctx, db)
		},
	})
	return cmd
}

// migrate brings both schemas up to date: the application's tables and the
// job queue's. It returns a line per step applied.
func migrate(ctx context.Context, db *store.DB) ([]string, error) {
	var applied []string
	ms, err := db.Migrate(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		applied = append(applied, fmt.Sprintf("%05d %s", m.Version, m.Name))
	}
	vs, err := jobs.Migrate(ctx, db)
	if err != nil {
		return applied, err
	}
	for _, v := range vs {
		applied = append(applied, fmt.Sprintf("job queue version %d", v))
	}
	return applied, nil
}

// checkSchema refuses to serve on a schema this binary does not match.
func checkSchema(ctx context.Context, db *store.DB) error {
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	return jobs.CheckSchema(ctx, db)
}

func (e *env) printMigrationStatus(ctx context.Context, db *store.DB) error {
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	applied, known, err := jobs.Status(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database: %s\n", db)
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tMIGRATION\tAPPLIED")
	pending := 0
	for _, m := range ms {
		when := "pending"
		if m.Applied {
			when = m.AppliedAt.UTC().Format("2006-01-02 15:04:05 MST")
		} else {
			pending++
		}
		fmt.Fprintf(w, "%05d\t%s\t%s\n", m.Version, m.Name, when)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	pending += len(known) - len(applied)
	fmt.Fprintf(e.stdout, "job queue: %d of %d versions applied\n", len(applied), len(known))
	if pending > 0 {
		fmt.Fprintf(e.stdout, "%d pending: run `ledgersync migrate up`\n", pending)
	} else {
		fmt.Fprintln(e.stdout, "schema is up to date")
	}
	return nil
}
