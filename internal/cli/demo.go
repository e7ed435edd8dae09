package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/app/api"
	"github.com/ledgersync/ledgersync/internal/institution/bankhttp"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
)

func (e *env) demoCommand() *cobra.Command {
	var bankAddr string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run LedgerSync and a demo bank in one process, seeded, on SQLite",
		Long: `Run LedgerSync on --addr and the demo bank (Demo Community Bank) on --bank-addr
in one process, each with its own SQLite database in the data directory
(ledgersync.db and demo-bank.db), migrated and seeded on first start: the demo
firm "Demo Bookkeeping" has one client per demo member, connected through the
bank's JSON API or OFX Direct Connect. Codes the bank sends go to the bank's
dev outbox page. It prints the URLs and the logins.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.demo(cmd, bankAddr)
		},
	}
	cmd.Flags().StringVar(&bankAddr, "bank-addr", "127.0.0.1:8081", "host:port the demo bank listens on")
	return cmd
}

func (e *env) demo(cmd *cobra.Command, bankAddr string) error {
	ctx := cmd.Context()
	bankDB, err := store.Open(ctx, filepath.Join(e.cfg.DataDir, "demo-bank.db"))
	if err != nil {
		return err
	}
	defer bankDB.Close()
	db, err := store.Open(ctx, e.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, d := range []*store.DB{bankDB, db} {
		if _, err := migrate(ctx, d); err != nil {
			return err
		}
	}

	bank, err := e.openBank(ctx, bankDB, true, policy.Seed(), bankseed.DemoInfo())
	if err != nil {
		return err
	}
	bankMux := healthRoutes(bankDB)
	if _, err := bankhttp.Mount(bankMux, bank); err != nil {
		return err
	}
	bankLn, err := net.Listen("tcp", bankAddr)
	if err != nil {
		return fmt.Errorf("demo bank: listen on %s: %w", bankAddr, err)
	}
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		bankLn.Close()
		return fmt.Errorf("ledgersync: listen on %s: %w", e.cfg.Addr, err)
	}
	bankBase := "http://" + bankLn.Addr().String()

	a, err := e.newApp(ctx, db, true, true)
	if err != nil {
		return err
	}
	info := bankseed.DemoInfo()
	_, conns, err := a.SeedDemo(ctx, app.DemoBank{
		Name: info.Name, OFXURL: bankBase + "/ofx", OFXOrg: info.ORG, OFXFID: info.FID,
		APIURL: bankBase + "/api/v1", MemberPassword: bankseed.DemoPassword,
	})
	if err != nil {
		return err
	}
	handler, err := e.firmHandler(a)
	if err != nil {
		return err
	}
	stop, err := e.startApp(ctx, a)
	if err != nil {
		return err
	}
	defer stop()

	g, gctx := errgroup.WithContext(ctx)
	banner := make(chan string, 2)
	g.Go(func() error {
		return e.serveHTTP(gctx, "bank", bankLn, bankMux, func(base string) { banner <- base })
	})
	g.Go(func() error {
		return e.serveHTTP(gctx, "ledgersync", ln, handler, func(base string) { banner <- base })
	})
	go func() {
		// Both listen already; the banner waits only for the order.
		<-banner
		<-banner
		e.printDemo("http://"+ln.Addr().String(), bankBase, conns)
		e.printDemoBank(bankBase, bankDB)
	}()
	err = g.Wait()
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// firmHandler is LedgerSync's routes: the probes and the JSON API.
func (e *env) firmHandler(a *app.App) (http.Handler, error) {
	mux := healthRoutes(a.DB)
	jsonAPI, err := api.New(a)
	if err != nil {
		return nil, err
	}
	mux.Handle("/api/v1/", jsonAPI)
	return mux, nil
}

func (e *env) printDemo(base, bankBase string, conns []app.DemoConnection) {
	fmt.Fprintf(e.stdout, `LedgerSync demo
  LedgerSync     %[1]s
  JSON API       %[1]s/api/v1/    described at %[1]s/api/v1/openapi.json
  firm           %[2]s: %[3]s / %[4]s
  connections    (refresh one from a terminal: ledgersync refresh ID)
`, base, app.DemoFirmName, app.DemoOwnerEmail, app.DemoOwnerPassword)
	for _, c := range conns {
		fmt.Fprintf(e.stdout, "    %-3d %-24s %-6s %-7s %s\n", c.ID, c.Client, c.Member, c.Kind, c.Shows)
	}
	fmt.Fprintln(e.stdout)
}
