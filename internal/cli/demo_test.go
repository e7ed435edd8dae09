package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
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

// `ledgersync demo` as a newcomer runs it: it prints LedgerSync's URL, the
// firm's login and the connections; the owner refreshes alice through the
// API, answering her bank's question; a restart on the same data directory
// finds everything as it was.
func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, banner, stop := startDemo(t, dir)
	for _, want := range []string{"owner@demo-bookkeeping.test", "demo-bookkeeping-2026", "alice", "bob", "carol", "dave", "erin", "/dev/outbox", "Demo-pass-2026"} {
		if !strings.Contains(banner, want) {
			t.Errorf("the demo banner does not mention %q:\n%s", want, banner)
		}
	}
	alice := regexp.MustCompile(`(?m)^\s+(\d+)\s+.*\balice\b`).FindStringSubmatch(banner)
	if alice == nil {
		t.Fatalf("no connection to alice in the banner:\n%s", banner)
	}

	token := call(t, "POST", base+"/api/v1/tokens", "", `{"email":"owner@demo-bookkeeping.test","password":"demo-bookkeeping-2026"}`, 201)["token"].(string)
	conns := call(t, "GET", base+"/api/v1/connections", token, "", 200)["connections"].([]any)
	if len(conns) != 5 {
		t.Fatalf("the demo firm has %d connections, want 5", len(conns))
	}
	r := call(t, "POST", base+"/api/v1/connections/"+alice[1]+"/refresh", token, "", 202)["refresh"].(map[string]any)
	refreshURL := fmt.Sprintf("%s/api/v1/refreshes/%v", base, r["id"])

	// Waiting on the bank and the workers, not a timing assertion.
	var ch map[string]any
	for deadline := time.Now().Add(time.Minute); ch == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("alice's refresh never asked anything")
		}
		if cs := call(t, "GET", base+"/api/v1/challenges", token, "", 200)["challenges"].([]any); len(cs) > 0 {
			ch = cs[0].(map[string]any)
		}
	}
	prompt := strings.ToLower(ch["questions"].([]any)[0].(map[string]any)["prompt"].(string))
	answer := map[bool]string{true: "blue"}[strings.Contains(prompt, "color")]
	if strings.Contains(prompt, "pet") {
		answer = "rex"
	} else if strings.Contains(prompt, "city") {
		answer = "paris"
	}
	call(t, "POST", fmt.Sprintf("%s/api/v1/challenges/%v/answer", base, ch["id"]), token, `{"answer":"`+answer+`"}`, 202)
	var done map[string]any
	for deadline := time.Now().Add(time.Minute); done == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("alice's refresh never ended")
		}
		got := call(t, "GET", refreshURL, token, "", 200)
		if rr, ok := got["refresh"].(map[string]any); ok {
			got = rr
		}
		if got["state"] == "done" {
			done = got
		}
	}
	if done["outcome"] != "ok" {
		t.Fatalf("alice's refresh ended %v: %v", done["outcome"], done["detail"])
	}
	stop()

	_, again, stop := startDemo(t, dir)
	defer stop()
	if !strings.Contains(again, alice[0]) {
		t.Fatalf("after a restart the connections changed:\n%s\nwas:\n%s", again, banner)
	}
}

// startDemo runs `ledgersync demo` on free ports in dir and returns
// LedgerSync's URL, the banner, and a stop that SIGTERMs it and checks it
// exits 0.
func startDemo(t *testing.T, dir string) (string, string, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "demo", "--addr", "127.0.0.1:0", "--bank-addr", "127.0.0.1:0", "--data-dir", dir)
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
	site := regexp.MustCompile(`^\s+LedgerSync\s+(http://\S+)`)
	var base, banner string
	for !strings.Contains(banner, "  database ") {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("demo exited before serving:\n%s", banner)
			}
			banner += line + "\n"
			if m := site.FindStringSubmatch(line); m != nil {
				base = m[1]
			}
		case <-time.After(2 * time.Minute): // a hung process, not a timing assertion
			t.Fatalf("demo did not start:\n%s", banner)
		}
	}
	stopped := false
	return base, banner, func() {
		if stopped {
			return
		}
		stopped = true
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("demo after SIGTERM: %v", err)
		}
	}
}

// call makes an API request and checks its status.
func call(t *testing.T, method, url, token, body string, want int) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, url, resp.StatusCode, want, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return out
}
