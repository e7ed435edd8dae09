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
			ctx := cmd.Context()
			db, err := e.openCurrent(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			return e.runHTTP(ctx, "ledgersync", healthRoutes(db), nil)
		},
	}
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
