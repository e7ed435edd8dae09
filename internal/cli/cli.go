// Package cli is the one place that wires LedgerSync together: it parses the
// command line, loads the configuration, builds the logger, clock, store, job
// queue and services, and hands them to the constructors that need them.
// Every subcommand is a file here; nothing else in the tree reads flags,
// environment variables or global state.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/config"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Main runs the ledgersync command line with args (without the program name)
// and returns the process exit code. ctx ends on SIGINT or SIGTERM, which
// starts a graceful shutdown of server commands.
func Main(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, clock: clock.Real{}}
	root := env.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(stderr, "ledgersync: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// env is what every command shares: the process's outside world and the
// configuration once loaded.
type env struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	clock          clock.Clock

	configFile string
	flags      map[string]*string // every config flag, by name
	root       *cobra.Command
	cfg        *config.Config
	logger     *slog.Logger
}

type usageError struct{ error }

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "ledgersync",
		Short: "Bank-data sync for accounting firms, and the institution server it talks to",
		Long: `LedgerSync pulls clients' bank data (transactions, statements, check images)
for accounting firms, relaying the banks' security challenges to a person when
one is needed. The same binary runs the institution (online-banking) server.

Settings come from flags, LEDGERSYNC_* environment variables and an optional
config file (--config); ` + "`ledgersync config`" + ` shows the effective values.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return e.load(cmd)
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, cmd.CommandPath())}
	})
	e.root = root
	pf := root.PersistentFlags()
	pf.StringVar(&e.configFile, "config", "", "config file of LEDGERSYNC_X=value lines (default $"+config.EnvConfigFile+")")
	e.flags = map[string]*string{}
	for _, f := range config.Flags() {
		e.flags[f.Name] = pf.String(f.Name, f.Default, f.Help+" ($"+f.Env+")")
	}
	root.AddCommand(
		e.versionCommand(),
		e.configCommand(),
		e.migrateCommand(),
		e.serveCommand(),
		e.workerCommand(),
		e.demoCommand(),
		e.refreshCommand(),
		e.keysCommand(),
		e.bankCommand(),
		e.ofxCommand(),
	)
	return root
}

// load reads the configuration once the flags are parsed and builds the
// logger.
func (e *env) load(cmd *cobra.Command) error {
	set := map[string]string{}
	for name, v := range e.flags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			set[name] = *v
		}
	}
	cfg, err := config.Load(config.Sources{Env: e.getenv, Flags: set, File: e.configFile})
	if err != nil {
		return err
	}
	e.cfg = cfg
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		e.logger = slog.New(slog.NewJSONHandler(e.stderr, opts))
	} else {
		e.logger = slog.New(slog.NewTextHandler(e.stderr, opts))
	}
	return nil
}

// openStore opens the configured database.
func (e *env) openStore(ctx context.Context) (*store.DB, error) {
	return store.Open(ctx, e.cfg.DatabaseURL)
}

// openCurrent opens the configured database and refuses one whose schema
// is not this binary's: what every command that uses the data does first.
func (e *env) openCurrent(ctx context.Context) (*store.DB, error) {
	db, err := e.openStore(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkSchema(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
