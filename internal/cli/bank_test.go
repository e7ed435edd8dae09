package cli_test

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// `bank serve --demo` on an empty data directory migrates, seeds the demo
// bank, prints the logins, and serves the member site and the staff console.
func TestBankServeDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "bank", "serve", "--demo", "--addr", "127.0.0.1:0", "--data-dir", dir)
	cmd.Env = append(os.Environ(), asProcessEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	site := regexp.MustCompile(`member site\s+(http://\S+)/login`)
	var base, banner string
	for !strings.Contains(banner, "  database ") {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("bank serve --demo exited before serving:\n%s", banner)
			}
			banner += line + "\n"
			if m := site.FindStringSubmatch(line); m != nil {
				base = m[1]
			}
		case <-time.After(2 * time.Minute): // a hung process, not a timing assertion
			t.Fatalf("bank serve --demo did not start:\n%s", banner)
		}
	}
	for _, want := range []string{"alice, bob, carol, dave, erin", "Demo-pass-2026", "/staff/", "/dev/outbox"} {
		if !strings.Contains(banner, want) {
			t.Errorf("the demo banner does not mention %q:\n%s", want, banner)
		}
	}
	for path, want := range map[string]string{"/login": "Sign in", "/staff/login": "Staff", "/dev/outbox": "", "/healthz": "ok"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d, want 200 with %q", path, resp.StatusCode, want)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("bank serve after SIGTERM: %v", err)
	}
}
