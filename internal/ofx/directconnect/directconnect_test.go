package directconnect_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/ofx"
	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
)

const (
	password = "Hunter2-secret-pw"
	answer   = "my-secret-answer"
)

var now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

// bank is a fake OFX server: it records the request and answers with reply.
type bank struct {
	got   []byte
	ctype string
	reply func(w http.ResponseWriter, req []byte)
}

func (b *bank) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	b.ctype = r.Header.Get("Content-Type")
	b.got, _ = io.ReadAll(r.Body)
	b.reply(w, b.got)
}

// ofxReply answers with a statement response in version's syntax.
func ofxReply(version int) func(http.ResponseWriter, []byte) {
	return func(w http.ResponseWriter, _ []byte) {
		resp := &ofx.Response{
			Signon: ofx.SignonResponse{Status: ofx.NewStatus(0, ""), DTServer: now, Language: "ENG", FI: &ofx.FI{Org: "DEMOBANK", FID: "9001"}},
			Statements: []ofx.StatementResponse{{TrnUID: "1", Status: ofx.NewStatus(0, ""), CurDef: "USD",
				Account:   ofx.Account{BankID: "123456780", AcctID: "1000012345", AcctType: "CHECKING"},
				LedgerBal: &ofx.Balance{Amount: 123456, DTAsOf: now},
				Transactions: &ofx.TransactionList{DTStart: now.AddDate(0, -1, 0), DTEnd: now, Transactions: []ofx.Transaction{
					{TrnType: "CHECK", DTPosted: now, Amount: -12550, FITID: "A2", CheckNum: "1042", Name: "City Water Utility"},
				}}}},
		}
		var buf bytes.Buffer
		doc := ofx.NewDocument(version, resp.Element())
		if version >= 200 {
			_ = ofx.WriteXML(&buf, doc)
		} else {
			_ = ofx.WriteSGML(&buf, doc)
		}
		w.Header().Set("Content-Type", "application/x-ofx")
		_, _ = w.Write(buf.Bytes())
	}
}

func client(url string, version int) *directconnect.Client {
	return &directconnect.Client{URL: url, Version: version, AppID: "QWIN", AppVer: "2700", Org: "DEMOBANK", FID: "9001",
		ClientUID: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", Now: func() time.Time { return now }}
}

func statementRequest(c *directconnect.Client) *ofx.Request {
	s := c.Signon("alice", password)
	s.MFAAnswers = []ofx.MFAAnswer{{PhraseID: "MFA5", Answer: answer}}
	return &ofx.Request{Signon: s, Statements: []ofx.StatementRequest{{TrnUID: directconnect.NewTrnUID(),
		Account: ofx.Account{BankID: "123456780", AcctID: "1000012345", AcctType: "CHECKING"}, IncTran: &ofx.IncTran{Include: true}}}}
}

// TestDo posts in each syntax and reads the statement back.
func TestDo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version int
		header  string // how the request body must start
	}{
		{102, "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n"},
		{103, "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:103\r\n"},
		{211, `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n" + `<?OFX OFXHEADER="200" VERSION="211"`},
		{0, `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n" + `<?OFX OFXHEADER="200" VERSION="220"`},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSpace(tt.header[len(tt.header)-4:]), func(t *testing.T) {
			t.Parallel()
			replyVersion := tt.version
			if replyVersion == 0 {
				replyVersion = directconnect.DefaultVersion
			}
			b := &bank{reply: ofxReply(replyVersion)}
			srv := httptest.NewServer(b)
			defer srv.Close()
			c := client(srv.URL+"/ofx", tt.version)
			resp, err := c.Do(context.Background(), statementRequest(c))
			if err != nil {
				t.Fatal(err)
			}
			if b.ctype != "application/x-ofx" {
				t.Errorf("Content-Type %q, want application/x-ofx", b.ctype)
			}
			if !bytes.HasPrefix(b.got, []byte(tt.header)) {
				t.Errorf("request starts %q, want %q", b.got[:min(len(b.got), 120)], tt.header)
			}
			doc, err := ofx.Parse(bytes.NewReader(b.got))
			if err != nil {
				t.Fatalf("the request does not parse: %v", err)
			}
			rq, err := ofx.DecodeRequest(doc)
			if err != nil {
				t.Fatal(err)
			}
			if s := rq.Signon; s.UserID != "alice" || s.UserPass != password || s.FI.Org != "DEMOBANK" || s.AppID != "QWIN" || !s.DTClient.Equal(now) || s.ClientUID == "" {
				t.Errorf("signon sent = %+v", s)
			}
			st := resp.Statements[0]
			if resp.Signon.Status.Code != 0 || st.LedgerBal.Amount != 123456 || st.Transactions.Transactions[0].CheckNum != "1042" {
				t.Errorf("response = %+v", resp)
			}
		})
	}
}

// TestDoRefusals: an HTTP error and a reply that is not OFX are errors that
// say what came back, and never hold the password or an answer, even when
// the bank quotes them.
func TestDoRefusals(t *testing.T) {
	t.Parallel()
	echo := func(status int, contentType string) func(http.ResponseWriter, []byte) {
		return func(w http.ResponseWriter, req []byte) {
			// A careless bank quotes what it did not like.
			var pw, ans string
			if doc, err := ofx.Parse(bytes.NewReader(req)); err == nil {
				if rq, err := ofx.DecodeRequest(doc); err == nil {
					pw, ans = rq.Signon.UserPass, rq.Signon.MFAAnswers[0].Answer
				}
			}
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><body>Password "+pw+" and answer "+ans+" refused.</body></html>")
		}
	}
	tests := []struct {
		name     string
		reply    func(http.ResponseWriter, []byte)
		status   int
		notOFX   bool
		contains string
	}{
		{"bad request", echo(http.StatusBadRequest, "text/plain"), 400, false, "HTTP 400 Bad Request"},
		{"server error", echo(http.StatusInternalServerError, "text/html"), 500, false, "HTTP 500"},
		{"login page", echo(http.StatusOK, "text/html"), 200, true, "not an OFX response"},
		{"half a response", func(w http.ResponseWriter, _ []byte) {
			_, _ = io.WriteString(w, "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX><SIGNONMSGSRSV1><SONRS>")
		}, 200, true, "not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(&bank{reply: tt.reply})
			defer srv.Close()
			c := client(srv.URL+"/ofx", 102)
			_, err := c.Do(context.Background(), statementRequest(c))
			var he *directconnect.HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want an *HTTPError", err)
			}
			if he.StatusCode != tt.status || errors.Is(err, directconnect.ErrNotOFX) != tt.notOFX {
				t.Errorf("status %d, not OFX %v; want %d, %v", he.StatusCode, errors.Is(err, directconnect.ErrNotOFX), tt.status, tt.notOFX)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.contains) {
				t.Errorf("error %q does not say %q", msg, tt.contains)
			}
			if strings.Contains(msg, password) || strings.Contains(msg, answer) {
				t.Errorf("error holds a secret: %q", msg)
			}
		})
	}
}

func TestDoUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := client("http://bank:"+password+"@"+strings.TrimPrefix(url, "http://")+"/ofx", 211)
	_, err := c.Do(context.Background(), statementRequest(c))
	if err == nil || strings.Contains(err.Error(), password) {
		t.Errorf("err = %v, want an error without the URL's password", err)
	}
}

func TestMachineAnswers(t *testing.T) {
	t.Parallel()
	c := client("http://bank.test/ofx", 211)
	got := c.MachineAnswers([]ofx.MFAChallenge{{PhraseID: "MFA5", Label: "Favorite color"}, {PhraseID: "MFA101"}, {PhraseID: "MFA107"}, {PhraseID: "PIN0a"}},
		directconnect.MachineInfo{UserAgent: "LedgerSync/1"})
	want := []ofx.MFAAnswer{{PhraseID: "MFA101", Answer: "20261123140000"}, {PhraseID: "MFA107", Answer: "LedgerSync/1"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("machine answers = %+v, want %+v (the person's phrases left out)", got, want)
	}
}

func TestNewTrnUID(t *testing.T) {
	t.Parallel()
	a, b := directconnect.NewTrnUID(), directconnect.NewTrnUID()
	if a == b || len(a) != 36 || strings.Count(a, "-") != 4 {
		t.Errorf("NewTrnUID gave %q and %q; want two different 36-character UUIDs", a, b)
	}
}
