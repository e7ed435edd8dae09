package ofxinterop

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
)

// TestOfxconnect has libofx make alice's requests and read the bank's
// answers: her account list, then her checking and card statements for the
// last 90 days, each read back by ofxdump (libofx validating the response
// against its OFX DTD). What ofxdump prints must match the database: the
// accounts, every posted transaction since the requested DTSTART by FITID
// and amount, and the ledger balance.
//
// Debian builds libofx without libcurl, so ofxconnect cannot POST (--url
// only prints "libox must be configured with libcurl"): it writes the
// request to stdout, and the test POSTs it as ofxconnect's own post() does
// (Content-type: application/x-ofx, Accept: */*, application/x-ofx), like
// libofx's own ofxconnect/test-privateserver.sh.
func TestOfxconnect(t *testing.T) {
	t.Parallel()
	ofxconnect := need(t, "ofxconnect", "ofx")
	ofxdump := need(t, "ofxdump", "ofx")
	b := startBank(t, false)
	tl := tool{t: t, dir: t.TempDir()}
	login := []string{"--fid=" + b.app.Info.FID, "--org=" + b.app.Info.ORG, "--user=alice", "--pass=" + bankseed.DemoPassword}

	reply := postLikeLibofx(t, b.url, libofxRequest(tl, ofxconnect, append([]string{"-a"}, login...)...))
	var got []string
	for _, blk := range ofxdumpFile(tl, ofxdump, "accounts.ofx", reply) {
		if blk.kind == "ofx_proc_account" {
			got = append(got, blk.fields["Account #"]+" "+blk.fields["Account type"])
		}
	}
	var want []string
	for _, a := range b.accounts(t, "alice") {
		want = append(want, a.Number+" "+libofxType[a.Type])
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("ofxdump read the account list as %q, the bank has %q", got, want)
	}

	for _, tc := range []struct {
		typ  institution.AccountType
		args []string
	}{
		{institution.Checking, []string{"--type=1", "--bank=" + b.app.Info.Routing}},
		{institution.CreditCard, []string{"--type=3"}},
	} {
		t.Run(string(tc.typ), func(t *testing.T) {
			tl := tool{t: t, dir: tl.dir}
			acct := b.accountOf(t, "alice", tc.typ)
			args := append(append([]string{"-s", "--acct=" + acct.Number, "--past=90"}, tc.args...), login...)
			reply := postLikeLibofx(t, b.url, libofxRequest(tl, ofxconnect, args...))
			blocks := ofxdumpFile(tl, ofxdump, string(tc.typ)+".ofx", reply)

			got := map[string]int64{}
			var stmts []dumpBlock
			for _, blk := range blocks {
				switch blk.kind {
				case "ofx_proc_transaction":
					id := blk.fields["Financial institution's ID for this transaction"]
					got[id] = cents(t, "ofxdump's amount of "+id, blk.fields["Total money amount"])
				case "ofx_proc_statement":
					stmts = append(stmts, blk)
				}
			}
			from := b.rec.statementRequest(t, acct.Number).IncTran.DTStart
			if diff := sameTransactions(got, b.posted(t, acct.Number, from)); diff != "" {
				t.Errorf("ofxdump's transactions since %s differ from the bank's: %s", from.Format("2006-01-02"), diff)
			}
			if len(stmts) != 1 {
				t.Fatalf("ofxdump printed %d statements, want 1", len(stmts))
			}
			if bal := cents(t, "ofxdump's ledger balance", stmts[0].fields["Ledger balance"]); bal != b.account(t, acct.Number).Balance {
				t.Errorf("ofxdump's ledger balance is %d cents, the bank's %d", bal, b.account(t, acct.Number).Balance)
			}
			if id := stmts[0].fields["Account ID"]; !strings.HasSuffix(id, acct.Number) {
				t.Errorf("ofxdump's statement is for account %q, want %s", id, acct.Number)
			}
		})
	}
}

// libofxType is how libofx names the bank's account types.
var libofxType = map[institution.AccountType]string{
	institution.Checking: "CHECKING", institution.Savings: "SAVINGS", institution.CreditCard: "CREDITCARD",
}

// libofxRequest runs ofxconnect with args and returns the request it
// prints (after its "file NAME" line).
func libofxRequest(tl tool, ofxconnect string, args ...string) []byte {
	tl.t.Helper()
	out, _ := tl.run(ofxconnect, append(args, "request.ofx")...)
	req, ok := strings.CutPrefix(out, "file request.ofx\n")
	if !ok || !strings.HasPrefix(req, "OFXHEADER:") {
		tl.t.Fatalf("ofxconnect printed no request:\n%s", scrub(out))
	}
	return []byte(req)
}

// postLikeLibofx POSTs an OFX request as libofx's ofxconnect does with
// libcurl and returns the reply, which must be 200.
func postLikeLibofx(t *testing.T, url string, body []byte) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-type", "application/x-ofx")
	req.Header.Set("Accept", "*/*, application/x-ofx")
	req.Header.Set("User-Agent", "") // libcurl sends none unless told
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: HTTP %s: %.500s", url, resp.Status, reply)
	}
	return reply
}

// dumpBlock is one callback ofxdump reports ("ofx_proc_account():") with
// its "name: value" lines.
type dumpBlock struct {
	kind   string
	fields map[string]string
}

// ofxdumpFile writes reply to name and has ofxdump read it. libofx must
// raise no error: its errors are DTD violations (an element out of place,
// a required one missing) that other clients may trip on too.
func ofxdumpFile(tl tool, ofxdump, name string, reply []byte) []dumpBlock {
	tl.t.Helper()
	path := filepath.Join(tl.dir, name)
	if err := os.WriteFile(path, reply, 0o600); err != nil {
		tl.t.Fatal(err)
	}
	out, stderr := tl.run(ofxdump, path)
	var errs, warnings []string
	for line := range strings.Lines(stderr) {
		switch line = strings.TrimSpace(line); {
		case strings.HasPrefix(line, "LibOFX ERROR"):
			errs = append(errs, line)
		case strings.HasPrefix(line, "LibOFX WARNING") && !slices.Contains(warnings, line):
			warnings = append(warnings, line)
		}
	}
	for _, w := range warnings {
		tl.t.Logf("ofxdump %s: %s", name, w)
	}
	if len(errs) > 0 {
		tl.t.Errorf("libofx found errors in the bank's %s:\n%s\nthe reply was:\n%.3000s", name, strings.Join(errs, "\n"), reply)
	}
	var blocks []dumpBlock
	for line := range strings.Lines(out) {
		line = strings.TrimRight(line, "\r\n")
		if kind, ok := strings.CutSuffix(line, "():"); ok && !strings.HasPrefix(line, " ") {
			blocks = append(blocks, dumpBlock{kind: kind, fields: map[string]string{}})
			continue
		}
		name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && len(blocks) > 0 {
			blocks[len(blocks)-1].fields[strings.TrimSpace(name)] = strings.TrimSpace(value)
		}
	}
	return blocks
}
