package statementpdf

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestRenderThreePageStatementText(t *testing.T) {
	t.Parallel()
	s := newStatement(120)
	pages := extractPages(t, render(t, s))

	if len(pages) != 3 {
		t.Fatalf("120 lines rendered on %d pages, want 3", len(pages))
	}
	all := strings.Join(pages, "\n")
	for i, page := range pages {
		where := fmt.Sprintf("page %d", i+1)
		mustContain(t, where, page, fmt.Sprintf("Page %d of 3", i+1), "Statement 2026-10-CHK-0042", "Questions? Call (785) 555-0142")
		// The column header repeats on every page.
		mustContain(t, where, page, "Description", "Check no.", "Amount", "Balance")
	}
	mustContain(t, "text", all,
		"Statement of Account",
		"Opening balance on October 1, 2026", formatMinor(s.Opening),
		"Closing balance on October 31, 2026", formatMinor(s.Closing),
		"****7651",
	)
	for i, l := range s.Lines {
		where := fmt.Sprintf("text (line %d)", i+1)
		if l.Description == longDescription {
			// Wrapped over several printed lines; every word is still there.
			mustContain(t, where, all, strings.Fields(l.Description)...)
		} else {
			mustContain(t, where, all, l.Description)
		}
		mustContain(t, where, all, formatMinor(l.Amount), formatMinor(l.Balance), l.Posted.Format("01/02"))
	}
}

func TestRenderSummaryTotals(t *testing.T) {
	t.Parallel()
	s := newStatement(45)
	var credits, debits int64
	var nc, nd int
	for _, l := range s.Lines {
		if l.Amount > 0 {
			credits += l.Amount
			nc++
		} else {
			debits += l.Amount
			nd++
		}
	}
	text := strings.Join(extractPages(t, render(t, s)), "\n")
	mustContain(t, "summary", text,
		fmt.Sprintf("Deposits and credits (%d)", nc), formatMinor(credits),
		fmt.Sprintf("Withdrawals and debits (%d)", nd), formatMinor(debits),
		"Deposits and credits are positive; withdrawals and debits are negative.",
	)
}

// TestRenderPdftotextLayout checks the statement the way an auditor reads
// it: poppler's pdftotext -layout.
func TestRenderPdftotextLayout(t *testing.T) {
	t.Parallel()
	s := newStatement(120)
	text := pdftotextLayout(t, render(t, s))

	mustContain(t, "pdftotext", text,
		"Statement of Account",
		"October 1, 2026 – October 31, 2026",
		"Zoë Łukasiewicz",
		formatMinor(s.Opening), formatMinor(s.Closing),
		"Page 1 of 3", "Page 3 of 3",
	)
	for _, l := range s.Lines {
		if l.Description == longDescription {
			mustContain(t, "pdftotext", text, "ONLINE TRANSFER TO SAVINGS")
		} else {
			mustContain(t, "pdftotext", text, l.Description)
		}
		mustContain(t, "pdftotext", text, formatMinor(l.Amount), formatMinor(l.Balance))
	}
	if strings.Contains(text, fullChecking) {
		t.Error("pdftotext output contains the full account number")
	}
}

func TestRenderPrintsNonASCIIAsWritten(t *testing.T) {
	t.Parallel()
	s := newStatement(3)
	s.Lines[1].Description = "CAFÉ ÖSTERREICH 🍕 PIZZA\tTAKEOUT"
	all := allRuns(textRuns(t, render(t, s)))
	mustContain(t, "text runs", all,
		"Zoë Łukasiewicz",
		"October 1, 2026 – October 31, 2026",
		// The font has no emoji: it prints as "?" rather than vanishing
		// or crashing the font subsetter; the tab is a space.
		"CAFÉ ÖSTERREICH ? PIZZA TAKEOUT",
	)
}

func TestRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	s := newStatement(120)
	const n = 4
	out := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n { // concurrently, so -race sees any shared state
		wg.Go(func() { out[i] = render(t, s) })
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if !bytes.Equal(out[0], out[i]) {
			t.Fatalf("render %d differs from render 0 (%d vs %d bytes)", i, len(out[i]), len(out[0]))
		}
	}
	if !bytes.Contains(out[0], []byte("D:20261031000000")) {
		t.Error("creation date is not the period end")
	}
	other := s
	other.StatementID = "2026-10-CHK-0043"
	if bytes.Equal(out[0], render(t, other)) {
		t.Error("a different statement rendered to the same bytes")
	}
}

func TestRenderMasksAccountNumber(t *testing.T) {
	t.Parallel()
	s := newStatement(10)
	s.Account.Number = "4410-0239-87651"
	s.Lines[2].Description = "TRANSFER FROM 4410-0239-87651"
	s.Lines[3].Description = "TRANSFER TO 441002398765100 SAVINGS"
	b := render(t, s)

	texts := map[string]string{
		"ledongthuc text": strings.Join(extractPages(t, b), "\n"),
		"content runs":    allRuns(textRuns(t, b)),
	}
	for where, text := range texts {
		for _, full := range []string{"4410-0239-87651", fullChecking, "0239"} {
			if strings.Contains(text, full) {
				t.Errorf("%s contains %q of the account number", where, full)
			}
		}
		mustContain(t, where, text, "****7651", "TRANSFER FROM ****7651", "TRANSFER TO ****765100 SAVINGS")
	}
	if bytes.Contains(b, []byte(fullChecking)) || bytes.Contains(b, []byte("4410-0239")) {
		t.Error("raw PDF bytes contain the account number")
	}

	// Validation errors quote descriptions; they mask the number too.
	s.Lines[2].Balance++
	err := s.Validate()
	if err == nil || strings.Contains(err.Error(), "87651") {
		t.Errorf("Validate() = %v, want an error with the number masked", err)
	}
}

func TestRenderCreditCard(t *testing.T) {
	t.Parallel()
	s := newCreditCard()
	b := render(t, s)
	text := strings.Join(extractPages(t, b), "\n")
	mustContain(t, "card statement", text,
		"Credit card ****5309",
		"Previous balance owed on October 1, 2026", "842.10",
		"Purchases, fees and interest (3)", "1,382.18",
		"Payments and credits (2)", "-867.10",
		"New balance owed on October 31, 2026", "1,357.18",
		"Balance owed",
		"PAYMENT - THANK YOU", "-842.10",
		"AMAZON MKTPLACE PMTS", "1,299.99", "1,363.41",
		"RETURN AMAZON MKTPLACE", "-25.00",
		"Page 1 of 1",
	)
	// The convention is spelled out on the statement itself.
	mustContain(t, "card statement", allRuns(textRuns(t, b)),
		"Amounts that add to what you owe (purchases, fees, interest) are positive;",
		"payments and credits are negative.",
	)
	if strings.Contains(text, "4111") {
		t.Error("card statement shows more than the last four digits")
	}

	// A payment entered with the deposit-account sign (positive) while the
	// balances treat it as reducing what is owed does not add up.
	bad := newCreditCard()
	bad.Lines[0].Amount = -bad.Lines[0].Amount
	if _, err := Render(bad); err == nil || !strings.Contains(err.Error(), "line 1 (2026-10-03 'PAYMENT - THANK YOU'): running balance 0.00, expected 1,684.20") {
		t.Errorf("Render(payment with wrong sign) error = %v", err)
	}
}

func TestRenderChecksPaid(t *testing.T) {
	t.Parallel()
	s := newStatement(120)
	var total int64
	var n int
	for _, l := range s.Lines {
		if l.CheckNumber != "" {
			total += l.Amount
			n++
		}
	}
	text := strings.Join(extractPages(t, render(t, s)), "\n")
	mustContain(t, "checks paid", text,
		fmt.Sprintf("Checks paid: %d, totaling %s", n, formatMinor(total)),
		"1006*", // 1004 and 1005 are missing
		"* Break in check number sequence",
	)
	if strings.Contains(text, "1007*") {
		t.Error("1007 follows 1006 but is marked as a break")
	}

	none := newCreditCard()
	if text := strings.Join(extractPages(t, render(t, none)), "\n"); strings.Contains(text, "Checks paid") {
		t.Error("a statement without checks has a checks-paid section")
	}
}

func TestRenderChecksPaidSortsByNumber(t *testing.T) {
	t.Parallel()
	s := newStatement(0)
	bal := s.Opening
	for i, num := range []string{"230", "9", "10", "231"} {
		bal -= 1_000
		s.Lines = append(s.Lines, Line{Posted: octStart.AddDate(0, 0, i), Description: "CHECK", CheckNumber: num, Amount: -1_000, Balance: bal})
	}
	s.Closing = bal
	var numbers []string
	inChecks := false
	for _, p := range textRuns(t, render(t, s)) {
		for _, r := range p {
			inChecks = inChecks || strings.HasPrefix(r.s, "Checks paid")
			switch strings.TrimSuffix(r.s, "*") {
			case "9", "10", "230", "231":
				if inChecks {
					numbers = append(numbers, r.s)
				}
			}
		}
	}
	// Numerically, not as text ("10" < "230" < "9"); 230 follows a break.
	want := "9 10 230* 231"
	if got := strings.Join(numbers, " "); !strings.Contains(got, want) {
		t.Errorf("checks listed as %q, want %q", got, want)
	}
}

func TestRenderEmptyPeriod(t *testing.T) {
	t.Parallel()
	s := newStatement(0)
	s.Closing = s.Opening
	text := strings.Join(extractPages(t, render(t, s)), "\n")
	mustContain(t, "empty statement", text,
		"No transactions posted this period", "Deposits and credits (0)", "Withdrawals and debits (0)", "Page 1 of 1")
}

// TestRenderAddressInEnvelopeWindow checks that the member's name and
// address, and nothing else, print in the band a #10 window shows.
func TestRenderAddressInEnvelopeWindow(t *testing.T) {
	t.Parallel()
	s := newStatement(30)
	pages := textRuns(t, render(t, s))
	const bandTop, bandBottom = 2.0 * 72, 3.6 * 72
	var inBand []string
	for _, r := range pages[0] {
		if r.top >= bandTop && r.top <= bandBottom {
			inBand = append(inBand, r.s)
			if r.x < 0.875*72 || r.x > addressX+addressW {
				t.Errorf("%q starts %.0fpt from the left, outside the window", r.s, r.x)
			}
		}
	}
	want := append([]string{s.Member.Name}, s.Member.Address...)
	if strings.Join(inBand, "|") != strings.Join(want, "|") {
		t.Errorf("window band shows %q, want %q", inBand, want)
	}
}

// TestRenderDescriptionsStayInColumn measures every string drawn in the
// description column and checks that none reaches the check-number column.
func TestRenderDescriptionsStayInColumn(t *testing.T) {
	t.Parallel()
	s := newStatement(40)
	s.Lines[7].Description = strings.Repeat("WIDEWORDWITHOUTSPACES", 8)
	s.Lines[8].Description = strings.Repeat("MMMM WWWW ", 40)
	m := newTestRenderer(t)
	descStart, checkStart := margin+colDate, margin+colDate+colDesc
	var seen int
	for pi, p := range textRuns(t, render(t, s)) {
		for _, r := range p {
			// Table rows are the 9pt text above the footer.
			if r.x < descStart || r.x >= checkStart || r.size != 9 || r.top > bodyBottom {
				continue
			}
			seen++
			m.pdf.SetFont(fontFamily, "", r.size)
			if end := r.x + m.pdf.GetStringWidth(r.s); end > checkStart {
				t.Errorf("page %d: %q ends at %.1fpt, past the check column at %.1fpt", pi+1, r.s, end, checkStart)
			}
		}
	}
	if seen < 40 {
		t.Fatalf("found only %d strings in the description column", seen)
	}
}

func TestRenderRejectsInvalidWithoutPDF(t *testing.T) {
	t.Parallel()
	s := newStatement(5)
	s.Closing++
	b, err := Render(s)
	if err == nil || b != nil {
		t.Fatalf("Render(unbalanced) = %d bytes, %v; want no PDF and an error", len(b), err)
	}
}

func TestRenderDoesNotExpandPageAliasFromText(t *testing.T) {
	t.Parallel()
	s := newStatement(3)
	s.Lines[0].Description = "FEE" + pagesAlias + "REF"
	all := allRuns(textRuns(t, render(t, s)))
	mustContain(t, "text runs", all, "FEE nb REF")
}
