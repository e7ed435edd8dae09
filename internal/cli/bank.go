package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankhttp"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/institution/console"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
)

// The demo bank, as documented in the README.
const (
	demoStaffUser     = "bankstaff"
	demoStaffPassword = "Counter-Ledger-2026"
)

func (e *env) bankCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bank",
		Short: "The institution server: online banking for a bank or credit union",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("bank needs a subcommand: serve or seed")}
		},
	}
	var demo bool
	var profile string
	var info bankapp.Info
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Run the member site and the staff console (/staff/)",
		Long: `Run the institution server on --addr against --database.

With --demo it runs "Demo Community Bank" on its own SQLite file
(<data-dir>/demo-bank.db unless --database is given), migrating and seeding it
first: 13 months of history, the members alice, bob, carol, dave and erin
(password Demo-pass-2026), a staff login, and codes delivered to the dev
outbox at /dev/outbox.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.bankServe(cmd, demo, profile, info)
		},
	}
	serve.Flags().BoolVar(&demo, "demo", false, "run the seeded demo bank, with the dev outbox")
	serve.Flags().StringVar(&profile, "policy", "seed", "security policy profile: seed or modern")
	serve.Flags().StringVar(&info.Name, "name", "", "the institution's name, as members read it (required without --demo)")
	serve.Flags().StringVar(&info.ORG, "ofx-org", "", "OFX ORG")
	serve.Flags().StringVar(&info.FID, "ofx-fid", "", "OFX FID")
	serve.Flags().StringVar(&info.Routing, "routing", "", "ABA routing number (nine digits)")
	serve.Flags().StringVar(&info.Phone, "phone", "", "member service phone, as printed on pages and statements")

	var members, months int
	var seed int64
	seedCmd := &cobra.Command{
		Use:   "seed",
		Short: "Fill the bank with generated members and history (the same inputs give the same data)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := e.openCurrent(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			sum, err := bankseed.Generate(ctx, db, bankseed.Options{Members: members, Months: months, Seed: seed, Now: e.clock.Now()})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: %d members, %d accounts, %d transactions, %d statements\n",
				db, sum.Members, sum.Accounts, sum.Transactions, sum.Statements)
			return nil
		},
	}
	seedCmd.Flags().IntVar(&members, "members", 50, "how many members")
	seedCmd.Flags().IntVar(&months, "months", 13, "months of history")
	seedCmd.Flags().Int64Var(&seed, "seed", 1, "random seed")
	cmd.AddCommand(serve, seedCmd, e.bankStaffCommand())
	return cmd
}

// bankStaffCommand adds staff logins to the console: the first admin of a
// new bank is made here.
func (e *env) bankStaffCommand() *cobra.Command {
	var username, name, role, passwordFile string
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a staff login to the staff console (password read from --password-file, - for stdin)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var raw []byte
			var err error
			if passwordFile == "-" {
				raw, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), 4096))
			} else {
				raw, err = os.ReadFile(passwordFile)
			}
			if err != nil {
				return fmt.Errorf("read the password: %w", err)
			}
			pw := strings.TrimRight(string(raw), "\r\n")
			db, err := e.openCurrent(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			masterKey, err := e.masterKey(false)
			if err != nil {
				return err
			}
			hasher, err := password.NewHasher(password.DefaultParams(), 0)
			if err != nil {
				return err
			}
			// Adding staff sends nothing; the outbox only satisfies the wiring.
			app, err := bankapp.New(bankapp.Config{DB: db, Clock: e.clock, Logger: e.logger, Policy: policy.Seed(),
				Hasher: hasher, MasterKey: masterKey, Info: bankapp.Info{Demo: true}})
			if err != nil {
				return err
			}
			if _, err := console.CreateStaff(ctx, app, username, pw, name, institution.StaffRole(role)); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "staff login %q (%s) added\n", username, role)
			return nil
		},
	}
	add.Flags().StringVar(&username, "username", "", "the staff login's username (6–32 letters, digits, spaces)")
	add.Flags().StringVar(&name, "name", "", "the employee's full name")
	add.Flags().StringVar(&role, "role", "teller", "teller or admin")
	add.Flags().StringVar(&passwordFile, "password-file", "", "file holding the password (at least 15 characters), or - for stdin")
	for _, f := range []string{"username", "name", "password-file"} {
		_ = add.MarkFlagRequired(f)
	}
	staff := &cobra.Command{Use: "staff", Short: "Manage staff logins", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("staff needs a subcommand: add")}
		}}
	staff.AddCommand(add)
	return staff
}

// messageSender builds what delivers codes and notices outside demo mode:
// texts and calls through the SMS API, mail through SMTP.
func (e *env) messageSender() (notify.Sender, error) {
	var r notify.Router
	if e.cfg.SMTPURL != "" {
		smtp, err := notify.NewSMTP(notify.SMTPConfig{URL: e.cfg.SMTPURL, Password: e.cfg.SMTPPassword, Clock: e.clock})
		if err != nil {
			return nil, fmt.Errorf("LEDGERSYNC_SMTP_URL: %w", err)
		}
		r.Email = smtp
	}
	if e.cfg.SMSURL != "" {
		tw, err := twilioFromURL(e.cfg.SMSURL, e.cfg.SMSToken)
		if err != nil {
			return nil, fmt.Errorf("LEDGERSYNC_SMS_URL: %w", err)
		}
		r.SMS, r.Voice = tw, tw
	}
	if r.SMS == nil && r.Email == nil {
		return nil, errors.New("no message sender configured: set LEDGERSYNC_SMS_URL and LEDGERSYNC_SMS_TOKEN for texts and calls, LEDGERSYNC_SMTP_URL for mail (docs/configuration.md), or run with --demo")
	}
	return r, nil
}

// twilioFromURL reads https://api.twilio.com?account=AC…&from=+1… .
func twilioFromURL(raw, token string) (*notify.Twilio, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	q := u.Query()
	if q.Get("account") == "" || q.Get("from") == "" {
		return nil, errors.New("needs ?account=<account SID>&from=<E.164 sending number>")
	}
	if token == "" {
		return nil, errors.New("LEDGERSYNC_SMS_TOKEN is required with it")
	}
	return notify.NewTwilio(notify.TwilioConfig{
		BaseURL: u.Scheme + "://" + u.Host, AccountSID: q.Get("account"), From: q.Get("from"), AuthToken: token,
	})
}

func (e *env) bankServe(cmd *cobra.Command, demo bool, profile string, info bankapp.Info) error {
	ctx := cmd.Context()
	p, err := policy.ByName(profile)
	if err != nil {
		return usageError{err}
	}
	dbURL := e.cfg.DatabaseURL
	if demo && !cmd.Flags().Changed("database") && e.getenv("LEDGERSYNC_DATABASE_URL") == "" {
		dbURL = filepath.Join(e.cfg.DataDir, "demo-bank.db")
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if demo {
		if _, err := migrate(ctx, db); err != nil {
			return err
		}
	} else if err := checkSchema(ctx, db); err != nil {
		return err
	}

	app, err := e.openBank(ctx, db, demo, p, info)
	if err != nil {
		return err
	}
	mux := healthRoutes(db)
	withOFX, err := bankhttp.Mount(mux, app)
	if err != nil {
		return err
	}
	if !withOFX {
		e.logger.Info("OFX Direct Connect is off: the bank has no --ofx-org")
	}
	var ready func(string)
	if demo {
		ready = func(base string) { e.printDemoBank(base, db) }
	}
	return e.runHTTP(ctx, "bank", mux, ready)
}

// openBank assembles the bank on db (migrated) and, for a demo, seeds the
// demo bank and its staff login.
func (e *env) openBank(ctx context.Context, db *store.DB, demo bool, p policy.Policy, info bankapp.Info) (*bankapp.App, error) {
	masterKey, err := e.masterKey(demo)
	if err != nil {
		return nil, err
	}
	box, err := secretbox.Open(masterKey, filepath.Join(e.cfg.DataDir, secretbox.KeysetFileName), true, secretbox.WithClock(e.clock))
	if err != nil {
		return nil, err
	}
	hasher, err := password.NewHasher(password.DefaultParams(), 0)
	if err != nil {
		return nil, err
	}
	if demo {
		info = bankseed.DemoInfo()
	} else if info.Name == "" || !institution.ValidRouting(info.Routing) {
		return nil, usageError{errors.New("bank serve needs --name and a valid --routing number (or --demo)")}
	}
	var sender notify.Sender // nil in demo mode: the dev outbox
	if !demo {
		if sender, err = e.messageSender(); err != nil {
			return nil, err
		}
	}
	app, err := bankapp.New(bankapp.Config{
		DB: db, Clock: e.clock, Logger: e.logger, Info: info, Policy: p, Hasher: hasher,
		MasterKey: masterKey, Sealer: box, Sender: sender,
	})
	if err != nil {
		return nil, err
	}
	if demo {
		if _, err := bankseed.Demo(ctx, db, app.Members, e.clock.Now()); err != nil {
			return nil, fmt.Errorf("seed the demo bank: %w", err)
		}
		if _, err := console.CreateStaff(ctx, app, demoStaffUser, demoStaffPassword, "Pat Teller", institution.Admin); err != nil && !errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("create the demo staff login: %w", err)
		}
	}
	return app, nil
}

// masterKey returns the configured master key. A demo without one gets a
// key of its own, kept in the data directory so restarts can still read
// what it sealed.
func (e *env) masterKey(demo bool) ([]byte, error) {
	if len(e.cfg.MasterKey) > 0 {
		return e.cfg.MasterKey, nil
	}
	if !demo {
		return nil, errors.New("LEDGERSYNC_MASTER_KEY (or LEDGERSYNC_MASTER_KEY_FILE) is required: generate one with `openssl rand -base64 32`")
	}
	path := filepath.Join(e.cfg.DataDir, "demo-master-key")
	if raw, err := os.ReadFile(path); err == nil {
		return base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	if err := os.MkdirAll(e.cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, err
	}
	e.logger.Warn("demo mode: generated a master key for this data directory; never use it for real data", "path", path)
	return key, nil
}

// hasDemoKey says the data directory has a demo's generated master key
// (and no key is configured), so commands other than the demo may read what
// the demo sealed.
func (e *env) hasDemoKey() bool {
	if len(e.cfg.MasterKey) > 0 {
		return false
	}
	_, err := os.Stat(filepath.Join(e.cfg.DataDir, "demo-master-key"))
	return err == nil
}

func (e *env) printDemoBank(base string, db *store.DB) {
	fmt.Fprintf(e.stdout, `Demo Community Bank (ORG DEMOBANK, FID 9001, routing 123456780)
  member site    %[1]s/login      alice, bob, carol, dave, erin — password Demo-pass-2026
                 questions: favorite color blue, first pet rex, city of birth paris
  staff console  %[1]s/staff/     %[2]s / %[3]s
  codes sent     %[1]s/dev/outbox
  OFX            %[1]s/ofx        Direct Connect (ORG DEMOBANK, FID 9001)
  JSON API       %[1]s/api/v1/    described at %[1]s/api/v1/openapi.json
  database       %[4]s
`, base, demoStaffUser, demoStaffPassword, db)
}
