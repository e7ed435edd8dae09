package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/cli"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// asProcessEnv makes the test binary behave as the ledgersync command, so
// tests can run it as a real process and signal it.
const asProcessEnv = "LEDGERSYNC_TEST_AS_PROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(asProcessEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Main(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// run runs ledgersync in-process with an empty environment plus env.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = cli.Main(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMigrateUpThenNoOp(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			url := storetest.URL(t, d)
			code, out, errOut := run(t, nil, "migrate", "up", "--database", url)
			if code != 0 {
				t.Fatalf("first migrate up exited %d: %s", code, errOut)
			}
			if !regexp.MustCompile(`\d+ migrations applied`).MatchString(out) {
				t.Fatalf("first migrate up printed %q, want the migrations it applied", out)
			}
			code, out, errOut = run(t, nil, "migrate", "up", "--database", url)
			if code != 0 || !strings.Contains(out, "schema is up to date") {
				t.Fatalf("second migrate up exited %d, printed %q %q; want a no-op", code, out, errOut)
			}
			code, out, _ = run(t, nil, "migrate", "status", "--database", url)
			if code != 0 || strings.Contains(out, "pending") || !strings.Contains(out, "audit_event") {
				t.Fatalf("migrate status exited %d, printed %q", code, out)
			}
		})
	}
}

func TestServeRefusesAnOutdatedSchema(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			url := storetest.URL(t, d)
			code, out, errOut := run(t, nil, "serve", "--addr", "127.0.0.1:0", "--database", url)
			if code != 1 {
				t.Fatalf("serve on an empty database exited %d (stdout %q), want 1", code, out)
			}
			if !strings.Contains(errOut, "out of date") || !strings.Contains(errOut, "ledgersync migrate up") {
				t.Fatalf("serve's refusal %q does not say the schema is out of date and how to fix it", errOut)
			}
		})
	}
}

func TestInvalidSettingStopsStartUp(t *testing.T) {
	t.Parallel()
	code, _, errOut := run(t, map[string]string{"LEDGERSYNC_WORKERS": "0"}, "serve")
	if code != 1 || !strings.Contains(errOut, "LEDGERSYNC_WORKERS") {
		t.Fatalf("serve with LEDGERSYNC_WORKERS=0 exited %d with %q; want 1 naming the setting", code, errOut)
	}
	code, _, errOut = run(t, nil, "serve", "--no-such-flag")
	if code != 2 || !strings.Contains(errOut, "no-such-flag") {
		t.Fatalf("an unknown flag exited %d with %q; want 2 naming it", code, errOut)
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	env := map[string]string{
		"LEDGERSYNC_MASTER_KEY":   key,
		"LEDGERSYNC_DATABASE_URL": "postgres://app:hunter2-db-pw@db.example:5432/ledgersync",
	}
	code, out, errOut := run(t, env, "config", "--workers", "7")
	if code != 0 {
		t.Fatalf("config exited %d: %s", code, errOut)
	}
	for _, secret := range []string{key, "hunter2-db-pw"} {
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("config printed a secret:\n%s", out)
		}
	}
	for _, want := range []string{"master_key", "********", "env LEDGERSYNC_MASTER_KEY", "db.example:5432", "flag --workers"} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, map[string]string{"LEDGERSYNC_WORKERS": "broken"}, "version")
	if code != 0 || !strings.HasPrefix(out, "ledgersync ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version exited %d, printed %q", code, out)
	}
}

// The server runs as a real process: it answers its probes, and SIGTERM stops
// it gracefully with exit code 0.
func TestServeStopsGracefullyOnSIGTERM(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			url := storetest.URL(t, d)
			if code, _, errOut := run(t, nil, "migrate", "up", "--database", url); code != 0 {
				t.Fatalf("migrate up: %s", errOut)
			}
			cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--database", url, "--data-dir", t.TempDir())
			cmd.Env = append(os.Environ(), asProcessEnv+"=1",
				"LEDGERSYNC_MASTER_KEY="+base64.StdEncoding.EncodeToString([]byte("serve test master key: 32 bytes.")))
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill() })

			lines := make(chan string, 100)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			listening := regexp.MustCompile(`msg=listening .*url=(http://\S+)`)
			var base string
			var log strings.Builder
			for base == "" {
				select {
				case line, ok := <-lines:
					if !ok {
						t.Fatalf("serve exited before listening:\n%s", log.String())
					}
					log.WriteString(line + "\n")
					if m := listening.FindStringSubmatch(line); m != nil {
						base = m[1]
					}
				case <-time.After(time.Minute): // a hung process, not a timing assertion
					t.Fatalf("serve did not start listening:\n%s", log.String())
				}
			}
			for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
				resp, err := http.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != want {
					t.Fatalf("GET %s = %d %q, want 200 %q", path, resp.StatusCode, body, want)
				}
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			for line := range lines {
				log.WriteString(line + "\n")
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("serve after SIGTERM: %v\n%s", err, log.String())
			}
			if !strings.Contains(log.String(), "msg=stopped") {
				t.Fatalf("serve did not log a graceful stop:\n%s", log.String())
			}
		})
	}
}
