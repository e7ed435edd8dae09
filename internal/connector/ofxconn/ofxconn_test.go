package ofxconn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/ofxconn"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/institution/demobanktest"
	"github.com/ledgersync/ledgersync/internal/institution/ofxserver"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// TestDemoBank signs on to the real demo bank, in process, over HTTP: each
// scenario uses its own member, so they run in parallel on one bank per
// database.
func TestDemoBank(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDemo(t, demobanktest.Start(t, db))
		var aliceDevice []byte
		t.Run("members", func(t *testing.T) {
			for _, sc := range []struct {
				name string
				run  func(*testing.T, *demo)
			}{
				{"alice approves the program and downloads", func(t *testing.T, d *demo) { aliceDevice = testAlice(t, d) }},
				{"bob answers a texted code", testBobAttended},
				{"erin approves, then answers a question", testErin},
				{"dave's closed savings", testDave},
				{"carol's wrong passwords", testWrongPasswords},
			} {
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					sc.run(t, d)
				})
			}
		})
		// Last, because it moves the bank's clock that the others share.
		t.Run("image links expire", func(t *testing.T) {
			if aliceDevice == nil {
				t.Skip("alice did not sign in")
			}
			testLinksExpire(t, d, aliceDevice)
		})
	})
}

// testAlice: the bank does not know the new CLIENTUID, so the first sign-in
// is an Approve challenge; answered before the member approves, it comes
// back rejected; approved, the session reads her accounts, transactions,
// statements and a check exactly as the bank has them; the device state
// then signs her in with no challenge, as the same program.
func testAlice(t *testing.T, d *demo) []byte {
	ctx := context.Background()
	l := d.login("alice", true, nil)
	step, err := d.conn.Login(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	ch := wantChallenge(t, step, connector.Approve)
	if !strings.Contains(ch.Prompt, "approve") || ch.Rejected {
		t.Errorf("Approve prompt %q (rejected %v), want the bank's words on approving the program", ch.Prompt, ch.Rejected)
	}
	if progs := d.programs(t, "alice"); len(progs) != 1 || progs[0].Registered || progs[0].Label != "Direct Connect: QWIN 2700" {
		t.Fatalf("alice's Direct Connect programs at the bank: %s, want one waiting for approval", showPrograms(progs))
	}
	step, err = d.conn.Answer(ctx, l, ch, connector.Answer{})
	if err != nil {
		t.Fatal(err)
	}
	if again := wantChallenge(t, step, connector.Approve); !again.Rejected {
		t.Error("answering Approve before the member approved: not marked rejected")
	}
	d.approve(t, "alice")
	step, err = d.conn.Answer(ctx, l, step.Challenge, connector.Answer{})
	if err != nil {
		t.Fatal(err)
	}
	if step.Session == nil {
		t.Fatalf("after approval: %s, want a session", show(step.Challenge))
	}
	s := step.Session
	defer s.Close(ctx)

	now := d.b.Clock.Now()
	member := d.b.Member(t, "alice")
	bankAccts, err := institution.Accounts(ctx, d.b.DB.Reader(), member.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) != 3 {
		t.Fatalf("%d accounts, want alice's 3", len(accts))
	}
	wantType := map[institution.AccountType]connector.AccountType{
		institution.Checking: connector.Checking, institution.Savings: connector.Savings, institution.CreditCard: connector.CreditCard,
	}
	for _, ba := range bankAccts {
		a := findAccount(t, accts, ba.Number)
		pending := pendingSum(t, d, ba.ID)
		wantAvail := ba.Balance + pending
		if ba.Type == institution.CreditCard {
			wantAvail += ba.CreditLimit
		}
		if a.Balance != ba.Balance || !a.HasAvailable || a.Available != wantAvail || a.Currency != ba.Currency ||
			a.Type != wantType[ba.Type] || a.Mask != ba.Number[len(ba.Number)-4:] || a.Closed || !a.BalanceAt.Equal(now) || a.Ref == "" {
			t.Errorf("account %s: balance %d, available %d (%v), %s %s, as of %s, closed %v; want balance %d, available %d, %s %s, as of %s", a.Mask, a.Balance, a.Available, a.HasAvailable, a.Currency, a.Type, a.BalanceAt, a.Closed, ba.Balance, wantAvail, ba.Currency, ba.Type, now)
		}
		wantDownloads(t, d, s, a, ba)
	}
	chk := d.account(t, "alice", institution.Checking)
	acct := findAccount(t, accts, chk.Number)

	// A check's image, over a year of history.
	year, err := s.Transactions(ctx, acct, now.AddDate(-1, -1, 0), now)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(year, func(tr connector.Transaction) bool { return len(tr.Checks) > 0 })
	if i < 0 {
		t.Fatal("no check with images in alice's last 13 months")
	}
	checks := year[i].Checks
	if len(checks) != 2 || checks[0].Side != connector.Front || checks[1].Side != connector.Back {
		t.Fatalf("check %s has %d images, want the front then the back", year[i].ID, len(checks))
	}
	for _, c := range checks {
		png, err := s.CheckImage(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("the %s of check %s is not a PNG: %.8q", c.Side, year[i].CheckNumber, png)
		}
	}

	sts, err := s.Statements(ctx, acct)
	if err != nil || len(sts) == 0 {
		t.Fatalf("%d statements, %v", len(sts), err)
	}
	pdf, err := s.StatementPDF(ctx, sts[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("statement %s is not a PDF: %.8q", sts[0].ID, pdf)
	}

	dev := s.Device()
	var state struct {
		ClientUID string `json:"clientuid"`
		Approved  bool   `json:"approved"`
	}
	if err := json.Unmarshal(dev, &state); err != nil || state.ClientUID == "" || !state.Approved {
		t.Fatalf("device state %s (%v), want an approved CLIENTUID", dev, err)
	}
	// Unattended, with the saved device: no challenge at all.
	step, err = d.conn.Login(ctx, d.login("alice", false, dev))
	if err != nil {
		t.Fatal(err)
	}
	if step.Session == nil {
		t.Fatalf("second sign-in with the saved device: %s, want a session", show(step.Challenge))
	}
	if again := step.Session.Device(); !bytes.Equal(again, dev) {
		t.Errorf("device state changed from %s to %s", dev, again)
	}
	if progs := d.programs(t, "alice"); len(progs) != 1 || !progs[0].Registered {
		t.Errorf("alice's Direct Connect programs after two sign-ins: %s, want the one she approved", showPrograms(progs))
	}
	if _, err := step.Session.Accounts(ctx); err != nil {
		t.Errorf("accounts in the second session: %v", err)
	}
	return dev
}

// wantDownloads compares the account's last 60 days of transactions and
// its statements with the bank's records.
func wantDownloads(t *testing.T, d *demo, s connector.Session, acct connector.Account, ba *institution.Account) {
	t.Helper()
	ctx := context.Background()
	now := d.b.Clock.Now()
	since := now.AddDate(0, 0, -60)
	got, err := s.Transactions(ctx, acct, since, now)
	if err != nil {
		t.Fatal(err)
	}
	want, err := institution.Transactions(ctx, d.b.DB.Reader(), ba.ID, institution.TransactionFilter{From: since, To: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("%s: %d transactions since %s, want the bank's %d", ba.Type, len(got), since.Format(time.DateOnly), len(want))
	}
	for i, w := range want {
		g := got[i]
		wantCheck := ""
		if w.CheckNumber != "" && w.Amount < 0 {
			wantCheck = w.CheckNumber
		}
		if g.ID != w.FITID || g.Amount != w.Amount || !g.Date.Equal(w.Date) || g.CheckNumber != wantCheck || g.Pending || g.Currency != ba.Currency || g.Description == "" {
			t.Errorf("%s transaction %d = %s, %d on %s, check %q; want FITID %s, %d on %s, check %q", ba.Type, i, g.ID, g.Amount, g.Date.Format(time.DateOnly), g.CheckNumber, w.FITID, w.Amount, w.Date.Format(time.DateOnly), wantCheck)
		}
		if (wantCheck != "") != (len(g.Checks) == 2) {
			t.Errorf("%s transaction %s has %d check images", ba.Type, g.ID, len(g.Checks))
		}
	}

	sts, err := s.Statements(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	bankSts, err := institution.Statements(ctx, d.b.DB.Reader(), ba.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != len(bankSts) || len(sts) == 0 {
		t.Fatalf("%s: %d statements, want the bank's %d", ba.Type, len(sts), len(bankSts))
	}
	for k, st := range sts {
		b := bankSts[k]
		if st.ID != fmt.Sprintf("STMT-%d", b.ID) || !st.PeriodStart.Equal(b.PeriodStart) || !st.PeriodEnd.Equal(b.PeriodEnd) || st.Ref == "" {
			t.Errorf("%s statement %d = %s %s–%s, want STMT-%d %s–%s with a link", ba.Type, k, st.ID, st.PeriodStart.Format(time.DateOnly), st.PeriodEnd.Format(time.DateOnly),
				b.ID, b.PeriodStart.Format(time.DateOnly), b.PeriodEnd.Format(time.DateOnly))
		}
	}
}

func pendingSum(t *testing.T, d *demo, accountID int64) int64 {
	t.Helper()
	all, err := institution.Transactions(context.Background(), d.b.DB.Reader(), accountID, institution.TransactionFilter{IncludePending: true})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, tr := range all {
		if tr.Status == institution.Pending {
			sum += tr.Amount
		}
	}
	return sum
}

// testBobAttended: bob (security level High) is asked a second factor at
// every sign-on. Attended, the connector asks for the challenge, which
// texts him a code: a wrong code gets the same challenge back, rejected,
// without another text; the right one signs in. His session's next request
// meets the step-up again, and neither that nor an unattended sign-in makes
// the bank text him.
func testBobAttended(t *testing.T, d *demo) {
	ctx := context.Background()
	mobile := d.b.Member(t, "bob").Phones[0].Number
	sent := d.b.Sent(t, mobile)
	step := d.approvedLogin(t, "bob", true)
	ch := wantChallenge(t, step, connector.Code)
	if ch.Prompt != "Code sent by text to the phone ending "+mobile[len(mobile)-4:] || ch.Rejected {
		t.Errorf("code challenge %q (rejected %v)", ch.Prompt, ch.Rejected)
	}
	if n := d.b.Sent(t, mobile); n != sent+1 {
		t.Fatalf("%d texts to bob, want %d: one code", n, sent+1)
	}
	code := d.b.Code(t, mobile)
	d.secret(code)
	wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
	l := d.login("bob", true, nil)

	step, err := d.conn.Answer(ctx, l, ch, connector.Answer{Text: wrong})
	d.noSecret(t, err)
	if err != nil {
		t.Fatal(err)
	}
	again := wantChallenge(t, step, connector.Code)
	if !again.Rejected || !strings.Contains(again.Prompt, "not right") || !strings.HasSuffix(again.Prompt, ch.Prompt) {
		t.Errorf("after a wrong code: %q (rejected %v), want the same code asked again, rejected", again.Prompt, again.Rejected)
	}
	if n := d.b.Sent(t, mobile); n != sent+1 {
		t.Errorf("%d texts to bob after a wrong code, want still %d", n, sent+1)
	}
	if strings.Contains(again.Prompt, wrong) || strings.Contains(again.Prompt, code) {
		t.Error("the rejected challenge's prompt shows a code")
	}

	step, err = d.conn.Answer(ctx, l, again, connector.Answer{Text: code})
	d.noSecret(t, err)
	if err != nil {
		t.Fatal(err)
	}
	if step.Session == nil {
		t.Fatalf("after the right code: %s, want a session", show(step.Challenge))
	}
	_, err = step.Session.Accounts(ctx)
	d.noSecret(t, err)
	if !errors.Is(err, connector.ErrPersonNeeded) {
		t.Errorf("bob's next request: %v, want ErrPersonNeeded (a code at every sign-on)", err)
	}
	dev := step.Session.Device()
	_, err = d.conn.Login(ctx, d.login("bob", false, dev))
	d.noSecret(t, err)
	if !errors.Is(err, connector.ErrPersonNeeded) {
		t.Errorf("bob unattended: %v, want ErrPersonNeeded", err)
	}
	if n := d.b.Sent(t, mobile); n != sent+1 {
		t.Errorf("%d texts to bob after his unattended sign-in, want still %d", n, sent+1)
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// testErin: erin allows sign-ins from the US only and from a registered
// computer. Her approved program is that computer, but the bank cannot
// place a loopback address, so it asks one of her security questions; a
// wrong answer gets a new question, rejected; the right one signs in.
func testErin(t *testing.T, d *demo) {
	ctx := context.Background()
	answers := map[string]string{}
	for _, a := range d.b.Demo.Answers {
		answers[string(a.QuestionID)] = a.Answer
	}
	step := d.approvedLogin(t, "erin", true)
	ch := wantChallenge(t, step, connector.Question)
	if len(ch.Questions) != 1 || answers[ch.Questions[0].ID] == "" || ch.Questions[0].Prompt == "" || ch.Prompt != ch.Questions[0].Prompt {
		t.Fatalf("%s, want one of erin's questions", show(ch))
	}
	l := d.login("erin", true, nil)
	step, err := d.conn.Answer(ctx, l, ch, connector.Answer{Answers: map[string]string{ch.Questions[0].ID: "violet"}})
	d.noSecret(t, err)
	if err != nil {
		t.Fatal(err)
	}
	again := wantChallenge(t, step, connector.Question)
	if !again.Rejected || len(again.Questions) != 1 || answers[again.Questions[0].ID] == "" || !strings.Contains(again.Prompt, "not right") {
		t.Fatalf("after a wrong answer: %s, want a question again, rejected", show(again))
	}
	step, err = d.conn.Answer(ctx, l, again, connector.Answer{Text: answers[again.Questions[0].ID]})
	d.noSecret(t, err)
	if err != nil {
		t.Fatal(err)
	}
	if step.Session == nil {
		t.Fatalf("after the right answer: %s, want a session", show(step.Challenge))
	}
	// Unattended, the same step-up is a person needed, and no question is
	// asked (asking would rotate her question for nothing).
	_, err = d.conn.Login(ctx, d.login("erin", false, step.Session.Device()))
	if !errors.Is(err, connector.ErrPersonNeeded) {
		t.Errorf("erin unattended: %v, want ErrPersonNeeded", err)
	}
}

// testDave: dave closed his savings last month. The bank's account list
// (ACCTINFORS) holds open accounts only, so the session lists his checking
// alone, open, and never the closed savings as an open account.
func testDave(t *testing.T, d *demo) {
	ctx := context.Background()
	s := d.session(t, "dave")
	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var closed, open []string
	for _, a := range d.b.Member(t, "dave").Accounts {
		if a.Closed {
			closed = append(closed, a.Number)
		} else {
			open = append(open, a.Number)
		}
	}
	if len(closed) != 1 {
		t.Fatalf("dave has %d closed accounts, want 1", len(closed))
	}
	var listed []string
	for _, a := range accts {
		listed = append(listed, a.ID)
		if a.Closed {
			t.Errorf("account %s listed as closed: the bank lists open accounts only", a.Mask)
		}
	}
	if !slices.Equal(listed, open) || slices.Contains(listed, closed[0]) {
		t.Errorf("dave's accounts %v, want his open ones %v and not the closed savings", listed, open)
	}
}

// testWrongPasswords: a wrong password is ErrInvalidCredentials; after three
// the bank locks the password, and the right one is ErrLocked. No error
// shows either password.
func testWrongPasswords(t *testing.T, d *demo) {
	ctx := context.Background()
	wrong := d.login("carol", true, nil)
	wrong.Credentials.Password = wrongPass
	_, err := d.conn.Login(ctx, wrong)
	d.noSecret(t, err)
	if !errors.Is(err, connector.ErrInvalidCredentials) {
		t.Fatalf("a wrong password: %v, want ErrInvalidCredentials", err)
	}
	for range 2 {
		_, err := d.conn.Login(ctx, wrong)
		d.noSecret(t, err)
		if !errors.Is(err, connector.ErrInvalidCredentials) && !errors.Is(err, connector.ErrLocked) {
			t.Fatalf("another wrong password: %v", err)
		}
	}
	_, err = d.conn.Login(ctx, d.login("carol", true, nil))
	d.noSecret(t, err)
	if !errors.Is(err, connector.ErrLocked) {
		t.Fatalf("the right password after three wrong ones: %v, want ErrLocked", err)
	}
	if progs := d.programs(t, "carol"); len(progs) != 0 {
		t.Errorf("refused sign-ins left %d programs at the bank", len(progs))
	}
}

// testLinksExpire: image links work for five minutes; after that the
// download says the link expired (and how to get a fresh one) without
// quoting it, and listing again gives working links.
func testLinksExpire(t *testing.T, d *demo, dev []byte) {
	ctx := context.Background()
	step, err := d.conn.Login(ctx, d.login("alice", false, dev))
	if err != nil || step.Session == nil {
		t.Fatalf("alice with her device: %s, %v", show(step.Challenge), err)
	}
	s := step.Session
	accts, err := s.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acct := findAccount(t, accts, d.account(t, "alice", institution.Checking).Number)
	sts, err := s.Statements(ctx, acct)
	if err != nil || len(sts) == 0 {
		t.Fatalf("statements: %d, %v", len(sts), err)
	}
	d.b.Clock.Advance(5*time.Minute + time.Second)
	_, err = s.StatementPDF(ctx, sts[0])
	if err == nil || !strings.Contains(err.Error(), "expired") || strings.Contains(err.Error(), "/ofx/images/") {
		t.Fatalf("an expired link: %v, want an error saying it expired, without the link", err)
	}
	sts, err = s.Statements(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.StatementPDF(ctx, sts[0]); err != nil {
		t.Errorf("a fresh link: %v", err)
	}
}

// TestStatuses: a signon status becomes the connector's error, with the
// bank's message quoted but the password and username removed when the
// bank repeats them.
func TestStatuses(t *testing.T) {
	t.Parallel()
	const password = "S3cret-Pass!"
	for _, tc := range []struct {
		code  int
		check func(error) bool
		want  string
	}{
		{ofx.StatusSignonInvalid, is(connector.ErrInvalidCredentials), "ErrInvalidCredentials"},
		{ofx.StatusLockout, is(connector.ErrLocked), "ErrLocked"},
		{ofx.StatusMustChangePass, is(connector.ErrPasswordChange), "ErrPasswordChange"},
		{ofx.StatusContactFI, is(connector.ErrBlocked), "ErrBlocked"},
		{ofx.StatusAuthTokenRequired, is(connector.ErrBlocked), "ErrBlocked"},
		{ofx.StatusGeneralError, isDown, "*DownError"},
		{ofx.StatusAccountInUse, isDown, "*DownError"},
		{ofx.StatusUnsupportedVersion, func(err error) bool { return err != nil && !isDown(err) && strings.Contains(err.Error(), "2021") }, "an error naming status 2021"},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			t.Parallel()
			s := newStub(t, tc.code, "Your password "+password+" for user someone-42 is not accepted. Call us.")
			conn := ofxconn.New(ofxconn.Options{})
			_, err := conn.Login(context.Background(), stubLogin(s, password, true))
			if !tc.check(err) {
				t.Fatalf("status %d: %v, want %s", tc.code, err, tc.want)
			}
			if msg := err.Error(); strings.Contains(msg, password) || strings.Contains(msg, "someone-42") || !strings.Contains(msg, "Call us.") {
				t.Errorf("status %d: %q, want the bank's message without the password or username", tc.code, strings.ReplaceAll(msg, password, "<PASSWORD>"))
			}
		})
	}
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func stubLogin(s *stub, password string, attended bool) connector.Login {
	return connector.Login{
		Institution: connector.Institution{Name: "Stub Bank", Kind: connector.OFX, OFXURL: s.srv.URL + "/ofx", OFXOrg: "STUB", OFXFID: "1"},
		Credentials: connector.Credentials{Username: "someone-42", Password: password}, Attended: attended,
	}
}

// TestUnattendedAsksNoChallenge: a 3000 unattended is ErrPersonNeeded, and
// the connector never asked the bank for the challenge (which could text a
// code); attended, it asks.
func TestUnattendedAsksNoChallenge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		attended       bool
		wantChallenges int
	}{{false, 0}, {true, 1}} {
		t.Run(fmt.Sprintf("attended=%v", tc.attended), func(t *testing.T) {
			t.Parallel()
			s := newStub(t, ofx.StatusMFARequired, "")
			_, err := ofxconn.New(ofxconn.Options{}).Login(context.Background(), stubLogin(s, "S3cret-Pass!", tc.attended))
			if !tc.attended && !errors.Is(err, connector.ErrPersonNeeded) {
				t.Errorf("unattended 3000: %v, want ErrPersonNeeded", err)
			}
			if tc.attended && err == nil {
				t.Error("attended, a bank that answers every request with 3000 signed in")
			}
			if _, challenges := s.counts(); challenges != tc.wantChallenges {
				t.Errorf("%d MFA challenges asked, want %d", challenges, tc.wantChallenges)
			}
		})
	}
}

// TestDown: a bank that is unreachable, failing or answering with a page
// that is not OFX is a *connector.DownError, which the engine retries.
func TestDown(t *testing.T) {
	t.Parallel()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for _, tc := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"HTTP 503", func(t *testing.T) string {
			return serve(t, func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "Down for maintenance", http.StatusServiceUnavailable)
			})
		}},
		{"a maintenance page with 200", func(t *testing.T) string {
			return serve(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<html><body>We'll be back soon.</body></html>"))
			})
		}},
		{"OFX status 2000", func(t *testing.T) string { return newStub(t, ofx.StatusGeneralError, "Try again later.").srv.URL }},
		{"nothing listening", func(*testing.T) string { return closedURL }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := connector.Login{
				Institution: connector.Institution{Name: "Stub Bank", Kind: connector.OFX, OFXURL: tc.url(t) + "/ofx", OFXOrg: "STUB", OFXFID: "1"},
				Credentials: connector.Credentials{Username: "someone", Password: "S3cret-Pass!"}, Attended: true,
			}
			_, err := ofxconn.New(ofxconn.Options{HTTP: &http.Client{Timeout: 10 * time.Second}}).Login(context.Background(), l)
			if !isDown(err) {
				t.Fatalf("%v, want a *connector.DownError", err)
			}
			if strings.Contains(err.Error(), "S3cret-Pass!") {
				t.Error("the error shows the password")
			}
		})
	}
}

func serve(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestAnswerRefusesWhatItCannotResume: an answer to a challenge this
// connector did not make is ErrChallengeExpired, and a missing answer is
// refused before the bank sees it (it would cost an attempt).
func TestAnswerRefusesWhatItCannotResume(t *testing.T) {
	t.Parallel()
	s := newStub(t, ofx.StatusSignonInvalid, "")
	conn := ofxconn.New(ofxconn.Options{})
	l := stubLogin(s, "S3cret-Pass!", true)
	for _, tc := range []struct {
		name  string
		state string
		a     connector.Answer
		want  error
	}{
		{"foreign state", `{"challenge_id":"x"}`, connector.Answer{Text: "1"}, connector.ErrChallengeExpired},
		{"not JSON", `nope`, connector.Answer{}, connector.ErrChallengeExpired},
		{"no answer to the question", `{"v":1,"kind":"mfa","device":{"v":1,"clientuid":"A-1"},"phrases":[{"id":"MFA5","label":"Favorite color"},{"id":"MFA101"}]}`,
			connector.Answer{Answers: map[string]string{"MFA6": "rex"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := conn.Answer(context.Background(), l, &connector.Challenge{State: []byte(tc.state)}, tc.a)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
		})
	}
	if requests, _ := s.counts(); requests != 0 {
		t.Errorf("%d requests reached the bank, want none", requests)
	}
}

// TestMachinePhrases: a bank whose policy asks the machine phrases MFA101
// (the program's date and time, within ten minutes of the bank's clock)
// and MFA107 (its user agent) with every challenge. The connector answers
// them itself: the person sees only the code. A connector whose clock is an
// hour off is refused with the bank's words about the clock.
func TestMachinePhrases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := policy.Seed()
		p.OFXMachinePhrases = []string{"MFA101", "MFA107"}
		app, clk := bankapptest.New(t, db, p)
		seeded, err := bankseed.Demo(ctx, db, app.Members, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		h, err := ofxserver.New(app)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/ofx", h)
		mux.Handle("/ofx/", h)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		d := newDemo(t, &demobanktest.Bank{DB: db, App: app, Clock: clk, Demo: seeded, Server: srv, Handler: mux})
		mobile := d.b.Member(t, "bob").Phones[0].Number

		step := d.approvedLogin(t, "bob", true)
		ch := wantChallenge(t, step, connector.Code)
		if strings.Contains(ch.Prompt, "MFA10") {
			t.Errorf("the person is asked a machine phrase: %q", ch.Prompt)
		}
		code := d.b.Code(t, mobile)
		d.secret(code)
		step, err = d.conn.Answer(ctx, d.login("bob", true, nil), ch, connector.Answer{Text: code})
		d.noSecret(t, err)
		if err != nil || step.Session == nil {
			t.Fatalf("the right code with the machine phrases answered: %s, %v", show(step.Challenge), err)
		}

		late := ofxconn.New(ofxconn.Options{Clock: clock.NewFake(clk.Now().Add(time.Hour))})
		l := d.login("bob", true, step.Session.Device())
		step, err = late.Login(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		ch = wantChallenge(t, step, connector.Code)
		code = d.b.Code(t, mobile)
		d.secret(code)
		step, err = late.Answer(ctx, l, ch, connector.Answer{Text: code})
		d.noSecret(t, err)
		if err != nil {
			t.Fatal(err)
		}
		if again := wantChallenge(t, step, connector.Code); !again.Rejected || !strings.Contains(again.Prompt, "clock") {
			t.Errorf("an hour off: %q (rejected %v), want the bank's words about the clock", again.Prompt, again.Rejected)
		}
	})
}
