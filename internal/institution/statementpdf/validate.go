package statementpdf

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxProblems caps how many problems one error lists; a statement built from
// the wrong query can be wrong on every line, and the first few say enough.
const maxProblems = 10

// Validate reports whether s can be rendered: everything the PDF prints is
// present, every line falls inside the period and in date order, every
// running balance follows from the one before it, and Closing equals Opening
// plus the sum of the amounts. The error wraps ErrInvalid and names each
// problem, with the line number (counting from 1), date and description of
// the first line concerned.
func (s Statement) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if blank(s.Institution.Name) {
		add("institution name is missing")
	}
	if blank(s.Institution.Phone) {
		add("institution phone is missing (every page's footer prints it)")
	}
	if blank(s.Member.Name) {
		add("member name is missing")
	}
	if n := len(s.Institution.Address); n > maxLetterLines {
		add("institution address has %d lines; at most %d fit the letterhead", n, maxLetterLines)
	}
	switch n := len(s.Member.Address); {
	case n == 0:
		add("member mailing address is missing")
	case n > MaxAddressLines:
		add("member address has %d lines; at most %d fit the envelope window", n, MaxAddressLines)
	}
	switch s.Account.Type {
	case Checking, Savings, CreditCard:
	default:
		add("account type %q is not one of %q, %q, %q", s.Account.Type, Checking, Savings, CreditCard)
	}
	if s.Account.Currency != CurrencyUSD {
		add("currency %q is not supported (only %s)", s.Account.Currency, CurrencyUSD)
	}
	if _, err := maskNumber(s.Account.Number); err != nil {
		add("%v", err)
	}
	if blank(s.StatementID) {
		add("statement id is missing (every page's footer prints it)")
	}

	periodOK := true
	if s.PeriodStart.IsZero() || s.PeriodEnd.IsZero() {
		add("statement period is missing")
		periodOK = false
	} else if dayOf(s.PeriodEnd).Before(dayOf(s.PeriodStart)) {
		add("period ends %s, before it starts %s", isoDate(s.PeriodEnd), isoDate(s.PeriodStart))
		periodOK = false
	}
	start, end := dayOf(s.PeriodStart), dayOf(s.PeriodEnd)

	// running is the balance so far; net, credits and debits are the sums
	// the summary prints. Each is checked for overflow.
	var net, credits, debits int64
	running := s.Opening
	arithmeticOK, balanceReported := true, false
	for i, l := range s.Lines {
		label := lineLabel(i, l, s.Account.Number)
		day := dayOf(l.Posted)
		if periodOK && (day.Before(start) || day.After(end)) {
			add("%s: posted outside the period %s", label, periodText(s.PeriodStart, s.PeriodEnd))
		}
		if i > 0 && day.Before(dayOf(s.Lines[i-1].Posted)) {
			add("%s: posted before line %d (%s); lines must be in date order", label, i, isoDate(s.Lines[i-1].Posted))
		}
		if blank(l.Description) {
			add("%s: description is missing", label)
		}
		if !arithmeticOK {
			continue
		}
		ok := [4]bool{}
		running, ok[0] = addMinor(running, l.Amount)
		net, ok[1] = addMinor(net, l.Amount)
		credits, ok[2] = addMinor(credits, max(l.Amount, 0))
		debits, ok[3] = addMinor(debits, min(l.Amount, 0))
		if ok != [4]bool{true, true, true, true} {
			add("%s: amount %s overflows the statement's balance or totals", label, formatMinor(l.Amount))
			arithmeticOK = false
			continue
		}
		// Only the first mismatch is reported: one wrong amount makes every
		// later stated balance disagree with the computed one.
		if l.Balance != running && !balanceReported {
			add("%s: running balance %s, expected %s", label, formatMinor(l.Balance), formatMinor(running))
			balanceReported = true
		}
	}
	if arithmeticOK && s.Closing != running {
		add("closing balance %s, expected %s (opening balance %s plus %d lines totaling %s)",
			formatMinor(s.Closing), formatMinor(running), formatMinor(s.Opening), len(s.Lines), formatMinor(net))
	}

	if len(problems) == 0 {
		return nil
	}
	if len(problems) > maxProblems {
		more := len(problems) - maxProblems
		problems = append(problems[:maxProblems], fmt.Sprintf("and %d more problems", more))
	}
	return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(problems, "; "))
}

// lineLabel names a line in an error the way a person would find it on the
// statement: "line 7 (2026-10-14 'ACME PAYROLL')".
func lineLabel(i int, l Line, accountNumber string) string {
	desc := maskIn(strings.Join(strings.Fields(l.Description), " "), accountNumber)
	const maxRunes = 40
	if utf8.RuneCountInString(desc) > maxRunes {
		desc = string([]rune(desc)[:maxRunes-1]) + "…"
	}
	return fmt.Sprintf("line %d (%s '%s')", i+1, isoDate(l.Posted), desc)
}

func blank(s string) bool { return strings.TrimFunc(s, unicode.IsSpace) == "" }

// dayOf is t's calendar date, as t itself reports it, at midnight UTC so
// dates from different locations compare by the calendar alone.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func isoDate(t time.Time) string { return t.Format(time.DateOnly) }

// periodText is the period as printed: "October 1, 2026 – October 31, 2026".
func periodText(start, end time.Time) string {
	return longDate(start) + " – " + longDate(end)
}

func longDate(t time.Time) string { return t.Format("January 2, 2006") }
