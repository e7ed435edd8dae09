package cli_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/blob"
	"github.com/ledgersync/ledgersync/internal/cli"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/institution/demobanktest"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// `ledgersync refresh` driven through a pipe, as a script would: it shows
// bob's bank asking where to send a code, then for the code, reads both
// answers from stdin and prints what landed.
func TestRefreshThroughAPipe(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			bank := demobanktest.Start(t, storetest.Open(t, d))
			dir := t.TempDir()
			key := []byte("cli refresh test master key 32 b")
			env := map[string]string{
				"LEDGERSYNC_DATA_DIR":     dir,
				"LEDGERSYNC_DATABASE_URL": storetest.URL(t, d),
				"LEDGERSYNC_MASTER_KEY":   base64.StdEncoding.EncodeToString(key),
			}
			if code, _, errOut := run(t, env, "migrate", "up"); code != 0 {
				t.Fatalf("migrate up: %s", errOut)
			}
			bobConn := seedFirm(t, env["LEDGERSYNC_DATABASE_URL"], dir, key, bank)

			stdinR, stdinW := io.Pipe()
			stdoutR, stdoutW := io.Pipe()
			var errOut strings.Builder
			exit := make(chan int, 1)
			go func() {
				code := cli.Main(ctx, []string{"refresh", bobConn}, func(k string) string { return env[k] }, stdinR, stdoutW, &errOut)
				stdoutW.Close()
				exit <- code
			}()
			out := bufio.NewReader(stdoutR)
			var seen strings.Builder
			// upTo reads the output until it holds want.
			upTo := func(want string) {
				t.Helper()
				got := make(chan error, 1)
				go func() {
					for !strings.Contains(seen.String(), want) {
						b, err := out.ReadByte()
						if err != nil {
							got <- err
							return
						}
						seen.WriteByte(b)
					}
					got <- nil
				}()
				select {
				case err := <-got:
					if err != nil {
						t.Fatalf("output ended before %q: %v\n%s\nstderr: %s", want, err, seen.String(), errOut.String())
					}
				case <-time.After(60 * time.Second):
					t.Fatalf("no %q in the output:\n%s", want, seen.String())
				}
			}

			upTo("Where should the bank send the code? (number): ")
			if !strings.Contains(seen.String(), "1) Text to (•••) •••-0111") || !strings.Contains(seen.String(), "180 seconds") {
				t.Fatalf("the delivery options or the countdown are missing:\n%s", seen.String())
			}
			io.WriteString(stdinW, "1\n")
			upTo("Code: ")
			code := bank.Code(t, bank.Member(t, "bob").Phones[0].Number)
			io.WriteString(stdinW, code+"\n")
			upTo("Done: 2 accounts")
			stdinW.Close()
			io.Copy(io.Discard, out)
			if c := <-exit; c != 0 {
				t.Fatalf("refresh exited %d: %s", c, errOut.String())
			}
			if strings.Contains(seen.String(), code) || strings.Contains(errOut.String(), code) {
				t.Fatal("the code was echoed")
			}
		})
	}
}

// seedFirm seeds the demo firm in the CLI's database, connected to bank,
// and returns bob's connection id.
func seedFirm(t *testing.T, dbURL, dir string, key []byte, bank *demobanktest.Bank) string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	box, err := secretbox.Open(key, filepath.Join(dir, secretbox.KeysetFileName), true)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewLocal(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	hasher, err := password.NewHasher(password.TestParams(), 0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, app.Config{DB: db, Box: box, Blobs: blobs, Hasher: hasher, Logger: slog.New(slog.DiscardHandler),
		Connectors: map[connector.Kind]connector.Connector{connector.InstAPI: instapi.New(instapi.Options{})}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	info := bankseed.DemoInfo()
	_, conns, err := a.SeedDemo(ctx, app.DemoBank{Name: info.Name, OFXURL: bank.OFXURL(), OFXOrg: info.ORG, OFXFID: info.FID,
		APIURL: bank.APIURL(), MemberPassword: bank.Demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.Member == "bob" {
			return strconv.FormatInt(c.ID, 10)
		}
	}
	t.Fatal("the demo firm has no connection to bob")
	return ""
}
