package cli

import (
	"context"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/ledgersync/ledgersync/internal/store"
)

func (e *env) serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the LedgerSync service for firms (web app, API, refresh workers)",
		Long: `Run the LedgerSync service on --addr against --database. It refuses to
start on a database whose schema is not current: run ` + "`ledgersync migrate up`" + ` first.
SIGINT or SIGTERM stops it gracefully.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.serveFirms(cmd.Context(), true)
		},
	}
}

func (e *env) workerCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run refresh workers only, for scale-out beside `serve`",
		Long: `Run refresh jobs against --database (PostgreSQL, shared with the serve
processes) without serving the web app or the API; start as many as the load
needs. It serves /healthz and /readyz on --addr for the orchestrator.
SIGINT or SIGTERM stops it once its running jobs finish (up to the shutdown
timeout).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.serveFirms(cmd.Context(), false)
		},
	}
}

// serveFirms runs LedgerSync's refresh workers, and with surfaces its web
// routes, until ctx ends.
func (e *env) serveFirms(ctx context.Context, surfaces bool) error {
	db, err := e.openCurrent(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := e.newApp(ctx, db, false, true)
	if err != nil {
		return err
	}
	var handler http.Handler = healthRoutes(db)
	name := "worker"
	if surfaces {
		name = "ledgersync"
		if handler, err = e.firmHandler(a); err != nil {
			return err
		}
	}
	stop, err := e.startApp(ctx, a)
	if err != nil {
		return err
	}
	defer stop()
	return e.runHTTP(ctx, name, handler, nil)
}

// healthRoutes answers the probes every server command exposes: /healthz
// (the process is up) and /readyz (it can reach its database).
func healthRoutes(db *store.DB) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Writer().PingContext(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	return mux
}
