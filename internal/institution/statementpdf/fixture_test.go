package statementpdf

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

var (
	octStart = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	octEnd   = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
)

const fullChecking = "4410023987651"

// longDescription is wider than the description column: it must wrap, not
// run into the check-number column.
const longDescription = "ONLINE TRANSFER TO SAVINGS REF 77120938 FOR THE HOLIDAY FUND AND THE CAR INSURANCE PREMIUM DUE NOVEMBER"

// newStatement builds a checking statement with n lines spread over
// October 2026, balances computed so it adds up.
func newStatement(n int) Statement {
	s := Statement{
		Institution: Institution{
			Name:          "Prairie Federal Credit Union",
			Address:       []string{"200 Grain Exchange Way", "Topeka, KS 66603"},
			RoutingNumber: "301081508",
			Phone:         "(785) 555-0142",
			Website:       "prairiefcu.example",
		},
		Member: Party{
			Name:    "Zoë Łukasiewicz",
			Address: []string{"1418 Sunflower Ln Apt 3", "Lawrence, KS 66044"},
		},
		Account:     Account{Type: Checking, Number: fullChecking, Currency: CurrencyUSD},
		PeriodStart: octStart,
		PeriodEnd:   octEnd,
		Opening:     1_250_000, // 12,500.00
		StatementID: "2026-10-CHK-0042",
	}
	bal := s.Opening
	check := 1001
	for i := range n {
		day := octStart.AddDate(0, 0, i*31/max(n, 1))
		var l Line
		switch {
		case i%15 == 0:
			l = Line{Description: fmt.Sprintf("ACME PAYROLL DIRECT DEP %03d", i), Amount: 312_456}
		case i%9 == 4:
			l = Line{Description: fmt.Sprintf("CHECK %d", check), CheckNumber: fmt.Sprint(check), Amount: -int64(4_500 + i*1_000)}
			check++
			if check == 1004 {
				check = 1006 // a break in the sequence
			}
		default:
			l = Line{Description: fmt.Sprintf("POS PURCHASE HY-VEE STORE %03d", i), Amount: -int64(1_234 + i*17)}
		}
		if i == 5 {
			l.Description = longDescription
		}
		l.Posted = day
		bal += l.Amount
		l.Balance = bal
		s.Lines = append(s.Lines, l)
	}
	s.Closing = bal
	return s
}

// newCreditCard builds a card statement: balances owed, purchases positive,
// payments negative.
func newCreditCard() Statement {
	s := newStatement(0)
	s.Account = Account{Type: CreditCard, Number: "4111 1111 1111 5309", Currency: CurrencyUSD}
	s.StatementID = "2026-10-VISA-0007"
	s.Opening = 84_210 // 842.10 owed
	lines := []struct {
		day    int
		desc   string
		amount int64
	}{
		{3, "PAYMENT - THANK YOU", -84_210},
		{5, "DILLONS #55 LAWRENCE KS", 6_342},
		{12, "AMAZON MKTPLACE PMTS", 129_999},
		{18, "RETURN AMAZON MKTPLACE", -2_500},
		{31, "INTEREST CHARGE ON PURCHASES", 1_877},
	}
	bal := s.Opening
	for _, l := range lines {
		bal += l.amount
		s.Lines = append(s.Lines, Line{Posted: time.Date(2026, 10, l.day, 0, 0, 0, 0, time.UTC), Description: l.desc, Amount: l.amount, Balance: bal})
	}
	s.Closing = bal
	return s
}

func render(t *testing.T, s Statement) []byte {
	t.Helper()
	b, err := Render(s)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b
}

// extractPages is each page's text as github.com/ledongthuc/pdf reads it.
func extractPages(t *testing.T, b []byte) []string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("parse PDF: %v", err)
	}
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			t.Fatalf("page %d missing", i)
		}
		text, err := p.GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d text: %v", i, err)
		}
		pages = append(pages, text)
	}
	return pages
}

// pdftotextLayout runs poppler's pdftotext -layout, the tool an auditor would
// use, skipping the test when it is not installed.
func pdftotextLayout(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; the pure-Go extraction test covers the same text")
	}
	cmd := exec.Command(bin, "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return string(out)
}

func mustContain(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not contain %q", where, w)
		}
	}
}

// textRun is one string the PDF draws, where it starts (points from the
// page's top-left, as the layout code measures) and its font size.
type textRun struct {
	x, top, size float64
	s            string
}

// textRuns reads every page's content stream and decodes each shown string
// itself. The package's fonts are Identity-H with character code = Unicode
// code point; github.com/ledongthuc/pdf's plain-text path reads the one-range
// ToUnicode map fpdf writes strictly (only the low byte advances), which
// garbles non-ASCII text, so non-ASCII assertions use this reader.
func textRuns(t *testing.T, b []byte) [][]textRun {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("parse PDF: %v", err)
	}
	var pages [][]textRun
	for i := 1; i <= r.NumPage(); i++ {
		var runs []textRun
		var x, y, size float64
		pdf.Interpret(r.Page(i).V.Key("Contents"), func(stk *pdf.Stack, op string) {
			switch op {
			case "Tf":
				size = stk.Pop().Float64()
			case "Td":
				y = stk.Pop().Float64()
				x = stk.Pop().Float64()
			case "Tj":
				raw := stk.Pop().RawString()
				u := make([]uint16, 0, len(raw)/2)
				for j := 0; j+1 < len(raw); j += 2 {
					u = append(u, uint16(raw[j])<<8|uint16(raw[j+1]))
				}
				runs = append(runs, textRun{x: x, top: pageH - y, size: size, s: string(utf16.Decode(u))})
			}
			for stk.Len() > 0 {
				stk.Pop()
			}
		})
		pages = append(pages, runs)
	}
	return pages
}

// allRuns is every page's runs joined by newlines.
func allRuns(pages [][]textRun) string {
	var b strings.Builder
	for _, p := range pages {
		for _, r := range p {
			b.WriteString(r.s)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
