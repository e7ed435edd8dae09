package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/ofx"
)

// runOFX runs ledgersync ofx … in-process through Main; a non-zero exit
// comes back as an error holding what it printed on stderr.
func runOFX(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), append([]string{"ofx"}, args...), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if code != 0 {
		return out.String(), errors.New(strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

func TestOFXDump(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.ofx", "OFXHEADER:100\r\nVERSION:102\r\nCHARSET:1252\r\n\r\n<OFX><SIGNONMSGSRQV1><SONRQ><USERID>bob<USERPASS>hunter2<MFACHALLENGEA><MFAPHRASEID>MFA6<MFAPHRASEA>Rex</MFACHALLENGEA></SONRQ></SIGNONMSGSRQV1><NAME>Caf\xe9</NAME></OFX>\r\n")
	bad := write("bad.ofx", "OFXHEADER:100\n\n<OFX>\n<STMTTRN>\n<NAME>x\n</BANKTRANLIST>\n</OFX>\n")

	out, err := runOFX(t, "dump", good)
	if err != nil {
		t.Fatal(err)
	}
	var doc ofx.Document
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not a JSON document: %v\n%s", err, out)
	}
	if doc.Version != 102 || doc.Root.ValueAt("NAME") != "Café" || doc.Root.ValueAt("SIGNONMSGSRQV1", "SONRQ", "USERID") != "bob" {
		t.Errorf("dump = %s", out)
	}
	if strings.Contains(out, "hunter2") || strings.Contains(out, "Rex") || !strings.Contains(out, "\n  \"version\"") {
		t.Errorf("secrets not masked or not indented:\n%s", out)
	}
	out, err = runOFX(t, "dump", "--show-secrets", good)
	if err != nil || !strings.Contains(out, "hunter2") || !strings.Contains(out, `"Rex"`) {
		t.Errorf("--show-secrets: %v\n%s", err, out)
	}

	_, err = runOFX(t, "dump", bad)
	if err == nil || !strings.Contains(err.Error(), "line 6: <STMTTRN>: unexpected </BANKTRANLIST>") {
		t.Errorf("malformed file: %v", err)
	}
	if _, err = runOFX(t, "dump", filepath.Join(dir, "missing.ofx")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err = runOFX(t, "dump"); err == nil {
		t.Error("dump without FILE succeeded")
	}
	if _, err = runOFX(t); err == nil || !strings.Contains(err.Error(), "subcommand") {
		t.Errorf("ofx alone: %v", err)
	}
}
