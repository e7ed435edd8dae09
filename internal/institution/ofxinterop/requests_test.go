package ofxinterop

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ledgersync/ledgersync/internal/ofx"
)

// TestCapturedRequestsDecode reads the requests the real clients sent (see
// testdata/requests/README.md) with LedgerSync's own codec: every shape the
// server must accept decodes, with the facts the server relies on.
func TestCapturedRequestsDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file               string
		version            int
		appID, appVer      string
		clientUID          bool
		acctInfo           bool
		stmt, ccStmt       bool
		includeTxns        bool
		dtStartPresent     bool
		wantAcctType       string
		wantBankID, wantID string
	}{
		{file: "libofx-acctinfo.ofx", version: 102, appID: "QWIN", appVer: "1400", acctInfo: true},
		{file: "libofx-stmt.ofx", version: 102, appID: "QWIN", appVer: "1400", stmt: true, includeTxns: true, dtStartPresent: true, wantAcctType: "CHECKING", wantBankID: "123456780", wantID: "1001"},
		{file: "libofx-ccstmt.ofx", version: 102, appID: "QWIN", appVer: "1400", ccStmt: true, includeTxns: true, dtStartPresent: true, wantID: "4001"},
		{file: "aqbanking-acctinfo.ofx", version: 102, appID: "QWIN", appVer: "1200", acctInfo: true},
		{file: "aqbanking-stmt.ofx", version: 102, appID: "QWIN", appVer: "1200", stmt: true, includeTxns: true, dtStartPresent: true, wantAcctType: "CHECKING", wantBankID: "123456780", wantID: "1001"},
		{file: "aqbanking-ccstmt.ofx", version: 102, appID: "QWIN", appVer: "1200", ccStmt: true, includeTxns: true, dtStartPresent: true, wantID: "4001"},
		// aqbanking-cli request --balance: a statement request with
		// <INCLUDE>N and no dates, answered with balances only.
		{file: "aqbanking-balance.ofx", version: 102, appID: "QWIN", appVer: "1200", stmt: true, wantAcctType: "CHECKING", wantBankID: "123456780", wantID: "1001"},
		{file: "ofxclient102-acctinfo.ofx", version: 102, appID: "QWIN", appVer: "2500", acctInfo: true},
		{file: "ofxclient102-stmt.ofx", version: 102, appID: "QWIN", appVer: "2500", stmt: true, includeTxns: true, dtStartPresent: true, wantAcctType: "CHECKING", wantBankID: "123456780", wantID: "1001"},
		{file: "ofxclient102-ccstmt.ofx", version: 102, appID: "QWIN", appVer: "2500", ccStmt: true, includeTxns: true, dtStartPresent: true, wantID: "4001"},
		{file: "ofxclient103-acctinfo.ofx", version: 103, appID: "QWIN", appVer: "2500", clientUID: true, acctInfo: true},
		{file: "ofxclient103-stmt.ofx", version: 103, appID: "QWIN", appVer: "2500", clientUID: true, stmt: true, includeTxns: true, dtStartPresent: true, wantAcctType: "CHECKING", wantBankID: "123456780", wantID: "1001"},
		{file: "ofxclient103-ccstmt.ofx", version: 103, appID: "QWIN", appVer: "2500", clientUID: true, ccStmt: true, includeTxns: true, dtStartPresent: true, wantID: "4001"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(filepath.Join("testdata", "requests", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			doc, err := ofx.Parse(f)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			req, err := ofx.DecodeRequest(doc)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			s := req.Signon
			if doc.Version != tt.version || s.AppID != tt.appID || s.AppVer != tt.appVer {
				t.Errorf("version %d APPID %s APPVER %s, want %d %s %s", doc.Version, s.AppID, s.AppVer, tt.version, tt.appID, tt.appVer)
			}
			if s.UserID != "alice" || s.UserPass != "REDACTED" || s.FI == nil || s.FI.Org != "DEMOBANK" || s.FI.FID != "9001" || s.DTClient.IsZero() {
				t.Errorf("signon %q/%q FI %+v DTCLIENT %v", s.UserID, s.UserPass, s.FI, s.DTClient)
			}
			if (s.ClientUID != "") != tt.clientUID {
				t.Errorf("CLIENTUID %q, want one: %v", s.ClientUID, tt.clientUID)
			}
			if (req.AccountInfo != nil) != tt.acctInfo || (len(req.Statements) == 1) != tt.stmt || (len(req.CCStatements) == 1) != tt.ccStmt {
				t.Fatalf("account info %v, %d statements, %d card statements", req.AccountInfo != nil, len(req.Statements), len(req.CCStatements))
			}
			var st ofx.StatementRequest
			switch {
			case tt.stmt:
				st = req.Statements[0]
			case tt.ccStmt:
				st = req.CCStatements[0]
			default:
				return
			}
			a := st.Account
			if a.AcctID != tt.wantID || a.BankID != tt.wantBankID || a.AcctType != tt.wantAcctType {
				t.Errorf("account %+v, want %s/%s %s", a, tt.wantBankID, tt.wantID, tt.wantAcctType)
			}
			if st.IncTran == nil || st.IncTran.Include != tt.includeTxns || st.IncTran.DTStart.IsZero() == tt.dtStartPresent || !st.IncTran.DTEnd.IsZero() {
				t.Errorf("INCTRAN %+v, want INCLUDE %v and a DTSTART %v, no DTEND", st.IncTran, tt.includeTxns, tt.dtStartPresent)
			}
		})
	}
}
