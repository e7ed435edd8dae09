package statementpdf

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidateAcceptsStatementsThatAddUp(t *testing.T) {
	t.Parallel()
	empty := newStatement(0)
	for name, s := range map[string]Statement{
		"checking": newStatement(120),
		"card":     newCreditCard(),
		"empty":    empty,
	} {
		if err := s.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", name, err)
		}
	}
}

// TestValidateNamesTheLine pins the exact wording a support person sees.
func TestValidateNamesTheLine(t *testing.T) {
	t.Parallel()
	s := newStatement(0)
	s.Opening = 0
	var bal int64
	for i, amount := range []int64{16_000, 16_000, 16_000, 16_000, 16_000, 20_000, 25_000} {
		bal += amount
		s.Lines = append(s.Lines, Line{
			Posted:      time.Date(2026, 10, 2*i+2, 9, 30, 0, 0, time.UTC),
			Description: "DEPOSIT",
			Amount:      amount,
			Balance:     bal,
		})
	}
	s.Closing = bal                                                      // 1,250.00: the total adds up…
	s.Lines[6].Description, s.Lines[6].Balance = "ACME PAYROLL", 120_000 // …but line 7's balance does not
	err := s.Validate()
	want := "statementpdf: invalid statement: line 7 (2026-10-14 'ACME PAYROLL'): running balance 1,200.00, expected 1,250.00"
	if err == nil || err.Error() != want {
		t.Fatalf("Validate() = %v\nwant %s", err, want)
	}
}

func TestValidateRejects(t *testing.T) {
	t.Parallel()
	base := newStatement(20)
	label := func(i int) string { return lineLabel(i, base.Lines[i], base.Account.Number) }

	tests := []struct {
		name   string
		mutate func(*Statement)
		want   []string // substrings of the error
		not    []string // must not appear
	}{
		{
			name:   "closing does not equal opening plus amounts",
			mutate: func(s *Statement) { s.Closing += 1_000 },
			want: []string{"closing balance " + formatMinor(base.Closing+1_000) + ", expected " + formatMinor(base.Closing) +
				" (opening balance 12,500.00 plus 20 lines totaling " + formatMinor(base.Closing-base.Opening) + ")"},
		},
		{
			name:   "line before the period",
			mutate: func(s *Statement) { s.Lines[0].Posted = time.Date(2026, 9, 30, 23, 0, 0, 0, time.UTC) },
			want:   []string{"line 1 (2026-09-30 'ACME PAYROLL DIRECT DEP 000'): posted outside the period October 1, 2026 – October 31, 2026"},
		},
		{
			name:   "line after the period",
			mutate: func(s *Statement) { s.Lines[19].Posted = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
			want:   []string{"line 20 (2026-11-01 'POS PURCHASE HY-VEE STORE 019'): posted outside the period"},
		},
		{
			name:   "lines out of date order",
			mutate: func(s *Statement) { s.Lines[8].Posted = s.Lines[7].Posted.AddDate(0, 0, -3) },
			want:   []string{"line 9 (", "): posted before line 8 (" + isoDate(base.Lines[7].Posted) + "); lines must be in date order"},
		},
		{
			name:   "wrong running balance is reported once, where it starts",
			mutate: func(s *Statement) { s.Lines[6].Balance += 5_000 },
			want:   []string{label(6) + ": running balance " + formatMinor(base.Lines[6].Balance+5_000) + ", expected " + formatMinor(base.Lines[6].Balance)},
			not:    []string{"line 8 ("},
		},
		{
			name: "wrong amount makes later balances disagree; the first is named",
			mutate: func(s *Statement) {
				s.Lines[3].Amount -= 100
			},
			want: []string{label(3) + ": running balance", "closing balance"},
			not:  []string{"line 5 ("},
		},
		{
			name:   "missing description",
			mutate: func(s *Statement) { s.Lines[2].Description = " \t" },
			want:   []string{"line 3 (" + isoDate(base.Lines[2].Posted) + " ''): description is missing"},
		},
		{
			name:   "overflow",
			mutate: func(s *Statement) { s.Opening = math.MaxInt64 - 1 },
			want:   []string{"line 1 (", "overflows the statement's balance or totals"},
		},
		{
			name: "credits overflow even though the balance stays in range",
			mutate: func(s *Statement) {
				const big = math.MaxInt64/2 + 1
				s.Opening, s.Closing = 0, 0
				s.Lines = s.Lines[:4]
				for i, amount := range []int64{big, -big, big, -big} {
					s.Lines[i].Amount = amount
					s.Lines[i].Balance = max(amount, 0)
				}
			},
			want: []string{"line 3 (", "overflows the statement's balance or totals"},
		},
		{
			name:   "letterhead address too long",
			mutate: func(s *Statement) { s.Institution.Address = []string{"a", "b", "c", "d", "e"} },
			want:   []string{"institution address has 5 lines; at most 4 fit the letterhead"},
		},
		{
			name:   "unknown account type",
			mutate: func(s *Statement) { s.Account.Type = "Money market" },
			want:   []string{`account type "Money market" is not one of "Checking", "Savings", "Credit card"`},
		},
		{
			name:   "currency",
			mutate: func(s *Statement) { s.Account.Currency = "EUR" },
			want:   []string{`currency "EUR" is not supported (only USD)`},
		},
		{
			name:   "account number too short to mask",
			mutate: func(s *Statement) { s.Account.Number = "0042" },
			want:   []string{"account number is too short to mask"},
		},
		{
			name:   "period reversed",
			mutate: func(s *Statement) { s.PeriodStart, s.PeriodEnd = s.PeriodEnd, s.PeriodStart },
			want:   []string{"period ends 2026-10-01, before it starts 2026-10-31"},
			not:    []string{"posted outside"}, // one problem, not twenty
		},
		{
			name:   "address too long for the window",
			mutate: func(s *Statement) { s.Member.Address = []string{"a", "b", "c", "d", "e"} },
			want:   []string{"member address has 5 lines; at most 4 fit the envelope window"},
		},
		{
			name: "missing printed fields",
			mutate: func(s *Statement) {
				s.Institution.Name, s.Institution.Phone, s.Member.Name, s.StatementID = "", "", "", ""
				s.Member.Address = nil
			},
			want: []string{"institution name is missing", "institution phone is missing", "member name is missing",
				"member mailing address is missing", "statement id is missing"},
		},
		{
			name: "many bad lines are capped",
			mutate: func(s *Statement) {
				for i := range s.Lines {
					s.Lines[i].Description = ""
				}
			},
			want: []string{"and 10 more problems"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStatement(20)
			s.Lines = append([]Line(nil), s.Lines...)
			tt.mutate(&s)
			err := s.Validate()
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want ErrInvalid", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\ndoes not contain %q", msg, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(msg, n) {
					t.Errorf("error %q\ncontains %q", msg, n)
				}
			}
			if b, rerr := Render(s); b != nil || rerr == nil || rerr.Error() != msg {
				t.Errorf("Render = %d bytes, %v; want no PDF and the same error", len(b), rerr)
			}
		})
	}
}

func TestValidateComparesCalendarDates(t *testing.T) {
	t.Parallel()
	s := newStatement(2)
	// Late on the last day, in the member's zone: inside the period.
	chicago := time.FixedZone("CST", -6*3600)
	s.Lines[1].Posted = time.Date(2026, 10, 31, 23, 59, 0, 0, chicago)
	if err := s.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}
