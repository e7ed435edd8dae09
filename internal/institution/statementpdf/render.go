package statementpdf

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Page geometry, in points (72 to the inch) on US Letter.
const (
	pageW      = 612.0
	pageH      = 792.0
	margin     = 36.0 // half an inch all round
	contentW   = pageW - 2*margin
	bodyBottom = pageH - 62 // rows stop here; the footer lives below
	footerRule = pageH - 48
	cellMargin = 3.0

	// The member's address block sits where the window of a #10 envelope
	// (window 4½" × 1⅛", ⅞" from the left and ½" from the bottom) shows it
	// when the letter is folded in three, allowing for the letter to slide
	// about ⅜" down and ½" sideways inside the envelope. Nothing else is
	// printed in that band, so no balance shows through the window.
	addressX       = 72.0  // 1"
	addressY       = 173.0 // 2.4"
	addressW       = 234.0 // 3.25"
	addressLeading = 11.0

	summaryY = 276.0 // below the first fold (3⅔")

	rowLeading     = 12.0
	maxDescLines   = 3
	maxLetterLines = 4 // institution address lines in the letterhead
)

// Transaction table columns; their widths add up to contentW.
const (
	colDate    = 44.0
	colCheck   = 56.0
	colAmount  = 84.0
	colBalance = 92.0
	colDesc    = contentW - colDate - colCheck - colAmount - colBalance
)

// Checks-paid table: three (number, date, amount) groups per row.
const (
	checkGroups  = 3
	checkNumberW = 56.0
	checkDateW   = 44.0
	checkAmountW = 68.0
	checkGroupW  = checkNumberW + checkDateW + checkAmountW
	checkGap     = (contentW - checkGroups*checkGroupW) / (checkGroups - 1)
)

// pagesAlias stands for the page count until the document is closed. It
// contains a control character, which cleaned caller text never does, so a
// description cannot be rewritten by the substitution.
const pagesAlias = "\x01nb\x01"

// section is what a continuation page repeats under its header.
type section int

const (
	sectionNone section = iota
	sectionTransactions
	sectionChecks
)

// Render validates s and lays it out as a PDF. It returns an error wrapping
// ErrInvalid, and no PDF, when the statement does not add up (see
// Statement.Validate). The same s always yields the same bytes.
func Render(s Statement) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	glyphs, err := newGlyphSet()
	if err != nil {
		return nil, fmt.Errorf("statementpdf: %w", err)
	}
	masked, err := maskNumber(s.Account.Number)
	if err != nil { // unreachable after Validate; kept so a refactor cannot print the full number
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}

	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "pt", SizeStr: "Letter"})
	r := &renderer{pdf: pdf, s: s, glyphs: glyphs, masked: masked}
	r.setUp()
	r.firstPage()
	r.transactions()
	r.checksPaid()

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("statementpdf: write PDF for statement %s: %w", s.StatementID, err)
	}
	return buf.Bytes(), nil
}

type renderer struct {
	pdf     *fpdf.Fpdf
	s       Statement
	glyphs  *glyphSet
	masked  string
	section section
	shade   bool // alternate row shading
}

// text is caller text made safe to print: full account number masked,
// white space collapsed, undrawable runes replaced.
func (r *renderer) text(s string) string {
	return r.glyphs.clean(maskIn(s, r.s.Account.Number))
}

func (r *renderer) setUp() {
	p := r.pdf
	// Determinism: no clock, sorted catalogs.
	created := r.s.PeriodEnd
	p.SetCreationDate(created)
	p.SetModificationDate(created)
	p.SetCatalogSort(true)
	p.SetTitle(r.text("Statement of Account "+r.s.StatementID), true)
	p.SetAuthor(r.text(r.s.Institution.Name), true)
	p.SetLang("en-US")

	p.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	p.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(false, 0) // rows break pages themselves, whole rows at a time
	p.SetCellMargin(cellMargin)
	p.AliasNbPages(pagesAlias)
	p.SetHeaderFunc(r.continuationHeader)
	p.SetFooterFunc(r.footer)
	p.AddPage()
}

func (r *renderer) font(style string, size float64) { r.pdf.SetFont(fontFamily, style, size) }

// cell prints one line of text in a w-wide cell at the current position,
// shortened with an ellipsis if it would not fit, and moves right.
func (r *renderer) cell(w, h float64, txt, align string) {
	r.pdf.CellFormat(w, h, r.fit(txt, w), "", 0, align, false, 0, "")
}

// fit shortens txt with "…" until it fits a cell of width w.
func (r *renderer) fit(txt string, w float64) string {
	avail := w - 2*cellMargin
	if r.pdf.GetStringWidth(txt) <= avail {
		return txt
	}
	runes := []rune(txt)
	for len(runes) > 0 {
		runes = runes[:len(runes)-1]
		cand := strings.TrimRight(string(runes), " ") + "…"
		if r.pdf.GetStringWidth(cand) <= avail {
			return cand
		}
	}
	return ""
}

// wrap breaks txt into at most maxLines lines that each fit width w,
// breaking at spaces where it can and inside over-long words where it must;
// the last line is shortened with "…" if text remains.
func (r *renderer) wrap(txt string, w float64, maxLines int) []string {
	avail := w - 2*cellMargin
	fits := func(s string) bool { return r.pdf.GetStringWidth(s) <= avail }
	var lines []string
	line := ""
	for _, word := range strings.Fields(txt) {
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		if fits(cand) {
			line = cand
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		for !fits(line) { // a word wider than the column: split it
			runes := []rune(line)
			n := len(runes) - 1
			for n > 1 && !fits(string(runes[:n])) {
				n--
			}
			lines = append(lines, string(runes[:n]))
			line = string(runes[n:])
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) > maxLines {
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], r.fit(rest+" …", w)) // always ends in "…"
	}
	return lines
}

// ensure starts a new page unless h more points fit above the footer.
func (r *renderer) ensure(h float64) {
	if r.pdf.GetY()+h > bodyBottom {
		r.pdf.AddPage()
	}
}

func (r *renderer) firstPage() {
	p, s := r.pdf, r.s

	// Letterhead, left: who is writing.
	p.SetXY(margin, margin)
	r.font("B", 14)
	r.cell(300, 17, r.text(s.Institution.Name), "L")
	p.Ln(17)
	r.font("", 9)
	for _, l := range s.Institution.Address {
		r.cell(300, 11, r.text(l), "L")
		p.Ln(11)
	}
	var contact []string
	for _, c := range []string{s.Institution.Phone, s.Institution.Website} {
		if !blank(c) {
			contact = append(contact, r.text(c))
		}
	}
	r.cell(300, 11, strings.Join(contact, " · "), "L")

	// Letterhead, right: what this is.
	right := 240.0
	p.SetXY(pageW-margin-right, margin)
	r.font("B", 16)
	r.cell(right, 19, "Statement of Account", "R")
	p.SetXY(pageW-margin-right, margin+21)
	r.font("", 9)
	r.cell(right, 11, periodText(s.PeriodStart, s.PeriodEnd), "R")
	p.SetXY(pageW-margin-right, margin+32)
	r.cell(right, 11, r.text(s.Account.Type)+" "+r.masked, "R")

	// The member's address, in the envelope window.
	p.SetXY(addressX, addressY)
	r.font("B", 10)
	r.cell(addressW, addressLeading, r.text(s.Member.Name), "L")
	r.font("", 10)
	for i, l := range s.Member.Address {
		p.SetXY(addressX, addressY+float64(i+1)*addressLeading)
		r.cell(addressW, addressLeading, r.text(l), "L")
	}

	r.summary()
}

// totals are the summary's credits (positive amounts) and debits (negative
// amounts); zero-amount lines count as neither.
type totals struct {
	credits, debits            int64
	creditCount, debitCount    int
	creditLabel, debitLabel    string
	openingLabel, closingLabel string
	convention                 string
}

func (r *renderer) totals() totals {
	var t totals
	for _, l := range r.s.Lines {
		switch {
		case l.Amount > 0:
			t.credits += l.Amount // Validate checked these sums fit an int64
			t.creditCount++
		case l.Amount < 0:
			t.debits += l.Amount
			t.debitCount++
		}
	}
	if r.s.Account.isCreditCard() {
		t.openingLabel, t.closingLabel = "Previous balance owed", "New balance owed"
		t.creditLabel, t.debitLabel = "Purchases, fees and interest", "Payments and credits"
		t.convention = "Amounts that add to what you owe (purchases, fees, interest) are positive; " +
			"payments and credits are negative. A negative balance is a credit in your favor."
	} else {
		t.openingLabel, t.closingLabel = "Opening balance", "Closing balance"
		t.creditLabel, t.debitLabel = "Deposits and credits", "Withdrawals and debits"
		t.convention = "Deposits and credits are positive; withdrawals and debits are negative."
	}
	return t
}

func (r *renderer) summary() {
	p, s := r.pdf, r.s
	t := r.totals()

	const labelW, amountW, rowH = 216.0, 84.0, 14.0
	p.SetXY(margin, summaryY)
	r.font("B", 10)
	r.cell(labelW+amountW, rowH, "Account summary", "L")
	rows := []struct {
		label  string
		amount int64
		bold   bool
	}{
		{t.openingLabel + " on " + longDate(s.PeriodStart), s.Opening, false},
		{fmt.Sprintf("%s (%d)", t.creditLabel, t.creditCount), t.credits, false},
		{fmt.Sprintf("%s (%d)", t.debitLabel, t.debitCount), t.debits, false},
		{t.closingLabel + " on " + longDate(s.PeriodEnd), s.Closing, true},
	}
	y := summaryY + rowH
	for i, row := range rows {
		style := ""
		if row.bold {
			style = "B"
		}
		if i == len(rows)-1 {
			p.Line(margin+cellMargin, y, margin+labelW+amountW-cellMargin, y)
		}
		p.SetXY(margin, y)
		r.font(style, 9.5)
		r.cell(labelW, rowH, row.label, "L")
		r.cell(amountW, rowH, formatMinor(row.amount), "R")
		y += rowH
	}

	// Account details, right of the summary.
	const boxX, keyW, valW = margin + 324.0, 92.0, 124.0
	p.SetXY(boxX, summaryY)
	r.font("B", 10)
	r.cell(keyW+valW, rowH, "Account", "L")
	details := [][2]string{
		{"Account type", r.text(s.Account.Type)},
		{"Account number", r.masked},
	}
	if !blank(s.Institution.RoutingNumber) {
		details = append(details, [2]string{"Routing number", r.text(s.Institution.RoutingNumber)})
	}
	details = append(details, [2]string{"Statement", r.text(s.StatementID)})
	for i, d := range details {
		p.SetXY(boxX, summaryY+float64(i+1)*rowH)
		r.font("", 9.5)
		r.cell(keyW, rowH, d[0], "L")
		r.cell(valW, rowH, d[1], "R")
	}

	// The sign convention, in words, so no reader has to guess it.
	r.font("", 8)
	p.SetTextColor(80, 80, 80)
	y += 4
	for _, l := range r.wrap(t.convention, labelW+amountW, 3) {
		p.SetXY(margin, y)
		r.cell(labelW+amountW, 10, l, "L")
		y += 10
	}
	p.SetTextColor(0, 0, 0)
	p.SetXY(margin, max(y, summaryY+float64(len(details)+1)*rowH)+14)
}

// transactionHeader prints the table's column header at the current y.
func (r *renderer) transactionHeader() {
	p := r.pdf
	balance := "Balance"
	if r.s.Account.isCreditCard() {
		balance = "Balance owed"
	}
	p.SetX(margin)
	p.SetFillColor(225, 228, 232)
	p.Rect(margin, p.GetY(), contentW, 14, "F")
	r.font("B", 8.5)
	r.cell(colDate, 14, "Date", "L")
	r.cell(colDesc, 14, "Description", "L")
	r.cell(colCheck, 14, "Check no.", "R")
	r.cell(colAmount, 14, "Amount", "R")
	r.cell(colBalance, 14, balance, "R")
	p.Ln(14)
	r.shade = false
}

func (r *renderer) transactions() {
	p, s := r.pdf, r.s
	r.ensure(14 + 14 + 2*rowLeading)
	p.SetX(margin)
	r.font("B", 10)
	r.cell(contentW, 14, "Transactions", "L")
	p.Ln(14)
	r.transactionHeader()
	r.section = sectionTransactions

	t := r.totals()
	r.row(s.PeriodStart, []string{t.openingLabel}, "", "", formatMinor(s.Opening))
	for _, l := range s.Lines {
		r.font("", 9)
		desc := r.wrap(r.text(l.Description), colDesc, maxDescLines)
		r.row(l.Posted, desc, r.text(l.CheckNumber), formatMinor(l.Amount), formatMinor(l.Balance))
	}
	if len(s.Lines) == 0 {
		r.row(s.PeriodEnd, []string{"No transactions posted this period"}, "", "", "")
	}
	r.row(s.PeriodEnd, []string{t.closingLabel}, "", "", formatMinor(s.Closing))
	r.section = sectionNone
}

// row prints one transaction; a wrapped description makes the row taller,
// and a row never splits across pages.
func (r *renderer) row(day time.Time, desc []string, check, amount, balance string) {
	p := r.pdf
	h := rowLeading * float64(max(1, len(desc)))
	r.ensure(h)
	y := p.GetY()
	if r.shade {
		p.SetFillColor(244, 245, 247)
		p.Rect(margin, y, contentW, h, "F")
	}
	r.shade = !r.shade
	r.font("", 9)
	p.SetXY(margin, y)
	r.cell(colDate, rowLeading, day.Format("01/02"), "L")
	x := p.GetX()
	for i, d := range desc {
		p.SetXY(x, y+float64(i)*rowLeading)
		r.cell(colDesc, rowLeading, d, "L")
	}
	p.SetXY(x+colDesc, y)
	r.cell(colCheck, rowLeading, check, "R")
	r.cell(colAmount, rowLeading, amount, "R")
	r.cell(colBalance, rowLeading, balance, "R")
	p.SetXY(margin, y+h)
}

// checkPaid is one check line as listed under "Checks paid".
type checkPaid struct {
	number string
	value  uint64 // number parsed, when it is numeric
	posted time.Time
	amount int64
	gap    bool // a break in the number sequence precedes it
}

// checks lists the period's checks by number (numerically when every number
// is numeric), marking breaks in the sequence as banks conventionally do.
func (r *renderer) checks() []checkPaid {
	var out []checkPaid
	numeric := true
	for _, l := range r.s.Lines {
		n := strings.TrimSpace(l.CheckNumber)
		if n == "" {
			continue
		}
		v, err := strconv.ParseUint(n, 10, 64)
		numeric = numeric && err == nil
		out = append(out, checkPaid{number: r.text(n), value: v, posted: l.Posted, amount: l.Amount})
	}
	if !numeric {
		slices.SortStableFunc(out, func(a, b checkPaid) int { return cmp.Compare(a.number, b.number) })
		return out
	}
	slices.SortStableFunc(out, func(a, b checkPaid) int { return cmp.Compare(a.value, b.value) })
	for i := 1; i < len(out); i++ {
		prev := out[i-1].value
		out[i].gap = out[i].value != prev && out[i].value != prev+1
	}
	return out
}

func (r *renderer) checksHeader() {
	p := r.pdf
	p.SetFillColor(225, 228, 232)
	p.Rect(margin, p.GetY(), contentW, 14, "F")
	r.font("B", 8.5)
	for g := range checkGroups {
		p.SetX(margin + float64(g)*(checkGroupW+checkGap))
		r.cell(checkNumberW, 14, "Number", "L")
		r.cell(checkDateW, 14, "Date", "L")
		r.cell(checkAmountW, 14, "Amount", "R")
	}
	p.Ln(14)
}

func (r *renderer) checksPaid() {
	list := r.checks()
	if len(list) == 0 {
		return
	}
	p := r.pdf
	var total int64
	anyGap := false
	for _, c := range list {
		total += c.amount
		anyGap = anyGap || c.gap
	}
	p.SetY(p.GetY() + 16)
	r.ensure(14 + 14 + rowLeading)
	p.SetX(margin)
	r.font("B", 10)
	r.cell(contentW, 14, fmt.Sprintf("Checks paid: %d, totaling %s", len(list), formatMinor(total)), "L")
	p.Ln(14)
	r.checksHeader()
	r.section = sectionChecks

	for start := 0; start < len(list); start += checkGroups {
		r.ensure(rowLeading)
		y := p.GetY()
		r.font("", 9)
		for g, c := range list[start:min(start+checkGroups, len(list))] {
			p.SetXY(margin+float64(g)*(checkGroupW+checkGap), y)
			number := c.number
			if c.gap {
				number += "*"
			}
			r.cell(checkNumberW, rowLeading, number, "L")
			r.cell(checkDateW, rowLeading, c.posted.Format("01/02"), "L")
			r.cell(checkAmountW, rowLeading, formatMinor(c.amount), "R")
		}
		p.SetXY(margin, y+rowLeading)
	}
	r.section = sectionNone
	if anyGap {
		r.ensure(14)
		p.SetXY(margin, p.GetY()+4)
		r.font("", 8)
		r.cell(contentW, 10, "* Break in check number sequence", "L")
	}
}

// continuationHeader runs at the top of every page; pages after the first
// get a short header and repeat the column header of the table in progress.
func (r *renderer) continuationHeader() {
	p := r.pdf
	if p.PageNo() == 1 {
		return
	}
	p.SetXY(margin, margin)
	r.font("B", 10)
	r.cell(contentW/2, 14, r.text(r.s.Institution.Name), "L")
	r.font("", 8.5)
	r.cell(contentW/2, 14, r.text(r.s.Account.Type)+" "+r.masked+" · "+periodText(r.s.PeriodStart, r.s.PeriodEnd), "R")
	p.SetDrawColor(160, 160, 160)
	p.Line(margin, margin+17, pageW-margin, margin+17)
	p.SetDrawColor(0, 0, 0)
	p.SetXY(margin, margin+24)
	switch r.section {
	case sectionTransactions:
		r.transactionHeader()
	case sectionChecks:
		r.checksHeader()
	}
}

// footer runs at the bottom of every page.
func (r *renderer) footer() {
	p := r.pdf
	p.SetDrawColor(160, 160, 160)
	p.Line(margin, footerRule, pageW-margin, footerRule)
	p.SetDrawColor(0, 0, 0)
	r.font("", 8)
	y := footerRule + 4
	p.SetXY(margin, y)
	r.cell(150, 10, "Statement "+r.text(r.s.StatementID), "L")

	contact := "Questions? Call " + r.text(r.s.Institution.Phone)
	if !blank(r.s.Institution.Website) {
		contact += " · " + r.text(r.s.Institution.Website)
	}
	r.cell(contentW-2*150, 10, contact, "C")

	// Left-aligned from a fixed point: the alias is measured before the
	// page count replaces it, so right alignment would drift.
	label := "Page " + strconv.Itoa(p.PageNo()) + " of " + pagesAlias
	w := p.GetStringWidth("Page 999 of 999") + 2*cellMargin
	p.SetXY(pageW-margin-w, y)
	p.CellFormat(w, 10, label, "", 0, "L", false, 0, "")
}
