package ofxinterop

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/device"
)

// pyStatement is what testdata/ofxclient_fetch.py prints of a statement
// ofxparse read.
type pyStatement struct {
	Account      string `json:"account"`
	Routing      string `json:"routing"`
	Type         string `json:"type"`
	Balance      string `json:"balance"`
	Available    string `json:"available_balance"`
	Transactions []struct {
		ID     string `json:"id"`
		Date   string `json:"date"`
		Amount string `json:"amount"`
		Payee  string `json:"payee"`
	} `json:"transactions"`
}

// pyOutput is the script's whole answer.
type pyOutput struct {
	Accounts []struct {
		Number  string `json:"number"`
		Kind    string `json:"kind"` // BankAccount or CreditCardAccount
		Routing string `json:"routing"`
		Type    string `json:"type"`
	} `json:"accounts"`
	Statement pyStatement `json:"statement"`
}

// TestPythonOfxclient has Python's ofxclient list alice's accounts and
// download her checking statement for the last 90 days over HTTPS (the only
// way ofxclient connects), parsed by ofxparse as ofxclient does. The
// accounts, the transactions since the requested DTSTART and the ledger
// balance must match the database.
func TestPythonOfxclient(t *testing.T) {
	t.Parallel()
	py := debianPython(t, map[string]string{"ofxclient": "python3-ofxclient", "ofxparse": "python3-ofxparse"})
	b := startBank(t, true)
	acct := b.accountOf(t, "alice", institution.Checking)
	tl := tool{t: t, dir: t.TempDir(), env: []string{"SSL_CERT_FILE=" + b.caFile, "OFX_PASSWORD=" + bankseed.DemoPassword}}
	out, _ := tl.run(py, script(t), "fetch", b.url, b.app.Info.FID, b.app.Info.ORG, "alice", acct.Number, "90")
	var res pyOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("the script's output: %v\n%s", err, out)
	}

	var got, want []string
	for _, a := range res.Accounts {
		got = append(got, a.Number+" "+a.Kind+" "+a.Routing+" "+a.Type)
	}
	for _, a := range b.accounts(t, "alice") {
		if a.Type == institution.CreditCard {
			want = append(want, a.Number+" CreditCardAccount  ")
		} else {
			want = append(want, a.Number+" BankAccount "+b.app.Info.Routing+" "+libofxType[a.Type])
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ofxclient lists alice's accounts as %q, the bank has %q", got, want)
	}

	checkPyStatement(t, b, "ofxclient", res.Statement, acct, b.rec.statementRequest(t, acct.Number).IncTran.DTStart)
}

// checkPyStatement compares a statement ofxparse read with the database.
func checkPyStatement(t *testing.T, b *bank, who string, st pyStatement, acct *institution.Account, from time.Time) {
	t.Helper()
	if st.Account != acct.Number || st.Routing != b.app.Info.Routing {
		t.Errorf("%s read a statement of account %s/%s, want %s/%s", who, st.Routing, st.Account, b.app.Info.Routing, acct.Number)
	}
	got := map[string]int64{}
	for _, tx := range st.Transactions {
		got[tx.ID] = cents(t, who+"'s amount of "+tx.ID, tx.Amount)
	}
	if diff := sameTransactions(got, b.posted(t, acct.Number, from)); diff != "" {
		t.Errorf("%s's transactions since %s differ from the bank's: %s", who, from.Format("2006-01-02"), diff)
	}
	if bal := cents(t, who+"'s balance", st.Balance); bal != b.account(t, acct.Number).Balance {
		t.Errorf("%s's balance is %d cents, the bank's ledger balance %d", who, bal, b.account(t, acct.Number).Balance)
	}
}

// script is the absolute path of the Python driver.
func script(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "ofxclient_fetch.py"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPythonOfxclientCLIENTUID has ofxclient speak OFX 1.0.3, which names
// its installation with a CLIENTUID: the bank refuses the program it does
// not know (15510) and tells alice in her message center; once she approves
// it (Settings, Computers and devices), the same program downloads her
// statement.
func TestPythonOfxclientCLIENTUID(t *testing.T) {
	t.Parallel()
	py := debianPython(t, map[string]string{"ofxclient": "python3-ofxclient", "ofxparse": "python3-ofxparse"})
	b := startBank(t, true)
	ctx := context.Background()
	alice := b.member(t, "alice")
	acct := b.accountOf(t, "alice", institution.Checking)
	const clientUID = "5f0c2a9e4b7d4c1e9a3f6b8d2e1c7a40" // as ofxclient makes them: uuid4().hex
	tl := tool{t: t, dir: t.TempDir(), env: []string{"SSL_CERT_FILE=" + b.caFile, "OFX_PASSWORD=" + bankseed.DemoPassword}}
	args := []string{script(t), "fetch", b.url, b.app.Info.FID, b.app.Info.ORG, "alice", acct.Number, "90", "103", clientUID}

	if _, _, err := tl.try(py, args...); err == nil {
		t.Fatal("ofxclient downloaded alice's statement from a program the bank does not know")
	}
	all := b.rec.requests()
	if len(all) == 0 || all[0].request == nil || all[0].request.Signon.ClientUID != clientUID {
		t.Fatalf("the bank saw no signon with ofxclient's CLIENTUID (%d requests)", len(all))
	}
	if got := replyStatuses(all[0].reply); !strings.HasPrefix(got, "[15510") {
		t.Fatalf("an unknown CLIENTUID was answered with statuses %s, want 15510 (CLIENTUID error)", got)
	}
	msgs, err := audit.Messages(ctx, b.db.Reader(), bankapp.MemberRealm, "account:"+strconv.FormatInt(alice.SecurityAccountID, 10), 20)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(msgs, func(m audit.Message) bool { return strings.Contains(m.Text, "Direct Connect") }) {
		t.Errorf("alice's messages do not tell her of the unknown Direct Connect program: %+v", msgs)
	}

	// alice approves the program, as Settings, Computers and devices does.
	d, err := device.RecogniseClient(ctx, b.db.Reader(), alice.SecurityAccountID, device.KindOFX, clientUID)
	if err != nil {
		t.Fatalf("the bank kept no pending device for ofxclient's CLIENTUID: %v", err)
	}
	if err := device.Register(ctx, b.db.Writer(), alice.SecurityAccountID, d.ID, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	out, _ := tl.run(py, args...)
	var res pyOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("the script's output: %v\n%s", err, out)
	}
	checkPyStatement(t, b, "ofxclient 1.0.3", res.Statement, acct, b.rec.statementRequest(t, acct.Number).IncTran.DTStart)
}
