package ofx

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// dump is what a golden file holds for one input: the tree, and the typed
// request or response decoded from it, or the error of either step.
type dump struct {
	ParseError  string    `json:"parse_error,omitempty"`
	Document    *Document `json:"document,omitempty"`
	Request     *Request  `json:"request,omitempty"`
	Response    *Response `json:"response,omitempty"`
	DecodeError string    `json:"decode_error,omitempty"`
}

func dumpFile(t *testing.T, path string) dump {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := Parse(f)
	if err != nil {
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("parse error %v does not wrap ErrSyntax", err)
		}
		return dump{ParseError: err.Error()}
	}
	d := dump{Document: doc}
	if doc.Root.Find("SIGNONMSGSRQV1") != nil {
		d.Request, err = DecodeRequest(doc)
	} else {
		d.Response, err = DecodeResponse(doc)
	}
	if err != nil {
		if !errors.Is(err, ErrMessage) {
			t.Errorf("decode error %v does not wrap ErrMessage", err)
		}
		d.DecodeError = err.Error()
	}
	return d
}

func samples(t testing.TB) []string {
	files, err := filepath.Glob("testdata/*.ofx")
	if err != nil || len(files) < 20 {
		t.Fatalf("testdata: %d files, %v", len(files), err)
	}
	return files
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, path := range samples(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(dumpFile(t, path)); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := strings.TrimSuffix(path, ".ofx") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("dump differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

// TestOutcomes pins what the golden files say about the quirky inputs, so a
// careless -update cannot silently bless a regression.
func TestOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file                string
		parseErr, decodeErr string // substrings; "" means no error
		check               func(t *testing.T, d dump)
	}{
		{file: "fail_nice-date_missing.ofx", decodeErr: "<STMTTRN/DTPOSTED>: missing or empty date"},
		{file: "fail_nice-decimal_error.ofx", decodeErr: `<STMTTRN/DTPOSTED>: ofx: bad value: date "201120000000": no such date or time`},
		{file: "fail_nice-empty_balance.ofx", decodeErr: `<LEDGERBAL/BALAMT>: ofx: bad value: amount "": no digits`},
		{file: "ofx-v102-empty-tags.ofx", decodeErr: `<LEDGERBAL/BALAMT>`},
		{file: "bad-close.ofx", parseErr: "ofx: line 19: <STMTTRN>: unexpected </BANKTRANLIST> (<STMTTRN> opened on line 16 is not closed)"},
		{file: "signon_fail.ofx", check: func(t *testing.T, d dump) {
			if s := d.Response.Signon.Status; s.Code != StatusSignonInvalid || s.Severity != "ERROR" {
				t.Errorf("status = %+v", s)
			}
			if d.Response.Signon.FI == nil || d.Response.Signon.FI.FID != "3101" {
				t.Errorf("FI = %+v", d.Response.Signon.FI)
			}
		}},
		{file: "latin1-names.ofx", check: func(t *testing.T, d dump) {
			tr := d.Response.Statements[0].Transactions.Transactions
			if tr[0].Name != "Café Renée & Frères" || tr[0].Memo != "Straße Müller § 5" || tr[0].Amount != -123456 {
				t.Errorf("first transaction = %+v", tr[0])
			}
			if tr[1].Name != "José Nuñez" || tr[1].Amount != 1250 || tr[1].DTPosted.UTC().Hour() != 10 {
				t.Errorf("second transaction = %+v", tr[1])
			}
			if d.Response.Statements[0].LedgerBal.Amount != -50 {
				t.Errorf("ledger balance = %+v", d.Response.Statements[0].LedgerBal)
			}
		}},
		{file: "mfa-challenge-response.ofx", check: func(t *testing.T, d dump) {
			if d.Document.Version != 103 || d.Response.Signon.Status.Code != StatusMFARequired {
				t.Errorf("version %d, status %+v", d.Document.Version, d.Response.Signon.Status)
			}
			want := []MFAChallenge{{"MFA6", "First pet's name"}, {"MFA101", ""}, {"123", "With which branch did you open your account?"}}
			if !reflect.DeepEqual(d.Response.MFAChallenge.Challenges, want) {
				t.Errorf("challenges = %+v", d.Response.MFAChallenge.Challenges)
			}
		}},
		{file: "mfa-answer-request.ofx", check: func(t *testing.T, d dump) {
			s := d.Request.Signon
			if d.Document.Version != 220 || s.ClientUID == "" || len(s.MFAAnswers) != 2 || s.MFAAnswers[0].Answer != "Rex & Co" {
				t.Errorf("version %d, signon %+v", d.Document.Version, s)
			}
			st := d.Request.Statements[0]
			if !st.IncImages || st.IncTran == nil || !st.IncTran.Include || st.IncTran.DTStart.Month() != 9 {
				t.Errorf("statement request = %+v", st)
			}
		}},
		{file: "bank_medium.ofx", check: func(t *testing.T, d dump) {
			st := d.Response.Statements[0]
			if len(st.Transactions.Transactions) != 3 || st.LedgerBal.Amount != 38234 || st.AvailBal.Amount != 68234 {
				t.Errorf("statement = %+v", st)
			}
		}},
		{file: "anzcc.ofx", check: func(t *testing.T, d dump) {
			if d.Document.Version != 203 || len(d.Response.CCStatements) != 1 {
				t.Errorf("version %d, cc statements %d", d.Document.Version, len(d.Response.CCStatements))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			d := dumpFile(t, filepath.Join("testdata", tt.file))
			if !strings.Contains(d.ParseError, tt.parseErr) || (tt.parseErr == "") != (d.ParseError == "") {
				t.Fatalf("parse error = %q, want %q", d.ParseError, tt.parseErr)
			}
			if !strings.Contains(d.DecodeError, tt.decodeErr) || (tt.decodeErr == "") != (d.DecodeError == "") {
				t.Fatalf("decode error = %q, want %q", d.DecodeError, tt.decodeErr)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

// stripLines clears Line so trees from different inputs compare equal.
func stripLines(e *Element) {
	if e == nil {
		return
	}
	e.Line = 0
	for _, c := range e.Children {
		stripLines(c)
	}
}

func reparse(t testing.TB, write func(*bytes.Buffer) error) *Document {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(&buf)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, buf.String())
	}
	stripLines(doc.Root)
	return doc
}

// checkRoundTrip writes doc as SGML and as XML, and from each form to the
// other, and checks every tree read back equals the original.
func checkRoundTrip(t testing.TB, doc *Document) {
	t.Helper()
	stripLines(doc.Root)
	sgml := reparse(t, func(b *bytes.Buffer) error { return WriteSGML(b, doc) })
	xml := reparse(t, func(b *bytes.Buffer) error { return WriteXML(b, doc) })
	sgmlToXML := reparse(t, func(b *bytes.Buffer) error { return WriteXML(b, sgml) })
	xmlToSGML := reparse(t, func(b *bytes.Buffer) error { return WriteSGML(b, xml) })
	for name, got := range map[string]*Document{"SGML": sgml, "XML": xml, "SGML→XML": sgmlToXML, "XML→SGML": xmlToSGML} {
		if !reflect.DeepEqual(got.Root, doc.Root) {
			a, _ := json.Marshal(got.Root)
			b, _ := json.Marshal(doc.Root)
			t.Fatalf("%s round trip changed the tree:\n got %s\nwant %s", name, a, b)
		}
	}
}

func TestRoundTripSamples(t *testing.T) {
	t.Parallel()
	for _, path := range samples(t) {
		if filepath.Base(path) == "bad-close.ofx" {
			continue // malformed on purpose: its error is pinned by the golden tests
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			doc, err := Parse(f)
			if err != nil {
				t.Fatalf("does not parse: %v", err)
			}
			checkRoundTrip(t, doc)
		})
	}
}

func TestWriteSGMLFormat(t *testing.T) {
	t.Parallel()
	doc := NewDocument(0, Aggregate("OFX", Aggregate("A", Leaf("B", "x & <y>"), Leaf("C", ""))))
	var buf bytes.Buffer
	if err := WriteSGML(&buf, doc); err != nil {
		t.Fatal(err)
	}
	want := "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\nCHARSET:1252\r\n" +
		"COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n" +
		"<OFX>\r\n<A>\r\n<B>x &amp; &lt;y&gt;\r\n<C></C>\r\n</A>\r\n</OFX>\r\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}
	buf.Reset()
	if err := WriteXML(&buf, doc); err != nil {
		t.Fatal(err)
	}
	wantXML := `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n" +
		`<?OFX OFXHEADER="200" VERSION="211" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>` + "\n" +
		"<OFX>\n  <A>\n    <B>x &amp; &lt;y&gt;</B>\n    <C></C>\n  </A>\n</OFX>\n"
	if buf.String() != wantXML {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), wantXML)
	}
}

func TestWriteSGMLFallsBackToUTF8(t *testing.T) {
	t.Parallel()
	doc := NewDocument(102, Aggregate("OFX", Leaf("NAME", "Łódź 日本")))
	var buf bytes.Buffer
	if err := WriteSGML(&buf, doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "ENCODING:UTF-8\r\nCHARSET:NONE") {
		t.Errorf("header is not UTF-8:\n%s", buf.String())
	}
	got := reparse(t, func(b *bytes.Buffer) error { return WriteSGML(b, doc) })
	if v := got.Root.ValueAt("NAME"); v != "Łódź 日本" {
		t.Errorf("NAME = %q", v)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const hdr = "OFXHEADER:100\nVERSION:102\n\n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "ofx: line 1: no <OFX> element"},
		{"unclosed aggregate", hdr + "<OFX>\n<SIGNONMSGSRSV1>\n", "ofx: line 5: <SIGNONMSGSRSV1>: not closed by the end of the file (line 6)"},
		{"mismatch", hdr + "<OFX>\n<STMTTRN>\n<NAME>x\n</BANKTRANLIST>\n</OFX>", "ofx: line 7: <STMTTRN>: unexpected </BANKTRANLIST> (<STMTTRN> opened on line 5 is not closed)"},
		{"text in aggregate", hdr + "<OFX><STATUS><CODE>0</CODE>junk</STATUS></OFX>", "ofx: line 4: <STATUS>: unexpected text \"junk\""},
		{"stray close", hdr + "</OFX>", "ofx: line 4: unexpected </OFX> with no open element"},
		{"second root", hdr + "<OFX></OFX><OFX></OFX>", "ofx: line 4: <OFX>: second root element after <OFX>"},
		{"bad header", "OFXHEADER:100\nnonsense\n<OFX></OFX>", "ofx: line 2: header line \"nonsense\" is not KEY:VALUE"},
		{"bad version", "OFXHEADER:100\nVERSION:abc\n<OFX></OFX>", "VERSION \"abc\" is not a number"},
		{"unterminated tag", hdr + "<OFX><CODE", "ofx: line 4: tag is not closed with >"},
		{"bad name", hdr + "<OFX><A B=\"1\"></A><$$></OFX>", "bad element name \"$$\""},
		{"xml not utf8", "<?xml version=\"1.0\"?><OFX><NAME>\xff</NAME></OFX>", "not valid UTF-8"},
		{"unclosed PI", "<?xml version=\"1.0\"", "processing instruction is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrSyntax) {
				t.Errorf("err = %v, want %q wrapping ErrSyntax", err, tt.want)
			}
		})
	}
}

func TestParseLenient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		path     []string
		want     string
	}{
		{"unclosed leaves", "<OFX><A><B>1<C>2</A></OFX>", []string{"A", "C"}, "2"},
		{"CRLF and tabs", "OFXHEADER:100\r\n\r\n<OFX>\r\n\t<A>\r\n\t\t<B> spaced value \r\n\t</A>\r\n</OFX>\r\n", []string{"A", "B"}, "spaced value"},
		{"empty known leaf unclosed", "<OFX><SONRS><LANGUAGE><DTSERVER>20260101</SONRS></OFX>", []string{"SONRS", "DTSERVER"}, "20260101"},
		{"empty unknown leaf before close", "<OFX><SONRS><X.FOO><Y>1</SONRS></OFX>", []string{"SONRS", "Y"}, "1"},
		{"bare ampersand", "<OFX><NAME>AT&T &amp; Co &#233;</NAME></OFX>", []string{"NAME"}, "AT&T & Co é"},
		{"comment and CDATA", "<?xml version=\"1.0\"?><!-- hi --><OFX><MEMO><![CDATA[a<b]]></MEMO></OFX>", []string{"MEMO"}, "a<b"},
		{"self closing", "<OFX><A/><B>2</B></OFX>", []string{"B"}, "2"},
		{"1252 headerless", "<OFX><NAME>Caf\xe9 \x80</NAME></OFX>", []string{"NAME"}, "Café €"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Root.ValueAt(tt.path...); got != tt.want {
				t.Errorf("%v = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestFindAll(t *testing.T) {
	t.Parallel()
	root := Aggregate("OFX", Aggregate("A", Leaf("X", "1"), Aggregate("B", Leaf("X", "2"))), Leaf("X", "3"))
	if got := root.Find("A", "B", "X"); got == nil || got.Value != "2" {
		t.Errorf("Find = %+v", got)
	}
	if root.Find("A", "nope", "X") != nil || root.Find() != root {
		t.Error("Find with a missing step or no path")
	}
	var vals []string
	for _, e := range root.All("X") {
		vals = append(vals, e.Value)
	}
	if strings.Join(vals, ",") != "1,2,3" {
		t.Errorf("All = %v", vals)
	}
	if (*Element)(nil).All("X") != nil || root.ValueAt("missing") != "" {
		t.Error("nil receiver or missing path")
	}
}

func FuzzParse(f *testing.F) {
	for _, path := range samples(f) {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		doc, err := Parse(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		_, _ = DecodeRequest(doc)
		_, _ = DecodeResponse(doc)
		checkRoundTrip(t, doc)
	})
}
