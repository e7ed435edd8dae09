package ofxconn_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/ofxconn"
	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/demobanktest"
	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/security/device"
)

// wrongPass is a password no demo member has.
const wrongPass = "Wrong-pass-2026"

// demo is the demo bank with the connector under test.
type demo struct {
	b    *demobanktest.Bank
	conn *ofxconn.Connector
	// secrets are the passwords, answers and codes used so far: no error
	// may show one.
	mu      sync.Mutex
	secrets []string
}

func newDemo(t *testing.T, b *demobanktest.Bank) *demo {
	d := &demo{b: b, conn: ofxconn.New(ofxconn.Options{HTTP: &http.Client{Timeout: 30 * time.Second}, Clock: b.Clock})}
	d.secret(b.Demo.Password)
	d.secret(wrongPass)
	for _, a := range b.Demo.Answers {
		d.secret(a.Answer)
	}
	return d
}

func (d *demo) secret(s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.secrets = append(d.secrets, s)
}

// noSecret fails when err's text shows a password, an answer or a code.
func (d *demo) noSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.secrets {
		if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(s)) {
			t.Errorf("an error shows a secret (%d characters): %q", len(s), strings.ReplaceAll(err.Error(), s, "<SECRET>"))
		}
	}
}

func (d *demo) institution() connector.Institution {
	return connector.Institution{Name: "Demo Community Bank", Kind: connector.OFX, OFXURL: d.b.OFXURL(), OFXOrg: "DEMOBANK", OFXFID: "9001"}
}

// login is username's sign-in with the demo password.
func (d *demo) login(username string, attended bool, dev []byte) connector.Login {
	return connector.Login{
		Institution: d.institution(), Credentials: connector.Credentials{Username: username, Password: d.b.Demo.Password},
		Device: dev, Attended: attended,
	}
}

// approvedLogin signs username in for the first time: the bank does not
// know the new CLIENTUID (Approve), the member approves it, and the answer
// to the Approve challenge goes on. It returns that step.
func (d *demo) approvedLogin(t *testing.T, username string, attended bool) connector.Step {
	t.Helper()
	ctx := context.Background()
	l := d.login(username, attended, nil)
	step, err := d.conn.Login(ctx, l)
	d.noSecret(t, err)
	if err != nil {
		t.Fatalf("first sign-in of %s: %v", username, err)
	}
	ch := wantChallenge(t, step, connector.Approve)
	d.approve(t, username)
	step, err = d.conn.Answer(ctx, l, ch, connector.Answer{})
	d.noSecret(t, err)
	if err != nil {
		t.Fatalf("%s after approving: %v", username, err)
	}
	return step
}

// session signs a member in whom the bank lets in once the program is
// approved.
func (d *demo) session(t *testing.T, username string) connector.Session {
	t.Helper()
	step := d.approvedLogin(t, username, true)
	if step.Session == nil {
		t.Fatalf("%s after approving: %s, want a session", username, show(step.Challenge))
	}
	return step.Session
}

// programs lists the member's Direct Connect programs at the bank.
func (d *demo) programs(t *testing.T, username string) []*device.Device {
	t.Helper()
	devs, err := device.List(context.Background(), d.b.DB.Reader(), d.b.Member(t, username).SecurityAccountID)
	if err != nil {
		t.Fatal(err)
	}
	var out []*device.Device
	for _, dev := range devs {
		if strings.HasPrefix(dev.Label, "Direct Connect") {
			out = append(out, dev)
		}
	}
	return out
}

// approve approves the member's pending Direct Connect program, as the
// member does in the bank's settings.
func (d *demo) approve(t *testing.T, username string) {
	t.Helper()
	for _, dev := range d.programs(t, username) {
		if !dev.Registered && !dev.Revoked() {
			if err := device.Register(context.Background(), d.b.DB.Writer(), dev.AccountID, dev.ID, d.b.Clock.Now()); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("%s has no Direct Connect program waiting for approval", username)
}

// account is the member's open account of type typ, from the bank's
// records.
func (d *demo) account(t *testing.T, username string, typ institution.AccountType) *institution.Account {
	t.Helper()
	for _, a := range d.b.Member(t, username).Accounts {
		if a.Type == typ && !a.Closed {
			acct, err := institution.AccountByNumber(context.Background(), d.b.DB.Reader(), a.Number)
			if err != nil {
				t.Fatal(err)
			}
			return acct
		}
	}
	t.Fatalf("%s has no open %s account", username, typ)
	return nil
}

func wantChallenge(t *testing.T, step connector.Step, typ connector.ChallengeType) *connector.Challenge {
	t.Helper()
	switch ch := step.Challenge; {
	case step.Session != nil:
		t.Fatalf("signed in, want a %s challenge", typ)
	case ch == nil:
		t.Fatalf("neither a session nor a challenge, want a %s challenge", typ)
	case ch.Type != typ || ch.Prompt == "" || len(ch.State) == 0 || ch.AttemptsLeft != -1:
		t.Fatalf("challenge %s %q (attempts left %d, %d bytes of state), want a %s challenge with a prompt, state and attempts left -1",
			ch.Type, ch.Prompt, ch.AttemptsLeft, len(ch.State), typ)
	}
	return step.Challenge
}

func findAccount(t *testing.T, accts []connector.Account, number string) connector.Account {
	t.Helper()
	for _, a := range accts {
		if a.ID == number {
			return a
		}
	}
	t.Fatalf("account ending %s is not listed", number[len(number)-4:])
	return connector.Account{}
}

// stub is an OFX server that answers every signon with one status, and
// counts the MFA challenges asked of it.
type stub struct {
	srv        *httptest.Server
	mu         sync.Mutex
	requests   int
	challenges int
}

func newStub(t *testing.T, code int, message string) *stub {
	s := &stub{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, err := ofx.Parse(r.Body)
		var req *ofx.Request
		if err == nil {
			req, err = ofx.DecodeRequest(doc)
		}
		if err != nil {
			http.Error(w, "not OFX", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.requests++
		if req.MFAChallenge != nil {
			s.challenges++
		}
		s.mu.Unlock()
		resp := &ofx.Response{Signon: ofx.SignonResponse{Status: ofx.NewStatus(code, message), DTServer: time.Now(), Language: "ENG"}}
		var buf bytes.Buffer
		if err := ofx.WriteXML(&buf, ofx.NewDocument(220, resp.Element())); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/x-ofx")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stub) counts() (requests, challenges int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.challenges
}

func isDown(err error) bool {
	var down *connector.DownError
	return errors.As(err, &down)
}

// show describes a challenge for a failure message, without its state.
func show(ch *connector.Challenge) string {
	if ch == nil {
		return "no challenge"
	}
	return fmt.Sprintf("%s challenge %q (rejected %v, %d questions)", ch.Type, ch.Prompt, ch.Rejected, len(ch.Questions))
}

func showPrograms(devs []*device.Device) string {
	var out []string
	for _, d := range devs {
		out = append(out, fmt.Sprintf("%q registered %v", d.Label, d.Registered))
	}
	return fmt.Sprintf("%d %v", len(devs), out)
}
