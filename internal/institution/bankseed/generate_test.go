package bankseed_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := bankseed.Options{Members: 3, Months: 4, Seed: 42, Now: now}
		sum1, err := bankseed.Generate(ctx, db, o)
		if err != nil {
			t.Fatal(err)
		}
		other := storetest.Open(t, db.Dialect())
		// Another time of the same day is the same "today".
		o2 := o
		o2.Now = now.Add(3 * time.Hour)
		sum2, err := bankseed.Generate(ctx, other, o2)
		if err != nil {
			t.Fatal(err)
		}
		if sum1 != sum2 {
			t.Fatalf("summaries differ: %+v and %+v", sum1, sum2)
		}
		if d1, d2 := digest(t, db), digest(t, other); d1 != d2 {
			t.Fatalf("the same options gave different rows: digest %s and %s", d1, d2)
		}

		// The seed matters.
		third := storetest.Open(t, db.Dialect())
		o3 := o
		o3.Seed = 43
		if _, err := bankseed.Generate(ctx, third, o3); err != nil {
			t.Fatal(err)
		}
		if digest(t, third) == digest(t, db) {
			t.Fatal("seeds 42 and 43 gave the same bank")
		}

		// A member does not depend on how many others are generated: the
		// first three of four are the three above.
		fourth := storetest.Open(t, db.Dialect())
		o4 := o
		o4.Members = 4
		if _, err := bankseed.Generate(ctx, fourth, o4); err != nil {
			t.Fatal(err)
		}
		a, b := members(t, db), members(t, fourth)
		for _, m := range a {
			var same bool
			for _, n := range b {
				if n.Number == m.Number {
					same = n.Name() == m.Name() && n.Email == m.Email && n.SSNLast4 == m.SSNLast4
				}
			}
			if !same {
				t.Errorf("member %s differs when four members are generated", m.Number)
			}
		}
	})
}

func TestGenerateShape(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sum, err := bankseed.Generate(context.Background(), db, bankseed.Options{Members: 8, Months: 13, Seed: 7, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Members != 8 ||
			sum.Accounts != count(t, db, `SELECT COUNT(*) FROM bank_account`) ||
			sum.Transactions != count(t, db, `SELECT COUNT(*) FROM bank_transaction`) ||
			sum.Statements != count(t, db, `SELECT COUNT(*) FROM bank_statement`) {
			t.Fatalf("summary %+v does not count the rows written", sum)
		}
		if sum.Accounts < 8 || sum.Transactions < 8*13*20 {
			t.Fatalf("a thin bank: %+v", sum)
		}
		checkMembers(t, db)
		checkShape(t, db, today)
	})
}

// checkMembers: fictitious contact details only.
func checkMembers(t *testing.T, db *store.DB) {
	t.Helper()
	email := regexp.MustCompile(`^[a-z.0-9]+@example\.(com|org|net)$`)
	tel := regexp.MustCompile(`^\+120255501\d\d$`)
	for _, m := range members(t, db) {
		if !email.MatchString(m.Email) || !tel.MatchString(m.PhoneOnFile) || m.SSNFirst4[0] != '9' || len(m.SSNFirst4) != 4 ||
			len(m.SSNLast4) != 4 || m.BirthYear < 1940 || len(m.Address) < 2 {
			t.Errorf("member %s: email %q, phone %q, SSN %s…%s, born %d, address %q", m.Number, m.Email, m.PhoneOnFile,
				m.SSNFirst4, m.SSNLast4, m.BirthYear, m.Address)
		}
	}
}

// checkShape holds every account of the bank to what a real bank's would
// look like on today.
func checkShape(t *testing.T, db *store.DB, today time.Time) {
	t.Helper()
	fitFormat := regexp.MustCompile(`^[0-9A-F]{12}-\d{6}$`)
	fitPrefixes := map[string]string{}
	var checks, cardStatementsOwed, paidInFull, lateTips, historyTips, pendingNow int
	for _, a := range allAccounts(t, db) {
		rows := history(t, db, a.ID)
		open := opened(a)
		end := today
		if a.Closed() {
			end = time.Date(a.ClosedAt.Year(), a.ClosedAt.Month(), a.ClosedAt.Day(), 0, 0, 0, 0, time.UTC)
		}

		// Balances: the posted rows make the balance; checking never goes
		// below zero (the generator spends less when money is short).
		var balance, low int64
		voids := map[int64]*institution.Transaction{}
		for _, tr := range rows {
			if tr.Date.Before(open) || tr.Date.After(end) {
				t.Errorf("account %s (%s–%s): %s dated %s", a.Number, open.Format(time.DateOnly), end.Format(time.DateOnly), tr.FITID, tr.Date.Format(time.DateOnly))
			}
			if !fitFormat.MatchString(tr.FITID) {
				t.Errorf("FITID %q", tr.FITID)
			}
			prefix := tr.FITID[:12]
			if other, ok := fitPrefixes[prefix]; ok && other != a.Number {
				t.Errorf("accounts %s and %s share FITID prefix %s", other, a.Number, prefix)
			}
			fitPrefixes[prefix] = a.Number
			switch tr.Status {
			case institution.Posted:
				balance += tr.Amount
				low = min(low, balance)
			case institution.Void:
				voids[tr.ID] = tr
			case institution.Pending:
				pendingNow++
				if tr.Date.Before(today.AddDate(0, 0, -1)) {
					t.Errorf("account %s: %s still pending from %s", a.Number, tr.FITID, tr.Date.Format(time.DateOnly))
				}
			}
		}
		if balance != a.Balance {
			t.Errorf("account %s: balance %d, posted rows add up to %d", a.Number, a.Balance, balance)
		}
		if a.Type == institution.Checking && low < 0 {
			t.Errorf("checking %s went down to %d", a.Number, low)
		}
		if a.Type == institution.CreditCard && -low > a.CreditLimit+a.CreditLimit/10 {
			t.Errorf("card %s owed %d on a limit of %d", a.Number, -low, a.CreditLimit)
		}

		// Every pending item that posted is replaced by exactly one posting.
		postedFor := map[int64]int{}
		for _, tr := range rows {
			if tr.PendingID == 0 {
				continue
			}
			v, ok := voids[tr.PendingID]
			if !ok || tr.Status != institution.Posted {
				t.Errorf("account %s: %s points at %d, not a void pending item of the account", a.Number, tr.FITID, tr.PendingID)
				continue
			}
			postedFor[tr.PendingID]++
			if v.Amount != tr.Amount {
				if v.Date.Before(today.AddDate(0, 0, -2)) {
					historyTips++
				} else {
					lateTips++
				}
			}
		}
		for id := range voids {
			if postedFor[id] != 1 {
				t.Errorf("account %s: void item %d posted %d times", a.Number, id, postedFor[id])
			}
		}

		checkStatements(t, db, a, rows, open, end)

		switch a.Type {
		case institution.Checking:
			// Paychecks every full month.
			for m := time.Date(open.Year(), open.Month()+1, 1, 0, 0, 0, 0, time.UTC); m.AddDate(0, 1, -1).Before(end); m = m.AddDate(0, 1, 0) {
				n := 0
				for _, tr := range rows {
					if tr.Type == "DIRECTDEP" && tr.Amount > 0 && tr.Status == institution.Posted && tr.Date.Year() == m.Year() && tr.Date.Month() == m.Month() {
						n++
					}
				}
				if n < 2 {
					t.Errorf("checking %s: %d paychecks in %s", a.Number, n, m.Format("2006-01"))
				}
			}
			// Checks: numbered in sequence, each to a payee.
			last := 0
			for _, tr := range rows {
				if tr.Type != "CHECK" {
					continue
				}
				checks++
				n, err := strconv.Atoi(tr.CheckNumber)
				if err != nil || n <= last || tr.Payee == "" || tr.Amount >= 0 || tr.Description != "CHECK "+tr.CheckNumber {
					t.Errorf("checking %s: check %q after %d, payee %q, amount %d, %q", a.Number, tr.CheckNumber, last, tr.Payee, tr.Amount, tr.Description)
				}
				last = n
			}
		case institution.CreditCard:
			var purchases, payments int
			for _, tr := range rows {
				switch {
				case tr.Type == "POS" && tr.Amount < 0:
					purchases++
				case tr.Type == "PAYMENT" && tr.Amount > 0:
					payments++
				}
			}
			// Each statement that owes is paid within 25 days: at least the
			// minimum, mostly all of it.
			owing := 0
			for _, st := range statements(t, db, a.ID) {
				owed := -st.Closing
				if owed <= 0 || !st.PeriodEnd.AddDate(0, 0, 25).Before(today) {
					continue
				}
				owing++
				cardStatementsOwed++
				var paid int64
				for _, tr := range rows {
					if tr.Type == "PAYMENT" && tr.Status == institution.Posted && tr.Date.After(st.PeriodEnd) && !tr.Date.After(st.PeriodEnd.AddDate(0, 0, 25)) {
						paid += tr.Amount
					}
				}
				if paid < min(owed, 25_00) {
					t.Errorf("card %s: statement to %s owes %d, paid %d", a.Number, st.PeriodEnd.Format(time.DateOnly), owed, paid)
				}
				if paid == owed {
					paidInFull++
				}
			}
			if purchases == 0 || (owing > 0 && payments == 0) {
				t.Errorf("card %s: %d purchases and %d payments", a.Number, purchases, payments)
			}
		}
	}
	if checks == 0 || pendingNow == 0 || lateTips == 0 || historyTips == 0 {
		t.Errorf("%d checks, %d pending today, %d authorisations of the last two days and %d older ones posted for another amount",
			checks, pendingNow, lateTips, historyTips)
	}
	if paidInFull*2 < cardStatementsOwed {
		t.Errorf("only %d of %d card statements paid in full", paidInFull, cardStatementsOwed)
	}
}

// checkStatements: one statement per complete period from the opening
// day, chained, each closing on its period's postings; a closed account
// has a last statement to its closing day.
func checkStatements(t *testing.T, db *store.DB, a *institution.Account, rows []*institution.Transaction, open, end time.Time) {
	t.Helper()
	var want []time.Time
	for m := 0; ; m++ {
		_, e := institution.PeriodEnding(a.StatementCycleDay, open.Year(), open.Month()+time.Month(m))
		e = time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, time.UTC)
		if e.Before(open) {
			continue
		}
		if !e.Before(end) {
			if a.Closed() && !e.Equal(end) {
				want = append(want, end)
			} else if a.Closed() {
				want = append(want, e)
			}
			break
		}
		want = append(want, e)
	}
	got := statements(t, db, a.ID)
	var ends []string
	for _, st := range got {
		ends = append(ends, st.PeriodEnd.Format(time.DateOnly))
	}
	var wantEnds []string
	for _, e := range want {
		wantEnds = append(wantEnds, e.Format(time.DateOnly))
	}
	if strings.Join(ends, " ") != strings.Join(wantEnds, " ") {
		t.Errorf("account %s (cycle day %d, %s–%s): statements ending %v, want %v", a.Number, a.StatementCycleDay,
			open.Format(time.DateOnly), end.Format(time.DateOnly), ends, wantEnds)
		return
	}
	start, opening := open, int64(0)
	for _, st := range got {
		var inPeriod int64
		for _, tr := range rows {
			if tr.Status == institution.Posted && !tr.Date.Before(st.PeriodStart) && !tr.Date.After(st.PeriodEnd) {
				inPeriod += tr.Amount
			}
		}
		if !st.PeriodStart.Equal(start) || st.Opening != opening || st.Closing != opening+inPeriod {
			t.Errorf("account %s: statement %s–%s opens %d closes %d; want from %s, opening %d, closing %d", a.Number,
				st.PeriodStart.Format(time.DateOnly), st.PeriodEnd.Format(time.DateOnly), st.Opening, st.Closing,
				start.Format(time.DateOnly), opening, opening+inPeriod)
		}
		start, opening = st.PeriodEnd.AddDate(0, 0, 1), st.Closing
	}
}

func TestGenerateTwoBanksInOneDatabase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, err := bankseed.Generate(ctx, db, bankseed.Options{Members: 2, Months: 2, Seed: 1, Now: now, MemberNumberPrefix: "A"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := bankseed.Generate(ctx, db, bankseed.Options{Members: 2, Months: 2, Seed: 1, Now: now, MemberNumberPrefix: "B"})
		if err != nil {
			t.Fatalf("a second bank with the same seed and another prefix: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM bank_transaction`); n != a.Transactions+b.Transactions {
			t.Fatalf("%d transactions, want %d", n, a.Transactions+b.Transactions)
		}
		if _, err := institution.MemberByNumber(ctx, db.Reader(), "B000002"); err != nil {
			t.Fatal(err)
		}
		_, err = bankseed.Generate(ctx, db, bankseed.Options{Members: 1, Months: 2, Seed: 1, Now: now, MemberNumberPrefix: "A"})
		if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "A000001 is taken") {
			t.Fatalf("the same prefix again: %v, want a conflict on A000001", err)
		}
	})
}

func TestGenerateRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		o    bankseed.Options
		want string
	}{
		{"no today", bankseed.Options{Members: 1, Months: 1}, "now is required"},
		{"no months", bankseed.Options{Members: 1, Now: now}, "months 0"},
		{"negative members", bankseed.Options{Members: -1, Months: 1, Now: now}, "members -1"},
		{"too many months", bankseed.Options{Members: 1, Months: 121, Now: now}, "months 121"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Options are checked before the database is touched.
			_, err := bankseed.Generate(context.Background(), nil, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%+v: %v, want %q", tc.o, err, tc.want)
			}
		})
	}
}

// The same options give the same rows on both databases.
func TestGenerateIsTheSameOnBothDatabases(t *testing.T) {
	t.Parallel()
	if storetest.PostgresURL() == "" {
		t.Skipf("PostgreSQL tier skipped: %s is not set", storetest.PostgresEnv)
	}
	o := bankseed.Options{Members: 2, Months: 3, Seed: 5, Now: now}
	var digests []string
	for _, d := range storetest.Dialects {
		db := storetest.Open(t, d)
		if _, err := bankseed.Generate(context.Background(), db, o); err != nil {
			t.Fatal(err)
		}
		digests = append(digests, digest(t, db))
	}
	if digests[0] != digests[1] {
		t.Fatalf("SQLite and PostgreSQL hold different rows: %v", digests)
	}
}
