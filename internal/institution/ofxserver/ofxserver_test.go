package ofxserver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// TestDirectConnect runs the OFX door against the seeded demo bank, over
// real HTTP, with the Direct Connect client and with raw requests shaped
// like libofx's. The demo bank is seeded once per database; each scenario
// uses its own member (or its own server and clock on the same database),
// so they run in parallel. At the end, no text any response showed and no
// audit detail may hold a password, an answer or a code.
func TestDirectConnect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rec := newRecorder()
		b := seedDemo(t, db, rec)
		t.Run("scenarios", func(t *testing.T) {
			for _, sc := range []struct {
				name string
				run  func(*testing.T, *bank)
			}{
				{"alice downloads accounts and statements", testStatements},
				{"libofx requests", testLibofxRequests},
				{"wrong passwords lock every door", testLockout},
				{"unknown CLIENTUID", testClientUID},
				{"modern policy requires a CLIENTUID", testModernPolicy},
				{"profile", testProfile},
				{"another member's account", testOtherAccount},
				{"code step-up for bob", testCodeStepUp},
				{"questions step-up for erin", testQuestionsStepUp},
				{"image links", testImageLinks},
				{"a delegate sees the member's accounts", testDelegate},
				{"passwords to change, expired passwords", testPasswordStates},
				{"malformed requests", testMalformed},
			} {
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, b)
				})
			}
		})
		rec.checkNoSecrets(t, db)
	})
}

// testStatements: alice, without a CLIENTUID (an OFX 1.0.2 client is a
// known device), gets her account list and her checking statement in OFX
// 1.0.2 and 2.1.1, matching the bank's records.
func testStatements(t *testing.T, b *bank) {
	ctx := context.Background()
	chk := b.account(t, "alice", institution.Checking)
	for _, version := range []int{102, 211} {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			c := b.client(version, "")
			req := statementRequest(c.Signon("alice", demoPassword), checking(chk.Number), false)
			req.AccountInfo = &ofx.AccountInfoRequest{TrnUID: "acct-list", CltCookie: "3"}
			resp := do(t, c, req)
			wantSignon(t, resp, ofx.StatusSuccess)

			accts, err := institution.Accounts(ctx, b.db.Reader(), chk.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, a := range accts {
				if !a.Closed() {
					want = append(want, a.Number)
				}
			}
			ai := resp.AccountInfo
			if ai == nil || ai.Status.Code != 0 || ai.TrnUID != "acct-list" || ai.CltCookie != "3" {
				t.Fatalf("ACCTINFORS = %+v", ai)
			}
			var got []string
			for _, a := range ai.Accounts {
				got = append(got, a.Account.AcctID)
				card := a.Account.AcctType == ""
				if card != a.CreditCard || (!card && a.Account.BankID != "123456780") || !a.SupTxDl || a.XferSrc || a.XferDest || a.SvcStatus != "ACTIVE" {
					t.Errorf("account info %+v", a)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("accounts listed %v, want her open accounts %v", got, want)
			}

			st := resp.Statements[0]
			if st.Status.Code != 0 || st.TrnUID != req.Statements[0].TrnUID || st.CltCookie != "7" || st.CurDef != "USD" || st.Account.AcctID != chk.Number {
				t.Fatalf("STMTTRNRS = %+v", st)
			}
			now := b.clock.Now()
			acct, err := institution.AccountByNumber(ctx, b.db.Reader(), chk.Number)
			if err != nil {
				t.Fatal(err)
			}
			all, err := institution.Transactions(ctx, b.db.Reader(), acct.ID, institution.TransactionFilter{IncludePending: true})
			if err != nil {
				t.Fatal(err)
			}
			var pending int64
			var posted []*institution.Transaction
			from := now.AddDate(0, 0, -90)
			for _, tx := range all {
				switch {
				case tx.Status == institution.Pending:
					pending += tx.Amount
				case !tx.Date.Before(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)):
					posted = append(posted, tx)
				}
			}
			if st.LedgerBal.Amount != acct.Balance || st.AvailBal.Amount != acct.Balance+pending || !st.LedgerBal.DTAsOf.Equal(now) {
				t.Errorf("balances ledger %+v avail %+v; want %d and %d", st.LedgerBal, st.AvailBal, acct.Balance, acct.Balance+pending)
			}
			list := st.Transactions
			if list == nil || !list.DTEnd.Equal(now) || list.DTStart.Sub(from).Abs() > time.Second {
				t.Fatalf("BANKTRANLIST %+v, want the last 90 days", list)
			}
			if len(list.Transactions) != len(posted) || len(posted) == 0 {
				t.Fatalf("%d transactions, want the %d posted in the last 90 days", len(list.Transactions), len(posted))
			}
			checks := 0
			for i, got := range list.Transactions {
				w := posted[i]
				if got.FITID != w.FITID || got.Amount != w.Amount || got.DTPosted.Format("2006-01-02") != w.Date.Format("2006-01-02") || len([]rune(got.Name)) > 32 || got.Name == "" {
					t.Errorf("transaction %d = %+v, want %+v", i, got, w)
				}
				if w.CheckNumber != "" && w.Amount < 0 {
					checks++
					if got.TrnType != "CHECK" || got.CheckNum != w.CheckNumber {
						t.Errorf("check %s sent as %s %q", w.FITID, got.TrnType, got.CheckNum)
					}
				}
				if len(got.Images) > 0 {
					t.Errorf("transaction %s has images nobody asked for", got.FITID)
				}
			}
			t.Logf("%d transactions, %d checks, pending %d", len(posted), checks, pending)
		})
	}
}

// libofxStatement is the request libofx's ofxconnect -s sends (OFX 1.0.2,
// APPID QWIN 1400, no CLIENTUID, CLTCOOKIE 1).
const libofxStatement = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n" +
	"COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:20261123140000.000\r\n\r\n" +
	"<OFX>\r\n<SIGNONMSGSRQV1>\r\n<SONRQ>\r\n<DTCLIENT>20261123140000.000\r\n<USERID>alice\r\n<USERPASS>%s\r\n<LANGUAGE>ENG\r\n" +
	"<FI>\r\n<ORG>DEMOBANK\r\n<FID>9001\r\n</FI>\r\n<APPID>QWIN\r\n<APPVER>1400\r\n</SONRQ>\r\n</SIGNONMSGSRQV1>\r\n" +
	"<BANKMSGSRQV1>\r\n<STMTTRNRQ>\r\n<TRNUID>20261123140000.000\r\n<CLTCOOKIE>1\r\n<STMTRQ>\r\n<BANKACCTFROM>\r\n" +
	"<BANKID>123456780\r\n<ACCTID>%s\r\n<ACCTTYPE>CHECKING\r\n</BANKACCTFROM>\r\n<INCTRAN>\r\n<DTSTART>%s\r\n<INCLUDE>Y\r\n" +
	"</INCTRAN>\r\n</STMTRQ>\r\n</STMTTRNRQ>\r\n</BANKMSGSRQV1>\r\n</OFX>\r\n"

// libofxAccounts is ofxconnect -a's account list request.
const libofxAccounts = "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n" +
	"COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:20261123140000.000\r\n\r\n" +
	"<OFX>\r\n<SIGNONMSGSRQV1>\r\n<SONRQ>\r\n<DTCLIENT>20261123140000.000\r\n<USERID>alice\r\n<USERPASS>%s\r\n<LANGUAGE>ENG\r\n" +
	"<FI>\r\n<ORG>DEMOBANK\r\n<FID>9001\r\n</FI>\r\n<APPID>QWIN\r\n<APPVER>1400\r\n</SONRQ>\r\n</SIGNONMSGSRQV1>\r\n" +
	"<SIGNUPMSGSRQV1>\r\n<ACCTINFOTRNRQ>\r\n<TRNUID>20261123140000.000\r\n<CLTCOOKIE>1\r\n<ACCTINFORQ>\r\n<DTACCTUP>19700101\r\n" +
	"</ACCTINFORQ>\r\n</ACCTINFOTRNRQ>\r\n</SIGNUPMSGSRQV1>\r\n</OFX>\r\n"

// post sends body to the bank's /ofx as contentType and returns the reply.
func post(t *testing.T, b *bank, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+"/ofx", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := (&http.Client{Transport: b.rec}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

// testLibofxRequests: requests exactly as libofx writes them get OFX 1.0.2
// SGML back, with TRNUID and CLTCOOKIE echoed; an XML request sent as
// text/plain gets XML of its own version.
func testLibofxRequests(t *testing.T, b *bank) {
	ctx := context.Background()
	chk := b.account(t, "alice", institution.Checking)
	since := b.clock.Now().AddDate(0, 0, -30)
	t.Run("statement", func(t *testing.T) {
		resp, body := post(t, b, "application/x-ofx", fmt.Sprintf(libofxStatement, demoPassword, chk.Number, since.Format("20060102")))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ofx" {
			t.Fatalf("HTTP %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if !bytes.HasPrefix(body, []byte("OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n")) || !bytes.Contains(body, []byte("NEWFILEUID:20261123140000.000\r\n")) {
			t.Errorf("not an OFX 1.0.2 SGML response echoing NEWFILEUID: %.200s", body)
		}
		r := decode(t, body)
		wantSignon(t, r, 0)
		st := r.Statements[0]
		if st.TrnUID != "20261123140000.000" || st.CltCookie != "1" {
			t.Errorf("TRNUID %q CLTCOOKIE %q, want the request's", st.TrnUID, st.CltCookie)
		}
		posted, err := institution.Transactions(ctx, b.db.Reader(), chk.ID, institution.TransactionFilter{From: since})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Transactions.Transactions) != len(posted) {
			t.Errorf("%d transactions since %s, want %d", len(st.Transactions.Transactions), since.Format("2006-01-02"), len(posted))
		}
	})
	t.Run("account list", func(t *testing.T) {
		resp, body := post(t, b, "", fmt.Sprintf(libofxAccounts, demoPassword))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("HTTP %d: %s", resp.StatusCode, body)
		}
		r := decode(t, body)
		wantSignon(t, r, 0)
		if r.AccountInfo == nil || r.AccountInfo.CltCookie != "1" || len(r.AccountInfo.Accounts) != 3 {
			t.Errorf("ACCTINFORS = %+v, want alice's 3 accounts", r.AccountInfo)
		}
	})
	t.Run("XML as text/plain", func(t *testing.T) {
		c := b.client(211, "")
		req := statementRequest(c.Signon("alice", demoPassword), checking(chk.Number), false)
		var buf bytes.Buffer
		if err := ofx.WriteXML(&buf, ofx.NewDocument(211, req.Element())); err != nil {
			t.Fatal(err)
		}
		resp, body := post(t, b, "text/plain", buf.String())
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte(`<?xml version="1.0"`)) || !bytes.Contains(body, []byte(`VERSION="211"`)) {
			t.Fatalf("HTTP %d, want OFX 2.1.1 XML: %.300s", resp.StatusCode, body)
		}
		if i := bytes.IndexFunc(body, func(r rune) bool { return r > 127 }); i >= 0 {
			t.Errorf("the XML reply is not ASCII (Python's ofxparse cannot read it): %q", body[max(0, i-40):min(len(body), i+10)])
		}
		r := decode(t, body)
		wantSignon(t, r, 0)
		masked := false
		for _, tr := range r.Statements[0].Transactions.Transactions {
			masked = masked || strings.Contains(tr.Memo+tr.Name, "****")
		}
		if !masked {
			t.Error("no masked card number (••••1234) came through as ****1234")
		}
	})
}

func decode(t *testing.T, body []byte) *ofx.Response {
	t.Helper()
	doc, err := ofx.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ofx.DecodeResponse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// testLockout: a wrong password is 15500 with no data; after three (some
// sent at once) the right one gets 15502 here and is refused by the member
// site's engine too.
func testLockout(t *testing.T, b *bank) {
	c := b.client(211, "")
	req := func(pw string) *ofx.Request {
		return &ofx.Request{Signon: c.Signon("dave", pw), AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}}
	}
	resp := do(t, c, req(wrongPass))
	wantSignon(t, resp, ofx.StatusSignonInvalid)
	if resp.AccountInfo != nil {
		t.Error("a refused signon got data")
	}
	var wg sync.WaitGroup
	codes := make([]int, 4)
	errs := make([]error, 4)
	for i := range codes {
		wg.Go(func() {
			r, err := c.Do(context.Background(), req(wrongPass))
			if err == nil {
				codes[i] = r.Signon.Status.Code
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, code := range codes {
		if errs[i] != nil || (code != ofx.StatusSignonInvalid && code != ofx.StatusLockout) {
			t.Errorf("parallel wrong password %d: status %d, err %v", i, code, errs[i])
		}
	}
	resp = do(t, c, req(demoPassword))
	wantSignon(t, resp, ofx.StatusLockout)
	if !strings.Contains(resp.Signon.Status.Message, b.app.Info.Phone) || resp.AccountInfo != nil {
		t.Errorf("lockout: %+v", resp)
	}
	_, err := b.app.Members.CheckPassword(context.Background(), "dave", demoPassword, auth.Meta{IP: "192.0.2.10", UserAgent: "Firefox"})
	if !errors.Is(err, auth.ErrPasswordBlocked) {
		t.Errorf("the member site's engine after the OFX lockout: %v, want ErrPasswordBlocked", err)
	}
}

// testClientUID: an unknown CLIENTUID is refused with 15510 and leaves one
// message for the member; trying again leaves no second one; once the
// member approves it the data is served.
func testClientUID(t *testing.T, b *bank) {
	const pendingText = "(Direct Connect)"
	c := b.client(211, "8C3A5C1E-0B7F-4D2A-9E51-3F2B1A0C9D77")
	req := func() *ofx.Request {
		return &ofx.Request{Signon: c.Signon("carol", demoPassword), AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}}
	}
	resp := do(t, c, req())
	wantSignon(t, resp, ofx.StatusClientUIDError)
	if !strings.Contains(resp.Signon.Status.Message, "Direct Connect: QWIN 2700") || resp.AccountInfo != nil {
		t.Errorf("first sight: %+v", resp.Signon.Status)
	}
	if n := b.messages(t, "carol", pendingText); n != 1 {
		t.Fatalf("%d device.pending messages after the first try, want 1", n)
	}
	resp = do(t, c, req())
	wantSignon(t, resp, ofx.StatusClientUIDError)
	if n := b.messages(t, "carol", pendingText); n != 1 {
		t.Errorf("%d device.pending messages after the second try, want still 1", n)
	}
	b.register(t, "carol")
	resp = do(t, c, req())
	wantSignon(t, resp, ofx.StatusSuccess)
	if resp.AccountInfo == nil || len(resp.AccountInfo.Accounts) != 2 {
		t.Errorf("after approval: %+v, want carol's two accounts", resp.AccountInfo)
	}
	other := b.client(211, "another-installation")
	resp = do(t, other, &ofx.Request{Signon: other.Signon("carol", demoPassword), AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}})
	wantSignon(t, resp, ofx.StatusClientUIDError)
	if n := b.messages(t, "carol", pendingText); n != 2 {
		t.Errorf("%d device.pending messages after a second program, want 2", n)
	}
}

// testModernPolicy: under the modern profile a signon without a CLIENTUID
// is refused, and the profile says a CLIENTUID is required.
func testModernPolicy(t *testing.T, b *bank) {
	m := b.another(t, policy.Modern())
	c := m.client(211, "")
	resp := do(t, c, &ofx.Request{Signon: c.Signon("alice", demoPassword), AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}})
	wantSignon(t, resp, ofx.StatusClientUIDError)
	if !strings.Contains(resp.Signon.Status.Message, "requires a registered CLIENTUID") || resp.AccountInfo != nil {
		t.Errorf("no CLIENTUID under the modern policy: %+v", resp)
	}
	prof, err := c.Profile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !prof.Profile.SignonInfos[0].ClientUIDReq {
		t.Error("the modern profile does not say CLIENTUIDREQ Y")
	}
}

// testProfile: the anonymous profile request needs no password and
// describes the message sets at this server's URL and the password rules;
// the anonymous user gets nothing else, and a signon for another bank is
// refused.
func testProfile(t *testing.T, b *bank) {
	ctx := context.Background()
	for _, version := range []int{102, 211} {
		c := b.client(version, "")
		resp, err := c.Profile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantSignon(t, resp, 0)
		p := resp.Profile
		url := b.srv.URL + "/ofx"
		if p == nil || p.Status.Code != 0 || p.URL != url || p.FIName != "Demo Community Bank" || p.City != "Washington" || p.State != "DC" {
			t.Fatalf("PROFRS = %+v", p)
		}
		for _, set := range []string{"SIGNONMSGSET", "SIGNUPMSGSET", "BANKMSGSET", "CREDITCARDMSGSET", "PROFMSGSET"} {
			e := p.MsgSetList.Find(set)
			if e == nil || len(e.All("URL")) != 1 || e.All("URL")[0].Value != url {
				t.Errorf("OFX %d profile: message set %s missing or not at %s", version, set, url)
			}
		}
		si := p.SignonInfos[0]
		mfa := version >= 203
		if si.Min != 6 || si.MFAChallengeSupt != mfa || si.MFAChallengeFirst || si.AuthTokenFirst || si.ClientUIDReq {
			t.Errorf("OFX %d SIGNONINFO = %+v", version, si)
		}
	}
	c := b.client(211, "")
	anon := statementRequest(c.Signon(directconnect.AnonymousUserID, directconnect.AnonymousUserID), checking(b.account(t, "alice", institution.Checking).Number), false)
	resp := do(t, c, anon)
	wantSignon(t, resp, ofx.StatusSignonInvalid)
	if len(resp.Statements) != 0 {
		t.Error("the anonymous user got a statement")
	}
	son := c.Signon("alice", demoPassword)
	son.FI = &ofx.FI{Org: "OTHERBANK", FID: "1"}
	resp = do(t, c, &ofx.Request{Signon: son, AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}})
	wantSignon(t, resp, ofx.StatusSignonInvalid)
	if !strings.Contains(resp.Signon.Status.Message, "ORG DEMOBANK and FID 9001") {
		t.Errorf("another bank's FI: %q", resp.Signon.Status.Message)
	}
}

// testOtherAccount: alice asking for bob's account, an account that does
// not exist, her checking as a card or at another routing number all get
// the same 2003 and nothing of the account.
func testOtherAccount(t *testing.T, b *bank) {
	c := b.client(211, "")
	son := c.Signon("alice", demoPassword)
	mine := b.account(t, "alice", institution.Checking).Number
	bobs := b.account(t, "bob", institution.Checking).Number
	req := &ofx.Request{Signon: son,
		Statements: []ofx.StatementRequest{
			{TrnUID: "bob", Account: checking(bobs), IncTran: &ofx.IncTran{Include: true}},
			{TrnUID: "none", Account: checking("9999999999"), IncTran: &ofx.IncTran{Include: true}},
			{TrnUID: "routing", Account: ofx.Account{BankID: "021000021", AcctID: mine, AcctType: "CHECKING"}},
		},
		CCStatements:  []ofx.StatementRequest{{TrnUID: "as-card", Account: ofx.Account{AcctID: mine}}},
		StatementEnds: []ofx.StatementEndRequest{{TrnUID: "bob-closing", Account: checking(bobs), IncImages: true}},
	}
	resp := do(t, c, req)
	wantSignon(t, resp, 0)
	var msgs []string
	for _, st := range append(resp.Statements, resp.CCStatements...) {
		if st.Status.Code != ofx.StatusAccountNotFound || st.Transactions != nil || st.LedgerBal != nil || st.Account.AcctID != "" {
			t.Errorf("%s: %+v, want 2003 and nothing else", st.TrnUID, st)
		}
		msgs = append(msgs, st.Status.Message)
	}
	if se := resp.StatementEnds[0]; se.Status.Code != ofx.StatusAccountNotFound || len(se.Closings) != 0 {
		t.Errorf("bob's closing information: %+v", se)
	}
	if len(slices.Compact(slices.Clone(msgs))) != 1 {
		t.Errorf("the refusals differ, telling accounts apart: %q", msgs)
	}
	bad := statementRequest(son, checking(mine), false)
	bad.Statements[0].IncTran = &ofx.IncTran{DTStart: b.clock.Now(), DTEnd: b.clock.Now().AddDate(0, -1, 0), Include: true}
	if st := do(t, c, bad).Statements[0]; st.Status.Code != ofx.StatusInvalidDate {
		t.Errorf("DTSTART after DTEND: %+v, want 2020", st.Status)
	}
}

// challengeRequest asks for the MFA challenge; the request also asks for
// the account list, which is withheld until the answers come.
func challengeRequest(c *directconnect.Client, son ofx.SignonRequest) *ofx.Request {
	return &ofx.Request{Signon: son, MFAChallenge: &ofx.MFAChallengeRequest{TrnUID: "mfa-1", CltCookie: "9", DTClient: son.DTClient},
		AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}}
}

func challenges(t *testing.T, resp *ofx.Response) []ofx.MFAChallenge {
	t.Helper()
	wantSignon(t, resp, 0)
	m := resp.MFAChallenge
	if m == nil || m.Status.Code != 0 || m.TrnUID != "mfa-1" || m.CltCookie != "9" || len(m.Challenges) == 0 {
		t.Fatalf("MFACHALLENGETRNRS = %+v", m)
	}
	if resp.AccountInfo == nil || resp.AccountInfo.Status.Code != ofx.StatusMFARequired || len(resp.AccountInfo.Accounts) != 0 {
		t.Errorf("data in the challenge round trip: %+v", resp.AccountInfo)
	}
	return m.Challenges
}

// testCodeStepUp: bob (High level: a code at every login, questions are no
// second factor) gets 3000, then a code by text as the challenge; a wrong
// code gets 3001 and the right one the statement, in the same request.
func testCodeStepUp(t *testing.T, b *bank) {
	bob := b.member(t, "bob")
	chk := b.account(t, "bob", institution.Checking)
	c := b.client(211, "")
	resp := do(t, c, statementRequest(c.Signon("bob", demoPassword), checking(chk.Number), false))
	wantSignon(t, resp, ofx.StatusMFARequired)
	if len(resp.Statements) != 0 || !strings.Contains(resp.Signon.Status.Message, "MFACHALLENGERQ") {
		t.Fatalf("3000 with %d statements, message %q", len(resp.Statements), resp.Signon.Status.Message)
	}

	chs := challenges(t, do(t, c, challengeRequest(c, c.Signon("bob", demoPassword))))
	if len(chs) != 1 || !strings.HasPrefix(chs[0].PhraseID, "PIN") || len(chs[0].PhraseID) > 32 {
		t.Fatalf("challenge %+v, want one code phrase", chs)
	}
	if want := "Code sent by text to the phone ending " + bob.Phones[0].Number[len(bob.Phones[0].Number)-4:]; chs[0].Label != want {
		t.Errorf("label %q, want %q", chs[0].Label, want)
	}
	code := b.latestCode(t, bob.Phones[0].Number, notify.SMS)
	wrong := code[:len(code)-1] + string('0'+(code[len(code)-1]-'0'+1)%10)

	answer := func(v string) *ofx.Response {
		son := c.Signon("bob", demoPassword)
		son.MFAAnswers = []ofx.MFAAnswer{{PhraseID: chs[0].PhraseID, Answer: v}}
		return do(t, c, statementRequest(son, checking(chk.Number), false))
	}
	// His questions are no second factor: right answers to one the member
	// site asked him do not pass the step-up.
	a, err := account.Get(context.Background(), b.db.Reader(), bob.SecurityAccountID)
	if err != nil {
		t.Fatal(err)
	}
	prompts, err := b.app.Members.AskQuestions(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	son := c.Signon("bob", demoPassword)
	son.MFAAnswers = []ofx.MFAAnswer{{PhraseID: string(prompts[0].ID), Answer: demoAnswers[string(prompts[0].ID)]}}
	resp = do(t, c, statementRequest(son, checking(chk.Number), false))
	wantSignon(t, resp, ofx.StatusMFAInvalid)
	if len(resp.Statements) != 0 {
		t.Fatal("bob passed his step-up with a security question")
	}

	resp = answer(wrong)
	wantSignon(t, resp, ofx.StatusMFAInvalid)
	if !strings.Contains(resp.Signon.Status.Message, "2 attempts left") || len(resp.Statements) != 0 {
		t.Errorf("wrong code: %+v", resp)
	}
	logins := func() int {
		evs, err := audit.List(context.Background(), b.db.Reader(), audit.Filter{Scope: bankapp.MemberRealm, Subject: subject(bob.SecurityAccountID), Action: "login.succeeded"})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := logins()
	resp = answer(code)
	wantSignon(t, resp, ofx.StatusSuccess)
	if st := resp.Statements[0]; st.Status.Code != 0 || st.Transactions == nil || st.LedgerBal.Amount != balance(t, b, chk.Number) {
		t.Errorf("statement after the right code: %+v", st)
	}
	if logins() != before+1 {
		t.Error("the sign-on that passed the step-up was not recorded as a login")
	}
	resp = answer(code)
	wantSignon(t, resp, ofx.StatusMFAInvalid)
}

func balance(t *testing.T, b *bank, number string) int64 {
	t.Helper()
	a, err := institution.AccountByNumber(context.Background(), b.db.Reader(), number)
	if err != nil {
		t.Fatal(err)
	}
	return a.Balance
}

// testQuestionsStepUp: erin allows sign-in only from the US and only from a
// registered computer. Her approved program is that computer; the bank
// cannot place the address, so she is stepped up: her question and the
// policy's machine phrases. A wrong clock is refused without costing her an
// attempt; the right answers serve the data; three wrong answers block the
// questions, and the next challenge is a code to her phone.
func testQuestionsStepUp(t *testing.T, b *bank) {
	ctx := context.Background()
	p := policy.Seed()
	p.OFXMachinePhrases = []string{"MFA101", "MFA107"}
	e := b.another(t, p)
	erin := e.member(t, "erin")
	const mobile = "+12025550151"
	if _, err := phone.Add(ctx, e.db.Writer(), e.app.Phones, erin.SecurityAccountID,
		phone.New{Number: mobile, Kind: phone.Mobile, Role: phone.Primary, Label: "Mobile"}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	accountList := func(son ofx.SignonRequest) *ofx.Request {
		return &ofx.Request{Signon: son, AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}}
	}
	anyPC := e.client(102, "")
	resp := do(t, anyPC, accountList(anyPC.Signon("erin", demoPassword)))
	wantSignon(t, resp, ofx.StatusContactFI)
	if !strings.Contains(resp.Signon.Status.Message, "only from computers you have registered") {
		t.Errorf("erin without a registered program: %q", resp.Signon.Status.Message)
	}
	c := e.client(211, "ERIN-DESKTOP-0001")
	wantSignon(t, do(t, c, accountList(c.Signon("erin", demoPassword))), ofx.StatusClientUIDError)
	e.register(t, "erin")
	wantSignon(t, do(t, c, accountList(c.Signon("erin", demoPassword))), ofx.StatusMFARequired)

	ask := func() []ofx.MFAChallenge {
		t.Helper()
		return challenges(t, do(t, c, challengeRequest(c, c.Signon("erin", demoPassword))))
	}
	answer := func(chs []ofx.MFAChallenge, person func(ofx.MFAChallenge) string, clock time.Time) *ofx.Response {
		t.Helper()
		son := c.Signon("erin", demoPassword)
		at := *c
		at.Now = func() time.Time { return clock }
		son.MFAAnswers = at.MachineAnswers(chs, directconnect.MachineInfo{UserAgent: "QWIN 2700"})
		for _, ch := range chs {
			if !ofx.MFAPhraseMachine(ch.PhraseID) {
				son.MFAAnswers = append(son.MFAAnswers, ofx.MFAAnswer{PhraseID: ch.PhraseID, Answer: person(ch)})
			}
		}
		return do(t, c, accountList(son))
	}
	right := func(ch ofx.MFAChallenge) string { return demoAnswers[ch.PhraseID] }

	chs := ask()
	var ids []string
	for _, ch := range chs {
		ids = append(ids, ch.PhraseID)
	}
	if len(chs) != 3 || demoAnswers[chs[0].PhraseID] == "" || chs[0].Label == "" || ids[1] != "MFA101" || ids[2] != "MFA107" {
		t.Fatalf("challenge %+v, want one of her questions and MFA101, MFA107", chs)
	}
	resp = answer(chs, right, e.clock.Now().Add(time.Hour))
	wantSignon(t, resp, ofx.StatusMFAInvalid)
	if !strings.Contains(resp.Signon.Status.Message, "MFA101") {
		t.Errorf("clock an hour off: %q", resp.Signon.Status.Message)
	}
	resp = answer(chs, right, e.clock.Now())
	wantSignon(t, resp, ofx.StatusSuccess)
	if resp.AccountInfo == nil || len(resp.AccountInfo.Accounts) != 3 {
		t.Fatalf("after the right answers: %+v", resp.AccountInfo)
	}

	wantSignon(t, do(t, c, accountList(c.Signon("erin", demoPassword))), ofx.StatusMFARequired)
	for i, want := range []string{"2 attempts left", "1 attempt left", "blocked"} {
		chs := ask()
		if demoAnswers[chs[0].PhraseID] == "" {
			t.Fatalf("round %d: challenge %+v, want a question", i+1, chs)
		}
		resp := answer(chs, func(ofx.MFAChallenge) string { return "violet" }, e.clock.Now())
		wantSignon(t, resp, ofx.StatusMFAInvalid)
		if !strings.Contains(resp.Signon.Status.Message, want) {
			t.Errorf("wrong answer %d: %q, want it to say %q", i+1, resp.Signon.Status.Message, want)
		}
	}
	chs = ask()
	if !strings.HasPrefix(chs[0].PhraseID, "PIN") || !strings.HasSuffix(chs[0].Label, "ending 0151") {
		t.Fatalf("after the questions were blocked: %+v, want a code to her phone", chs)
	}
	code := e.latestCode(t, mobile, notify.SMS)
	resp = answer(chs, func(ofx.MFAChallenge) string { return code }, e.clock.Now())
	wantSignon(t, resp, ofx.StatusSuccess)
	if resp.AccountInfo == nil || len(resp.AccountInfo.Accounts) != 3 {
		t.Errorf("after the code: %+v", resp.AccountInfo)
	}
}

// testImageLinks: an OFX 2.1.1 statement asking for images links each paid
// check's front and back, and the closing information links each statement
// PDF; the links open the images, not after five minutes, not when
// tampered with, and OFX 1.0.2 gets none.
func testImageLinks(t *testing.T, b *bank) {
	ctx := context.Background()
	i := b.another(t, policy.Policy{})
	chk := i.account(t, "alice", institution.Checking)
	c := i.client(211, "")
	req := statementRequest(c.Signon("alice", demoPassword), checking(chk.Number), true)
	req.Statements[0].IncTran.DTStart = i.clock.Now().AddDate(-1, -1, 0)
	resp := do(t, c, req)
	wantSignon(t, resp, 0)
	var check *ofx.Transaction
	for _, tr := range resp.Statements[0].Transactions.Transactions {
		if tr.CheckNum != "" {
			check = &tr
			break
		}
	}
	if check == nil {
		t.Fatal("alice paid no check in the last 13 months")
	}
	if len(check.Images) != 2 || check.Images[0].CheckSup != "FRONTONLY" || check.Images[1].CheckSup != "BACKONLY" {
		t.Fatalf("check %s images %+v, want the front and the back", check.FITID, check.Images)
	}
	for _, img := range check.Images {
		if img.ImageType != "TRANSACTION" || img.ImageRefType != "URL" || !img.DTImageAvail.Equal(i.clock.Now()) || !strings.HasPrefix(img.ImageRef, i.srv.URL+"/ofx/images/") {
			t.Errorf("IMAGEDATA %+v", img)
		}
		wantImage(t, i, img.ImageRef, http.StatusOK, "image/png", "\x89PNG")
	}

	ends := &ofx.Request{Signon: c.Signon("alice", demoPassword), StatementEnds: []ofx.StatementEndRequest{{TrnUID: "e1", Account: checking(chk.Number), IncImages: true}}}
	se := do(t, c, ends).StatementEnds[0]
	sts, err := institution.Statements(ctx, i.db.Reader(), chk.ID, i.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if se.Status.Code != 0 || len(se.Closings) != len(sts) || len(sts) == 0 {
		t.Fatalf("STMTENDRS %+v, want her %d statements", se, len(sts))
	}
	for k, cl := range se.Closings {
		if cl.BalClose != sts[k].Closing || *cl.BalOpen != sts[k].Opening || cl.Image == nil || cl.Image.ImageType != "STATEMENT" {
			t.Errorf("closing %d = %+v, want statement %+v with its image", k, cl, sts[k])
		}
	}
	wantImage(t, i, se.Closings[0].Image.ImageRef, http.StatusOK, "application/pdf", "%PDF")

	old := i.client(102, "")
	for _, tr := range do(t, old, req).Statements[0].Transactions.Transactions {
		if len(tr.Images) > 0 {
			t.Fatalf("an OFX 1.0.2 response carries IMAGEDATA: %+v", tr)
		}
	}

	ref := check.Images[0].ImageRef
	k := len(ref) - 10
	tampered := ref[:k] + string("AB"[(ref[k]-'A'+1)%2]) + ref[k+1:]
	if tampered == ref {
		tampered = ref[:k] + "C" + ref[k+1:]
	}
	wantImage(t, i, tampered, http.StatusNotFound, "text/plain", "Not found")
	wantImage(t, i, i.srv.URL+"/ofx/images/not-a-token", http.StatusNotFound, "text/plain", "Not found")
	i.clock.Advance(5*time.Minute + time.Second)
	wantImage(t, i, ref, http.StatusGone, "text/plain", "This link has expired")
}

func wantImage(t *testing.T, b *bank, url string, status int, contentType, prefix string) {
	t.Helper()
	resp, err := (&http.Client{Transport: b.rec}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status || !strings.HasPrefix(resp.Header.Get("Content-Type"), contentType) || !bytes.HasPrefix(body, []byte(prefix)) {
		t.Errorf("GET image: HTTP %d %s %.20q, want %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body, status, contentType, prefix)
	}
}

// testDelegate: alice's accountant signs on with credentials of their own
// and gets alice's account list, until she removes the access.
func testDelegate(t *testing.T, b *bank) {
	ctx := context.Background()
	alice := b.member(t, "alice")
	a, err := account.Create(ctx, b.db.Writer(), bankapp.MemberRealm, "alice-accountant", b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := b.app.Members.ChangePassword(ctx, a.ID, demoPassword, password.Personal{}, auth.Meta{}); err != nil || len(problems) > 0 {
		t.Fatalf("delegate password: %v %v", problems, err)
	}
	d := &institution.Delegate{MemberID: alice.MemberID, SecurityAccountID: a.ID, Name: "Archer & Co CPAs"}
	if err := institution.AddDelegate(ctx, b.db.Writer(), d, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	c := b.client(211, "")
	req := &ofx.Request{Signon: c.Signon("alice-accountant", demoPassword), AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}}
	resp := do(t, c, req)
	wantSignon(t, resp, 0)
	if resp.AccountInfo == nil || len(resp.AccountInfo.Accounts) != 3 {
		t.Errorf("the delegate's account list: %+v, want alice's 3 accounts", resp.AccountInfo)
	}
	if err := institution.RevokeDelegate(ctx, b.db.Writer(), alice.MemberID, d.ID, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	resp = do(t, c, req)
	wantSignon(t, resp, ofx.StatusContactFI)
	if resp.AccountInfo != nil {
		t.Error("a revoked delegate got the account list")
	}
}

// testPasswordStates: a temporary password must be changed on the member
// site (15000: OFX cannot change it here); an expired password is 15511
// with the number to call.
func testPasswordStates(t *testing.T, b *bank) {
	ctx := context.Background()
	a, err := account.Create(ctx, b.db.Writer(), bankapp.MemberRealm, "newcomer", b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	temp, _, err := b.app.Members.IssueTemporaryPassword(ctx, a.ID, "staff:1", temppass.Facts{}, true, auth.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	b.rec.secret(temp)
	c := b.client(211, "")
	resp := do(t, c, &ofx.Request{Signon: c.Signon("newcomer", temp), AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}})
	wantSignon(t, resp, ofx.StatusMustChangePass)
	if !strings.Contains(resp.Signon.Status.Message, "online banking") || resp.AccountInfo != nil {
		t.Errorf("temporary password: %+v", resp)
	}

	later := b.another(t, policy.Policy{})
	later.clock.Advance(91 * 24 * time.Hour)
	c = later.client(211, "")
	resp = do(t, c, &ofx.Request{Signon: c.Signon("carol", demoPassword), AccountInfo: &ofx.AccountInfoRequest{TrnUID: "1"}})
	wantSignon(t, resp, ofx.StatusContactFI)
	if msg := resp.Signon.Status.Message; !strings.Contains(msg, "expired") || !strings.Contains(msg, later.app.Info.Phone) {
		t.Errorf("expired password: %q", msg)
	}
}

// testMalformed: what is not an OFX request gets a plain-text error that
// says where, without the password it may contain.
func testMalformed(t *testing.T, b *bank) {
	broken := "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX>\r\n<SIGNONMSGSRQV1>\r\n<SONRQ>" + demoPassword + "\r\n<USERPASS>" + demoPassword + "\r\n</SONRQ>\r\n</OFX>\r\n"
	resp, body := post(t, b, "application/x-ofx", broken)
	if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || !strings.Contains(string(body), "line 7") {
		t.Errorf("broken SGML: HTTP %d %q", resp.StatusCode, body)
	}
	if strings.Contains(string(body), demoPassword) {
		t.Errorf("the error shows the password: %q", body)
	}
	resp, body = post(t, b, "application/x-ofx", "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>yesterday</SONRQ></SIGNONMSGSRQV1></OFX>")
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "<SONRQ/DTCLIENT>") {
		t.Errorf("bad DTCLIENT: HTTP %d %q", resp.StatusCode, body)
	}
	resp, _ = post(t, b, "multipart/form-data; boundary=x", libofxAccounts)
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a form: HTTP %d, want 415", resp.StatusCode)
	}
	resp, _ = post(t, b, "application/x-ofx", strings.Repeat("<OFX>", 1<<18))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1.25 MiB: HTTP %d, want 413", resp.StatusCode)
	}
	get, err := http.Get(b.srv.URL + "/ofx")
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if get.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /ofx: HTTP %d, want 405", get.StatusCode)
	}
}
