package ofxinterop

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/ofx"
)

// TestXMLResponseParses asks for alice's checking statement in OFX 2.1.1
// (XML), as a 2.x client such as Quicken or Moneydance does, and has both
// libofx's ofxdump and Python's ofxparse read the XML reply: the bank
// answers each syntax in its own, and both are understood.
func TestXMLResponseParses(t *testing.T) {
	t.Parallel()
	b := startBank(t, false)
	acct := b.accountOf(t, "alice", institution.Checking)
	now := b.clock.Now()
	from := now.AddDate(0, 0, -90)
	req := &ofx.Request{
		Signon: ofx.SignonRequest{
			DTClient: now, UserID: "alice", UserPass: bankseed.DemoPassword, Language: "ENG",
			FI: &ofx.FI{Org: b.app.Info.ORG, FID: b.app.Info.FID}, AppID: "QWIN", AppVer: "2700",
		},
		Statements: []ofx.StatementRequest{{
			TrnUID:  "ofxinterop-xml-1",
			Account: ofx.Account{BankID: b.app.Info.Routing, AcctID: acct.Number, AcctType: "CHECKING"},
			IncTran: &ofx.IncTran{DTStart: from, Include: true},
		}},
	}
	var body bytes.Buffer
	if err := ofx.WriteXML(&body, ofx.NewDocument(211, req.Element())); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(b.url, "application/x-ofx", &body)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: HTTP %s: %.500s", b.url, resp.Status, reply)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(reply), []byte("<?xml")) || !bytes.Contains(reply, []byte(`VERSION="211"`)) {
		t.Fatalf("an OFX 2.1.1 request was answered with something else than OFX 2.1.1 XML:\n%.1000s", reply)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "statement.xml.ofx")
	if err := os.WriteFile(file, reply, 0o600); err != nil {
		t.Fatal(err)
	}
	want := b.posted(t, acct.Number, from)

	t.Run("ofxdump", func(t *testing.T) {
		t.Parallel()
		ofxdump := need(t, "ofxdump", "ofx")
		tl := tool{t: t, dir: t.TempDir()}
		got := map[string]int64{}
		var ledger string
		for _, blk := range ofxdumpFile(tl, ofxdump, "statement.xml.ofx", reply) {
			switch blk.kind {
			case "ofx_proc_transaction":
				id := blk.fields["Financial institution's ID for this transaction"]
				got[id] = cents(t, "ofxdump's amount of "+id, blk.fields["Total money amount"])
			case "ofx_proc_statement":
				ledger = blk.fields["Ledger balance"]
			}
		}
		if diff := sameTransactions(got, want); diff != "" {
			t.Errorf("ofxdump's transactions differ from the bank's: %s", diff)
		}
		if strings.TrimSpace(ledger) == "" || cents(t, "ofxdump's ledger balance", ledger) != acct.Balance {
			t.Errorf("ofxdump's ledger balance is %q, the bank's %s", ledger, ofx.FormatAmount(acct.Balance))
		}
	})

	t.Run("ofxparse", func(t *testing.T) {
		t.Parallel()
		py := debianPython(t, map[string]string{"ofxparse": "python3-ofxparse"})
		// ofxparse takes its encoding from the 1.x colon header only: a
		// 2.x file has none, so it reads it as ASCII and stops at the first
		// other byte ("'ascii' codec can't decode byte 0xe2").
		if i := bytes.IndexFunc(reply, func(r rune) bool { return r > 0x7e }); i >= 0 {
			line := reply[bytes.LastIndexByte(reply[:i], '\n')+1:]
			line, _, _ = bytes.Cut(line, []byte("\n"))
			t.Errorf("the XML reply is not ASCII (byte %d, in %q): ofxparse, which reads a 2.x file as ASCII, cannot read it; write non-ASCII text as character references (&#8226;) or in ASCII", i, strings.TrimSpace(string(line)))
		}
		tl := tool{t: t, dir: t.TempDir()}
		out, _ := tl.run(py, script(t), "parse", file)
		var res pyOutput
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("the script's output: %v\n%s", err, out)
		}
		checkPyStatement(t, b, "ofxparse", res.Statement, acct, from)
	})
}
