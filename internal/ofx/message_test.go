package ofx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var (
	t1 = time.Date(2026, 10, 14, 17, 0, 0, 123e6, time.UTC)
	t2 = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
)

// fullRequest and fullResponse set every field the typed messages have.
func fullRequest() *Request {
	return &Request{
		Signon: SignonRequest{
			DTClient: t1, UserID: "bob", UserPass: "Demo-pass-2026", UserKey: "", AccessToken: "at-1", GenUserKey: true,
			Language: "ENG", FI: &FI{Org: "DEMOBANK", FID: "9999"}, SessCookie: "sc", AppID: "QWIN", AppVer: "2700",
			ClientUID: "3F2504E0-4F89-11D3-9A0C-0305E82C3301", UserCred1: "cred1", UserCred2: "cred2", AuthToken: "tok",
			MFAAnswers: []MFAAnswer{{"MFA6", "Rex & <Co>"}, {"MFA101", "20261014120000"}},
		},
		MFAChallenge: &MFAChallengeRequest{TrnUID: "m1", DTClient: t1},
		AccountInfo:  &AccountInfoRequest{TrnUID: "a1", DTAcctUp: t2},
		Statements: []StatementRequest{{TrnUID: "s1", Account: Account{BankID: "021000021", BranchID: "01", AcctID: "1234", AcctType: "CHECKING", AcctKey: "k"},
			IncTran: &IncTran{DTStart: t2, DTEnd: t1, Include: true}, IncImages: true}},
		CCStatements: []StatementRequest{{TrnUID: "c1", Account: Account{AcctID: "4111", AcctKey: "ck"}, IncTran: &IncTran{Include: false}}},
		Profile:      &ProfileRequest{TrnUID: "p1", ClientRouting: "MSGSET", DTProfUp: t2},
	}
}

func fullResponse() *Response {
	img := ImageData{ImageType: "TRANSACTION", ImageRef: "https://bank.test/img?t=abc&x=1", ImageRefType: "FORMURL", ImageDelay: 2,
		DTImageAvail: t2, ImageTTL: 7, Checksum: "abc123"}
	return &Response{
		Signon: SignonResponse{Status: NewStatus(StatusMFARequired, "More please"), DTServer: t1, UserKey: "uk", TSKeyExpire: t2,
			Language: "ENG", DTProfUp: t2, DTAcctUp: t2, FI: &FI{Org: "DEMOBANK"}, SessCookie: "sc", AccessToken: "at"},
		MFAChallenge: &MFAChallengeResponse{TrnUID: "m1", Status: NewStatus(0, ""),
			Challenges: []MFAChallenge{{"MFA6", "First pet's name"}, {"MFA101", ""}}},
		AccountInfo: &AccountInfoResponse{TrnUID: "a1", Status: NewStatus(0, ""), DTAcctUp: t1, Accounts: []AccountInfo{
			{Desc: "Checking", Phone: "555", Account: Account{BankID: "021000021", AcctID: "1234", AcctType: "CHECKING"}, SupTxDl: true, XferSrc: true, SvcStatus: "ACTIVE"},
			{CreditCard: true, Account: Account{AcctID: "4111"}, SupTxDl: true, XferDest: true, SvcStatus: "AVAIL"},
		}},
		Statements: []StatementResponse{{TrnUID: "s1", Status: NewStatus(0, "OK"), CurDef: "USD",
			Account: Account{BankID: "021000021", BranchID: "01", AcctID: "1234", AcctType: "CHECKING", AcctKey: "k"},
			Transactions: &TransactionList{DTStart: t2, DTEnd: t1, Transactions: []Transaction{
				{TrnType: "CHECK", DTPosted: t2, DTUser: t2, DTAvail: t1, Amount: -123456, FITID: "F1", CheckNum: "1001",
					Name: "Café & Co", Memo: "memo <x>", Images: []ImageData{img, img}},
				{TrnType: "CREDIT", DTPosted: t1, Amount: 5, FITID: "F2", CorrectFITID: "F0", CorrectAction: "REPLACE"},
			}},
			LedgerBal: &Balance{Amount: 100000, DTAsOf: t1}, AvailBal: &Balance{Amount: -1, DTAsOf: t1},
			Images: []ImageData{{ImageType: "STATEMENT", ImageRef: "st-2026-09", ImageRefType: "OPAQUE"}}}},
		CCStatements: []StatementResponse{{TrnUID: "c1", Status: NewStatus(0, ""), CurDef: "USD", Account: Account{AcctID: "4111"},
			LedgerBal: &Balance{Amount: -5000, DTAsOf: t1}},
			{TrnUID: "c2", Status: NewStatus(StatusGeneralError, "no such account")}},
		Profile: &ProfileResponse{TrnUID: "p1", Status: NewStatus(0, ""),
			MsgSetList: Aggregate("MSGSETLIST", Aggregate("SIGNONMSGSET", Aggregate("SIGNONMSGSETV1", Aggregate("MSGSETCORE", Leaf("VER", "1"))))),
			SignonInfos: []SignonInfo{{Realm: "DEMO", Min: 8, Max: 32, CharType: "ALPHAORNUMERIC", CaseSensitive: true, Special: true, Spaces: false,
				PinChange: true, ChangePinFirst: false, UserCred1Label: "PIN", UserCred2Label: "Token", ClientUIDReq: true, AuthTokenFirst: true,
				AuthTokenLabel: "Auth token", AuthTokenInfoURL: "https://bank.test/token", MFAChallengeSupt: true, MFAChallengeFirst: true, AccessTokenReq: true}},
			DTProfUp: t2, FIName: "Demo Bank", Addr1: "1 Main St", City: "Springfield", State: "IL", PostalCode: "62701", Country: "USA", URL: "https://bank.test/ofx"},
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMessagesRoundTrip(t *testing.T) {
	t.Parallel()
	writers := map[string]struct {
		version int
		write   func(*bytes.Buffer, *Document) error
	}{
		"SGML": {103, func(b *bytes.Buffer, d *Document) error { return WriteSGML(b, d) }},
		"XML":  {220, func(b *bytes.Buffer, d *Document) error { return WriteXML(b, d) }},
	}
	for name, w := range writers {
		t.Run(name+"/request", func(t *testing.T) {
			t.Parallel()
			want := fullRequest()
			var buf bytes.Buffer
			if err := w.write(&buf, NewDocument(w.version, want.Element())); err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Version != w.version {
				t.Errorf("version %d, want %d", doc.Version, w.version)
			}
			got, err := DecodeRequest(doc)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := jsonOf(t, got), jsonOf(t, want); a != b {
				t.Errorf("round trip changed the request:\n got %s\nwant %s", a, b)
			}
		})
		t.Run(name+"/response", func(t *testing.T) {
			t.Parallel()
			want := fullResponse()
			var buf bytes.Buffer
			if err := w.write(&buf, NewDocument(w.version, want.Element())); err != nil {
				t.Fatal(err)
			}
			doc, err := Parse(&buf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeResponse(doc)
			if err != nil {
				t.Fatal(err)
			}
			stripLines(got.Profile.MsgSetList)
			if a, b := jsonOf(t, got), jsonOf(t, want); a != b {
				t.Errorf("round trip changed the response:\n got %s\nwant %s", a, b)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"not OFX", "<FOO></FOO>", "root element is <FOO>, not <OFX>"},
		{"no signon request", "<OFX><SIGNONMSGSRQV1></SIGNONMSGSRQV1></OFX>", "no <SIGNONMSGSRQV1>/<SONRQ>"},
		{"bad DTCLIENT", "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>yesterday</SONRQ></SIGNONMSGSRQV1></OFX>", "<SONRQ/DTCLIENT>"},
		{"bad GENUSERKEY", "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20260101<GENUSERKEY>maybe</SONRQ></SIGNONMSGSRQV1></OFX>", `<SONRQ/GENUSERKEY>: "maybe" is not Y or N`},
		{"answer without id", "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20260101<MFACHALLENGEA><MFAPHRASEA>x</MFACHALLENGEA></SONRQ></SIGNONMSGSRQV1></OFX>", "<MFACHALLENGEA/MFAPHRASEID>: missing or empty"},
		{"MFA request without body", "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20260101</SONRQ><MFACHALLENGETRNRQ><TRNUID>1</MFACHALLENGETRNRQ></SIGNONMSGSRQV1></OFX>", "<MFACHALLENGETRNRQ/MFACHALLENGERQ>: missing"},
		{"statement without account", "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20260101</SONRQ></SIGNONMSGSRQV1><BANKMSGSRQV1><STMTTRNRQ><TRNUID>1<STMTRQ></STMTRQ></STMTTRNRQ></BANKMSGSRQV1></OFX>", "<STMTRQ/BANKACCTFROM>: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			_, err = DecodeRequest(doc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	doc, err := Parse(strings.NewReader("<OFX><SIGNONMSGSRSV1><SONRS><DTSERVER>20260101</SONRS></SIGNONMSGSRSV1></OFX>"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeResponse(doc); err == nil || !strings.Contains(err.Error(), "<SONRS/STATUS>: missing") {
		t.Errorf("response without STATUS: %v", err)
	}
}
