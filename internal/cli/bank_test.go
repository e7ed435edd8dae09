package cli_test

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
	for _, want := range []string{"alice, bob, carol, dave, erin", "Demo-pass-2026", "/staff/", "/dev/outbox", "/ofx", "/api/v1/"} {
		if !strings.Contains(banner, want) {
			t.Errorf("the demo banner does not mention %q:\n%s", want, banner)
		}
	}
	for path, want := range map[string]string{"/login": "Sign in", "/staff/login": "Staff", "/dev/outbox": "", "/healthz": "ok", "/api/v1/openapi.json": `"openapi"`} {
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
	// The OFX server answers a profile request from an anonymous client.
	resp, err := http.Post(base+"/ofx", "application/x-ofx", strings.NewReader(profileRequest))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<PROFRS>") || !strings.Contains(string(body), "<CODE>0") {
		t.Errorf("POST /ofx (profile) = %d:\n%s", resp.StatusCode, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("bank serve after SIGTERM: %v", err)
	}
}

func TestBankServeNeedsASenderOutsideDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{
		"LEDGERSYNC_DATA_DIR":   dir,
		"LEDGERSYNC_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
	if code, _, errOut := run(t, env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate up: %s", errOut)
	}
	code, _, errOut := run(t, env, "bank", "serve", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "--name") {
		t.Fatalf("bank serve without the institution's name exited %d: %q", code, errOut)
	}
	bank := []string{"bank", "serve", "--addr", "127.0.0.1:0", "--name", "First Test Bank", "--routing", "123456780"}
	code, _, errOut = run(t, env, bank...)
	if code != 1 || !strings.Contains(errOut, "no message sender configured") || !strings.Contains(errOut, "LEDGERSYNC_SMS_URL") {
		t.Fatalf("bank serve without a sender exited %d: %q", code, errOut)
	}
	env["LEDGERSYNC_SMS_URL"] = "https://api.twilio.example?from=%2B12025550100"
	env["LEDGERSYNC_SMS_TOKEN"] = "sms-token-secret-value"
	code, _, errOut = run(t, env, bank...)
	if code != 1 || !strings.Contains(errOut, "account=") || strings.Contains(errOut, "sms-token-secret-value") {
		t.Fatalf("bank serve with an SMS URL missing its account exited %d: %q", code, errOut)
	}
}

func TestBankStaffAdd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{
		"LEDGERSYNC_DATA_DIR":   dir,
		"LEDGERSYNC_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
	if code, _, errOut := run(t, env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate up: %s", errOut)
	}
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("short\n"), 0o600)
	code, _, errOut := run(t, env, "bank", "staff", "add", "--username", "ann admin", "--name", "Ann Admin", "--role", "admin", "--password-file", pwFile)
	if code != 1 || !strings.Contains(errOut, "15") || strings.Contains(errOut, "short") {
		t.Fatalf("a short staff password: exit %d %q; want a refusal naming the 15-character minimum, without the password", code, errOut)
	}
	os.WriteFile(pwFile, []byte("a long and unusual staff passphrase\n"), 0o600)
	code, out, errOut := run(t, env, "bank", "staff", "add", "--username", "ann admin", "--name", "Ann Admin", "--role", "admin", "--password-file", pwFile)
	if code != 0 || !strings.Contains(out, "added") {
		t.Fatalf("bank staff add: exit %d %q %q", code, out, errOut)
	}
	code, _, errOut = run(t, env, "bank", "staff", "add", "--username", "ann admin", "--name", "Ann Again", "--password-file", pwFile)
	if code != 1 || !strings.Contains(errOut, "exists") {
		t.Fatalf("the same username again: exit %d %q", code, errOut)
	}
}

// profileRequest is an anonymous OFX 1.0.2 profile request to the demo bank.
const profileRequest = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n" +
	"<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20261123120000<USERID>anonymous00000000000000000000000<USERPASS>anonymous00000000000000000000000" +
	"<LANGUAGE>ENG<FI><ORG>DEMOBANK<FID>9001</FI><APPID>QWIN<APPVER>2700</SONRQ></SIGNONMSGSRQV1>" +
	"<PROFMSGSRQV1><PROFTRNRQ><TRNUID>1<PROFRQ><CLIENTROUTING>NONE<DTPROFUP>19900101</PROFRQ></PROFTRNRQ></PROFMSGSRQV1></OFX>"
