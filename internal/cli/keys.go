package cli

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
)

// keysCommand manages the data keys that encrypt stored secrets and the
// keyset file that holds them (docs/key-rotation.md).
func (e *env) keysCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage the keys that encrypt stored secrets (see docs/key-rotation.md)",
		Long: `Stored secrets (bank credentials, shared answers, connector state, TOTP
secrets) are sealed with data keys kept in <data_dir>/` + secretbox.KeysetFileName + `, which is
itself encrypted under the master key (LEDGERSYNC_MASTER_KEY or
LEDGERSYNC_MASTER_KEY_FILE). Losing the master key or the keyset file makes the
secrets unrecoverable.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("keys needs a subcommand: init, status, rotate, reencrypt, drop-inactive or rewrap")}
		},
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "init",
			Short: "Create the keyset file if it does not exist yet",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				path := e.keysetPath()
				_, statErr := os.Stat(path)
				box, err := e.openBox(true)
				if err != nil {
					return err
				}
				if statErr == nil {
					fmt.Fprintf(e.stdout, "keyset %s already exists (primary key %d)\n", path, box.PrimaryKeyID())
					return nil
				}
				fmt.Fprintf(e.stdout, "created keyset %s with key %d: back it up, apart from the master key\n", path, box.PrimaryKeyID())
				return nil
			},
		},
		&cobra.Command{
			Use:   "status",
			Short: "List the data keys (ids, primary, creation time; never key material)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				box, err := e.openBox(false)
				if err != nil {
					return err
				}
				return e.printKeys(box)
			},
		},
		&cobra.Command{
			Use:   "rotate",
			Short: "Add a new primary data key, then re-encrypt every registered column with it",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				box, err := e.openBox(false)
				if err != nil {
					return err
				}
				id, err := box.Rotate()
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "new primary key %d written to %s\n", id, box.Path())
				return e.reencrypt(cmd.Context(), box)
			},
		},
		&cobra.Command{
			Use:   "reencrypt",
			Short: "Re-encrypt every registered column with the primary key (resumes an interrupted rotate)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				box, err := e.openBox(false)
				if err != nil {
					return err
				}
				return e.reencrypt(cmd.Context(), box)
			},
		},
		&cobra.Command{
			Use:   "drop-inactive",
			Short: "Remove every data key but the primary, once no registered value needs them",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				box, err := e.openBox(false)
				if err != nil {
					return err
				}
				return e.dropInactive(cmd.Context(), box)
			},
		},
		e.rewrapCommand(),
	)
	return cmd
}

func (e *env) rewrapCommand() *cobra.Command {
	var newKeyFile string
	cmd := &cobra.Command{
		Use:   "rewrap --new-master-key-file FILE",
		Short: "Re-encrypt the keyset file under a new master key (the data keys stay the same)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if newKeyFile == "" {
				return usageError{errors.New("rewrap needs --new-master-key-file: a file holding the base64 of 32 random bytes (openssl rand -base64 32 > FILE)")}
			}
			text, err := os.ReadFile(newKeyFile)
			if err != nil {
				return fmt.Errorf("read the new master key: %w", err)
			}
			newKey, err := secretbox.DecodeMasterKey(text)
			if err != nil {
				return fmt.Errorf("%s: %w", newKeyFile, err)
			}
			if subtle.ConstantTimeCompare(newKey, e.cfg.MasterKey) == 1 {
				return errors.New("the new master key is the one in use: generate a new one with openssl rand -base64 32")
			}
			box, err := e.openBox(false)
			if err != nil {
				return err
			}
			if err := box.Rewrap(newKey); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "keyset %s is now encrypted under the master key in %s\n", box.Path(), newKeyFile)
			fmt.Fprintln(e.stdout, "set LEDGERSYNC_MASTER_KEY_FILE (or LEDGERSYNC_MASTER_KEY) to it and restart every server now;")
			fmt.Fprintln(e.stdout, "keep the old master key as long as you keep keyset backups made before this rewrap")
			return nil
		},
	}
	cmd.Flags().StringVar(&newKeyFile, "new-master-key-file", "", "file holding the new master key, base64 of 32 bytes")
	return cmd
}

// keysetPath is where the keyset lives: beside the data, never in the
// database.
func (e *env) keysetPath() string { return secretbox.DefaultKeysetPath(e.cfg.DataDir) }

// openBox opens the data keyset with the configured master key, creating it
// when create is true and it is missing.
func (e *env) openBox(create bool) (*secretbox.Box, error) {
	return secretbox.Open(e.cfg.MasterKey, e.keysetPath(), create, secretbox.WithClock(e.clock))
}

// encryptedColumns lists every database column whose values a
// secretbox.Box seals, so that key rotation re-encrypts all of them and
// drop-inactive checks all of them: the authenticator secrets, the
// connections' credentials, shared answers and device state, and the
// relayed challenges' state and answers.
func (e *env) encryptedColumns() ([]secretbox.Column, error) {
	var reg secretbox.Registry
	for _, cols := range [][]secretbox.Column{otp.EncryptedColumns(), firm.EncryptedColumns(), refresh.EncryptedColumns()} {
		if err := reg.Add(cols...); err != nil {
			return nil, err
		}
	}
	return reg.Columns(), nil
}

// withColumns opens the database when there are encrypted columns and runs
// fn with them; with none it runs fn without a database.
func (e *env) withColumns(ctx context.Context, fn func(db *store.DB, cols []secretbox.Column) error) error {
	cols, err := e.encryptedColumns()
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		return fn(nil, nil)
	}
	db, err := e.openCurrent(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, cols)
}

func (e *env) reencrypt(ctx context.Context, box *secretbox.Box) error {
	return e.withColumns(ctx, func(db *store.DB, cols []secretbox.Column) error {
		if len(cols) == 0 {
			fmt.Fprintln(e.stdout, "no encrypted columns registered: nothing to re-encrypt")
			return nil
		}
		reports, err := box.Reencrypt(ctx, db, cols)
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "COLUMN\tVALUES\tRE-ENCRYPTED\tALREADY CURRENT\tCHANGED MEANWHILE")
		for _, r := range reports {
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\n", r.Column, r.Scanned, r.Reencrypted, r.Current, r.Changed)
		}
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return fmt.Errorf("re-encryption stopped (every value still opens; committed batches are kept): %w; fix the cause and run `ledgersync keys reencrypt` to finish", err)
		}
		changed := 0
		for _, r := range reports {
			changed += r.Changed
		}
		if changed > 0 {
			fmt.Fprintf(e.stdout, "%d values were rewritten by a running server meanwhile: run `ledgersync keys reencrypt` again\n", changed)
		} else {
			fmt.Fprintf(e.stdout, "every registered value is under key %d\n", box.PrimaryKeyID())
		}
		return nil
	})
}

func (e *env) dropInactive(ctx context.Context, box *secretbox.Box) error {
	return e.withColumns(ctx, func(db *store.DB, cols []secretbox.Column) error {
		var q store.Querier
		if db != nil {
			q = db.Reader()
		}
		dropped, err := box.DropInactive(ctx, q, cols)
		if err != nil {
			return err
		}
		if len(dropped) == 0 {
			fmt.Fprintf(e.stdout, "nothing to drop: key %d is the only key\n", box.PrimaryKeyID())
			return nil
		}
		for _, id := range dropped {
			fmt.Fprintf(e.stdout, "dropped key %d\n", id)
		}
		fmt.Fprintln(e.stdout, "database backups older than this need the keyset backup from before the drop")
		return nil
	})
}

func (e *env) printKeys(box *secretbox.Box) error {
	fmt.Fprintf(e.stdout, "keyset: %s\n", box.Path())
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "KEY ID\tSTATUS\tPRIMARY\tCREATED")
	for _, k := range box.Keys() {
		primary, created := "", "unknown"
		if k.Primary {
			primary = "primary"
		}
		if !k.Created.IsZero() {
			created = k.Created.UTC().Format("2006-01-02 15:04:05 MST")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", k.ID, k.Status, primary, created)
	}
	return w.Flush()
}
