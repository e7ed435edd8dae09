package ofx

import (
	"bytes"
	"strings"
	"testing"
)

// newFieldsRequest and newFieldsResponse set the elements added for the
// institution's OFX server: CLTCOOKIE on every transaction, INCTRANIMG, the
// statement closing messages with their statement image, and CHECKSUP.
func newFieldsRequest() *Request {
	return &Request{
		Signon:       SignonRequest{DTClient: t1, UserID: "alice", UserPass: "pw", Language: "ENG", AppID: "QWIN", AppVer: "2700"},
		MFAChallenge: &MFAChallengeRequest{TrnUID: "m1", CltCookie: "c-m", DTClient: t1},
		AccountInfo:  &AccountInfoRequest{TrnUID: "a1", CltCookie: "c-a", DTAcctUp: t2},
		Statements: []StatementRequest{{TrnUID: "s1", CltCookie: "c-s", Account: Account{BankID: "123456780", AcctID: "1", AcctType: "CHECKING"},
			IncTran: &IncTran{DTStart: t2, Include: true}, IncImages: true}},
		StatementEnds: []StatementEndRequest{{TrnUID: "e1", CltCookie: "c-e", Account: Account{BankID: "123456780", AcctID: "1", AcctType: "CHECKING"},
			DTStart: t2, DTEnd: t1, IncImages: true}},
		CCStatementEnds: []StatementEndRequest{{TrnUID: "e2", Account: Account{AcctID: "4111"}}},
		Profile:         &ProfileRequest{TrnUID: "p1", CltCookie: "c-p", ClientRouting: "MSGSET", DTProfUp: t2},
	}
}

func newFieldsResponse() *Response {
	open := int64(-1250)
	img := ImageData{ImageType: "STATEMENT", ImageRef: "https://bank.test/ofx/images/abc", ImageRefType: "URL", DTImageAvail: t1}
	return &Response{
		Signon:       SignonResponse{Status: NewStatus(0, ""), DTServer: t1, Language: "ENG", FI: &FI{Org: "DEMOBANK", FID: "9001"}},
		MFAChallenge: &MFAChallengeResponse{TrnUID: "m1", Status: NewStatus(0, ""), CltCookie: "c-m", Challenges: []MFAChallenge{{"MFA5", "Favorite color"}}},
		AccountInfo:  &AccountInfoResponse{TrnUID: "a1", Status: NewStatus(0, ""), CltCookie: "c-a", DTAcctUp: t1},
		Statements: []StatementResponse{{TrnUID: "s1", Status: NewStatus(0, ""), CltCookie: "c-s", CurDef: "USD",
			Account: Account{BankID: "123456780", AcctID: "1", AcctType: "CHECKING"},
			Transactions: &TransactionList{DTStart: t2, DTEnd: t1, Transactions: []Transaction{{TrnType: "CHECK", DTPosted: t2, Amount: -100, FITID: "F", CheckNum: "12",
				Images: []ImageData{{ImageType: "TRANSACTION", ImageRef: "https://bank.test/ofx/images/f", ImageRefType: "URL", DTImageAvail: t1, CheckSup: "FRONTONLY"}}}}},
			LedgerBal: &Balance{Amount: 5, DTAsOf: t1}}},
		StatementEnds: []StatementEndResponse{
			{TrnUID: "e1", Status: NewStatus(0, ""), CltCookie: "c-e", CurDef: "USD", Account: Account{BankID: "123456780", AcctID: "1", AcctType: "CHECKING"},
				Closings: []Closing{
					{FITID: "st-1", DTOpen: t2, DTClose: t1, DTNext: t1, BalOpen: &open, BalClose: 99, DTPostStart: t2, DTPostEnd: t1, Image: &img},
					{FITID: "st-2", DTClose: t1, BalClose: 0, DTPostStart: t2, DTPostEnd: t1},
				}},
			{TrnUID: "e3", Status: NewStatus(StatusAccountNotFound, "no such account")},
		},
		CCStatementEnds: []StatementEndResponse{{TrnUID: "e2", Status: NewStatus(0, ""), CurDef: "USD", Account: Account{AcctID: "4111"},
			Closings: []Closing{{FITID: "cc-1", DTClose: t1, BalClose: -4200, DTPostStart: t2, DTPostEnd: t1}}}},
		Profile: &ProfileResponse{TrnUID: "p1", Status: NewStatus(StatusGeneralError, "no"), CltCookie: "c-p"},
	}
}

func TestNewFieldsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, version := range []int{103, 211} {
		write := WriteSGML
		if version >= 200 {
			write = WriteXML
		}
		roundTrip := func(t *testing.T, root *Element) *Document {
			t.Helper()
			var buf bytes.Buffer
			if err := write(&buf, NewDocument(version, root)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "CLTCOOKIE") {
				t.Errorf("no CLTCOOKIE written:\n%s", buf.String())
			}
			doc, err := Parse(&buf)
			if err != nil {
				t.Fatal(err)
			}
			return doc
		}
		t.Run("request", func(t *testing.T) {
			want := newFieldsRequest()
			root := want.Element()
			if root.Find("BANKMSGSRQV1", "STMTTRNRQ", "STMTRQ", "INCTRANIMG") == nil {
				t.Error("INCTRANIMG is not written in STMTRQ")
			}
			got, err := DecodeRequest(roundTrip(t, root))
			if err != nil {
				t.Fatal(err)
			}
			if a, b := jsonOf(t, got), jsonOf(t, want); a != b {
				t.Errorf("OFX %d round trip changed the request:\n got %s\nwant %s", version, a, b)
			}
		})
		t.Run("response", func(t *testing.T) {
			want := newFieldsResponse()
			got, err := DecodeResponse(roundTrip(t, want.Element()))
			if err != nil {
				t.Fatal(err)
			}
			if a, b := jsonOf(t, got), jsonOf(t, want); a != b {
				t.Errorf("OFX %d round trip changed the response:\n got %s\nwant %s", version, a, b)
			}
		})
	}
}

// TestTransactionImagesElement reads the standard INCTRANIMG and the
// INCIMAGES this package wrote before.
func TestTransactionImagesElement(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"INCTRANIMG", "INCIMAGES"} {
		in := "<OFX><SIGNONMSGSRQV1><SONRQ><DTCLIENT>20260101</SONRQ></SIGNONMSGSRQV1><BANKMSGSRQV1><STMTTRNRQ><TRNUID>1<STMTRQ>" +
			"<BANKACCTFROM><BANKID>1<ACCTID>2<ACCTTYPE>CHECKING</BANKACCTFROM><" + name + ">Y</STMTRQ></STMTTRNRQ></BANKMSGSRQV1></OFX>"
		doc, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		r, err := DecodeRequest(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Statements[0].IncImages {
			t.Errorf("<%s>Y not read as a request for transaction images", name)
		}
	}
}

func TestClosingDecodeErrors(t *testing.T) {
	t.Parallel()
	in := "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260101<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>" +
		"<BANKMSGSRSV1><STMTENDTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTENDRS><CURDEF>USD" +
		"<BANKACCTFROM><BANKID>1<ACCTID>2<ACCTTYPE>CHECKING</BANKACCTFROM><CLOSING><FITID>x<DTCLOSE>20260131<BALCLOSE>$5" +
		"<DTPOSTSTART>20260101<DTPOSTEND>20260131</CLOSING></STMTENDRS></STMTENDTRNRS></BANKMSGSRSV1></OFX>"
	doc, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeResponse(doc); err == nil || !strings.Contains(err.Error(), "<CLOSING/BALCLOSE>") {
		t.Errorf("a closing balance of $5: err = %v, want one naming <CLOSING/BALCLOSE>", err)
	}
}
