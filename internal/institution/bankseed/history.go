package bankseed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
)

// checkingFloor is the balance discretionary spending keeps checking above:
// a purchase, a transfer or a check that would go below it is skipped or
// made smaller. Bills are paid whatever the balance (from savings first
// when the member has some).
const checkingFloor = 100_00

// The occasional fees: a maintenance fee for a checking period that ends
// below lowBalance, and some ATM withdrawals outside the network.
const (
	lowBalance    = 500_00
	lowBalanceFee = 12_00
	atmFee        = 3_00
)

// account is an account being filled, with what the generator tracks
// beside its posted balance.
type account struct {
	*institution.Account
	lead    byte   // the first digit of the account number: its type
	fit     string // FITID prefix
	seq     int    // FITIDs issued
	openOn  time.Time
	closeOn time.Time // zero: stays open
	closed  bool
	holds   int64     // authorised debits not yet posted, as a positive amount
	lastEnd time.Time // the end of the last closed statement period

	nextCheck int // checking

	stmtOwed, stmtMin, paidSinceStmt int64 // credit card: the last statement and what was paid on it
	payOn                            time.Time
}

func (a *account) open(d time.Time) bool { return a != nil && !a.closed && !d.Before(a.openOn) }

// available is what may be spent: the posted balance less the holds.
func (a *account) available() int64 { return a.Balance - a.holds }

// hold is an authorisation waiting to post.
type hold struct {
	acct   *account
	id     int64
	amount int64 // authorised (negative)
	postOn time.Time
	posted institution.Transaction // what posts; the FITID is issued then
}

// check is a paper check written and not yet cleared.
type check struct {
	clearOn time.Time
	payee   string
	memo    string
	amount  int64 // positive
}

// sim fills one member's accounts day by day, from the first account's
// opening to today, in one database transaction. Its first error stops it
// (err is sticky, so the steps read straight through).
type sim struct {
	ctx context.Context
	tx  *sql.Tx
	r   *rand.Rand
	p   *profile
	bank

	chk, sav, card *account
	accounts       []*account // in opening order
	holds          []*hold
	checks         []check
	savedMonth     int // year*12+month of the last checking→savings transfer

	sum Summary
	err error
}

// bank is what every member of one Generate shares.
type bank struct {
	seed   int64
	prefix string
	start  time.Time // the first day of the history
	today  time.Time
}

// writeMember creates member idx of p with their accounts and history, in
// one transaction.
func (b bank) writeMember(ctx context.Context, db *store.DB, idx int, r *rand.Rand, p *profile) (Summary, error) {
	var s *sim
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		s = &sim{ctx: ctx, tx: tx, r: r, p: p, bank: b}
		if err := s.create(idx); err != nil {
			return err
		}
		for d := s.accounts[0].openOn; !d.After(b.today) && s.err == nil; d = d.AddDate(0, 0, 1) {
			s.day(d)
		}
		return s.err
	})
	if err != nil {
		return Summary{}, err
	}
	return s.sum, nil
}

// create adds the member and opens their accounts, each on the first day
// of a statement period so that every period is complete.
func (s *sim) create(idx int) error {
	type want struct {
		on   bool
		typ  institution.AccountType
		lead byte
		slot **account
	}
	var opened []*account
	for _, w := range []want{
		{s.p.checking, institution.Checking, '1', &s.chk},
		{s.p.savings, institution.Savings, '2', &s.sav},
		{s.p.card, institution.CreditCard, '3', &s.card},
	} {
		if !w.on {
			continue
		}
		cycle := s.p.cycleDay[w.typ]
		openOn := openingDay(s.start, cycle)
		if openOn.After(s.today) {
			openOn = s.today
		}
		a := &account{Account: &institution.Account{Type: w.typ, StatementCycleDay: cycle, OpenedAt: openOn.Add(10 * time.Hour)},
			openOn: openOn, lastEnd: openOn.AddDate(0, 0, -1), nextCheck: s.p.firstCheckNum}
		if w.typ == institution.CreditCard {
			a.CreditLimit = s.p.creditLimit
		}
		if w.typ == institution.Savings {
			a.closeOn = s.p.savingsCloseOn
		}
		a.lead = w.lead
		*w.slot = a
		opened = append(opened, a)
	}
	// The member joined the day their first account opened.
	first := slices.MinFunc(opened, func(a, b *account) int { return a.openOn.Compare(b.openOn) }).openOn
	if err := institution.CreateMember(s.ctx, s.tx, &s.p.member, first.Add(10*time.Hour)); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("member number %s is taken: generate into an empty bank or choose another member number prefix: %w", s.p.member.Number, err)
		}
		return err
	}
	s.sum.Members++
	for _, a := range opened {
		a.MemberID = s.p.member.ID
		for attempt := 0; ; attempt++ {
			a.Number = accountNumber(s.seed, s.prefix, idx, string(a.Type), a.lead, attempt)
			_, err := institution.AccountByNumber(s.ctx, s.tx, a.Number)
			if errors.Is(err, store.ErrNotFound) {
				break
			}
			if err != nil {
				return err
			}
			if attempt == 100 {
				return fmt.Errorf("no free account number for member %s", s.p.member.Number)
			}
		}
		a.fit = fitPrefix(s.seed, a.Number)
		if err := institution.OpenAccount(s.ctx, s.tx, a.Account); err != nil {
			return err
		}
		s.sum.Accounts++
	}
	// The days run from the first opening.
	slices.SortStableFunc(opened, func(a, b *account) int { return a.openOn.Compare(b.openOn) })
	s.accounts = opened
	return nil
}

// stamp is when a row of day d is recorded: the bank's nightly run.
func stamp(d time.Time) time.Time { return d.Add(22 * time.Hour) }

// txn is a transaction of a on day d with the account's next FITID.
func (s *sim) txn(a *account, d time.Time, typ string, amount int64, desc, memo string) *institution.Transaction {
	a.seq++
	return &institution.Transaction{AccountID: a.ID, FITID: a.fit + "-" + fmt.Sprintf("%06d", a.seq), Type: typ,
		Date: d, Amount: amount, Description: desc, Memo: memo}
}

// post records a posted transaction on an open account.
func (s *sim) post(a *account, d time.Time, typ string, amount int64, desc, memo string) {
	if !a.open(d) || amount == 0 {
		return
	}
	s.record(a, s.txn(a, d, typ, amount, desc, memo))
}

// record posts t, numbered by txn.
func (s *sim) record(a *account, t *institution.Transaction) {
	if s.err != nil {
		return
	}
	if s.err = institution.Post(s.ctx, s.tx, t, stamp(t.Date)); s.err == nil {
		a.Balance += t.Amount
		s.sum.Transactions++
	}
}

// authorize records a card authorisation of amount (negative) that posts
// on postOn for final (a tip, a fuel pump's real total); an authorisation
// whose day is after today stays pending.
func (s *sim) authorize(a *account, d time.Time, typ string, amount, final int64, postOn time.Time, desc, memo string) {
	if s.err != nil || !a.open(d) {
		return
	}
	t := s.txn(a, d, typ, amount, desc, memo)
	if s.err = institution.AddPending(s.ctx, s.tx, t, stamp(d).Add(-8*time.Hour)); s.err != nil {
		return
	}
	s.sum.Transactions++
	a.holds -= amount
	s.holds = append(s.holds, &hold{acct: a, id: t.ID, amount: amount, postOn: postOn,
		posted: institution.Transaction{Type: typ, Amount: final, Description: desc, Memo: memo}})
}

// settle posts the authorisations due on d, replacing their pending items.
func (s *sim) settle(d time.Time) {
	kept := s.holds[:0]
	for _, h := range s.holds {
		if s.err != nil || !h.postOn.Equal(d) {
			kept = append(kept, h)
			continue
		}
		t := s.txn(h.acct, d, h.posted.Type, h.posted.Amount, h.posted.Description, h.posted.Memo)
		if s.err = institution.PostPending(s.ctx, s.tx, h.id, t, stamp(d)); s.err != nil {
			return
		}
		s.sum.Transactions++
		h.acct.holds += h.amount
		h.acct.Balance += t.Amount
	}
	s.holds = kept
}

// day writes everything that happens on d, in the order a bank's day runs:
// settlements and deposits, then debits, then the end of statement periods.
func (s *sim) day(d time.Time) {
	p := s.p
	for _, a := range s.accounts {
		if !d.Equal(a.openOn) {
			continue
		}
		switch a.Type {
		case institution.Checking:
			s.post(a, d, "CREDIT", p.openingChk, "OPENING DEPOSIT", "New account")
		case institution.Savings:
			s.post(a, d, "CREDIT", p.openingSav, "OPENING DEPOSIT", "New account")
		}
	}
	s.settle(d)
	s.income(d)
	s.bills(d)
	s.clearChecks(d)
	s.cardPayment(d)
	s.spend(d)
	if s.sav != nil && d.Equal(s.sav.closeOn) {
		s.closeSavings(d)
	}
	for _, a := range s.accounts {
		if a.open(d) && d.Day() == a.StatementCycleDay && d.After(a.openOn) && d.Before(s.today) {
			s.endPeriod(a, d)
		}
	}
}

// payday reports whether d is a payday.
func (s *sim) payday(d time.Time) bool {
	if s.p.biweekly {
		n := int(d.Sub(s.p.payAnchor).Hours() / 24)
		return ((n%14)+14)%14 == 0
	}
	mid := businessDayOnOrBefore(time.Date(d.Year(), d.Month(), 15, 0, 0, 0, 0, time.UTC))
	end := businessDayOnOrBefore(time.Date(d.Year(), d.Month(), lastDay(d), 0, 0, 0, 0, time.UTC))
	return d.Equal(mid) || d.Equal(end)
}

// due reports whether a monthly item on day of the month falls on d, moved
// past a weekend like an ACH debit (possibly into the next month).
func due(d time.Time, day int) bool {
	for _, m := range []int{0, -1} {
		first := time.Date(d.Year(), d.Month()+time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		if businessDayOnOrAfter(time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)).Equal(d) {
			return true
		}
	}
	return false
}

func monthKey(d time.Time) int { return d.Year()*12 + int(d.Month()) }

// income is paychecks into checking, and the first payday's transfer to
// savings; a member without checking feeds savings from another bank.
func (s *sim) income(d time.Time) {
	p := s.p
	if s.chk.open(d) {
		if !s.payday(d) {
			return
		}
		pay := p.netPay
		if chance(s.r, 120) { // overtime, a bonus
			pay += scaled(pay, between(s.r, 30, 180))
		}
		s.post(s.chk, d, "DIRECTDEP", pay, "DIRECT DEP "+strings.ToUpper(p.employer)+" PAYROLL", "PPD ID "+p.employerID)
		if s.sav.open(d) && p.saveMonthly > 0 && s.savedMonth != monthKey(d) &&
			s.chk.available()-p.saveMonthly >= checkingFloor+p.fixedMonthly {
			s.transfer(s.chk, s.sav, d, p.saveMonthly, "")
			s.savedMonth = monthKey(d)
		}
		return
	}
	if s.sav.open(d) && due(d, 3) {
		s.post(s.sav, d, "XFER", scaled(dollars(between(s.r, 50, 400)), p.scale), "TRANSFER FROM EXTERNAL BANK", "ACH CREDIT")
	}
}

// transfer moves amount between two of the member's accounts.
func (s *sim) transfer(from, to *account, d time.Time, amount int64, what string) {
	s.post(from, d, "XFER", -amount, strings.TrimSpace(what+" TRANSFER TO "+to.Type.Label()+" "+to.Masked()), "")
	s.post(to, d, "XFER", amount, strings.TrimSpace(what+" TRANSFER FROM "+from.Type.Label()+" "+from.Masked()), "")
}

// cover makes room in checking for a debit it must pay, from savings when
// the member has some.
func (s *sim) cover(d time.Time, amount int64) {
	short := amount - s.chk.available()
	if short <= 0 || !s.sav.open(d) || s.sav.Balance <= 0 {
		return
	}
	move := min((short+checkingFloor+99_99)/100_00*100_00, s.sav.Balance)
	s.transfer(s.sav, s.chk, d, move, "OVERDRAFT PROTECTION")
}

// debit pays a bill from checking, whatever the balance.
func (s *sim) debit(d time.Time, typ string, amount int64, desc, memo string) {
	s.cover(d, amount)
	s.post(s.chk, d, typ, -amount, desc, memo)
}

// bills are the monthly debits of checking: housing, utilities, phone,
// internet, insurance, daycare (by check).
func (s *sim) bills(d time.Time) {
	p := s.p
	if !s.chk.open(d) {
		return
	}
	switch {
	case p.housing == "rent" && p.rentByCheck && d.Day() == 1:
		s.checks = append(s.checks, check{clearOn: d.AddDate(0, 0, int(between(s.r, 1, 4))), payee: p.housingPayee,
			memo: "Rent " + d.Format("January"), amount: p.housingAmount})
	case p.housing == "rent" && !p.rentByCheck && due(d, p.housingDay):
		s.debit(d, "DIRECTDEBIT", p.housingAmount, "ACH DEBIT "+strings.ToUpper(p.housingPayee), "RENT")
	case p.housing == "mortgage" && due(d, p.housingDay):
		s.debit(d, "DIRECTDEBIT", p.housingAmount, strings.ToUpper(p.housingPayee)+" MTG PYMT", "MORTGAGE")
	}
	for _, b := range p.bills {
		if !due(d, b.Day) {
			continue
		}
		amount := b.Amount
		if b.Vary > 0 {
			amount = scaled(amount, 1000+between(s.r, -b.Vary, b.Vary))
		}
		if b.Seasonal {
			switch d.Month() {
			case time.December, time.January, time.February, time.July, time.August:
				amount = scaled(amount, 1300)
			}
		}
		s.debit(d, "DIRECTDEBIT", amount, "ACH DEBIT "+strings.ToUpper(b.Payee), b.Kind)
	}
	if p.daycare != "" && d.Day() == p.daycareDay {
		s.checks = append(s.checks, check{clearOn: d.AddDate(0, 0, int(between(s.r, 1, 3))), payee: p.daycare,
			memo: "Tuition " + d.Format("January"), amount: p.daycareAmount})
	}
	// Now and then a check to a contractor, a babysitter, a church; only
	// when there is money for it.
	if chance(s.r, 25) {
		payee, memo, _ := strings.Cut(pick(s.r, entries(checkPayees)), "=")
		amount := scaled(dollars(between(s.r, 40, 900)), s.p.scale)
		if s.chk.available()-s.pendingChecks()-amount >= checkingFloor+p.fixedMonthly {
			s.checks = append(s.checks, check{clearOn: d.AddDate(0, 0, int(between(s.r, 2, 6))), payee: payee, memo: memo, amount: amount})
		}
	}
}

func (s *sim) pendingChecks() int64 {
	var n int64
	for _, c := range s.checks {
		n += c.amount
	}
	return n
}

// clearChecks posts the checks presented on d, numbered in the order they
// clear; now and then a number is skipped (a voided check).
func (s *sim) clearChecks(d time.Time) {
	kept := s.checks[:0]
	for _, c := range s.checks {
		if !c.clearOn.Equal(d) || !s.chk.open(d) {
			kept = append(kept, c)
			continue
		}
		num := strconv.Itoa(s.chk.nextCheck)
		s.cover(d, c.amount)
		t := s.txn(s.chk, d, "CHECK", -c.amount, "CHECK "+num, c.memo)
		t.CheckNumber, t.Payee = num, c.payee
		s.record(s.chk, t)
		s.chk.nextCheck++
		if chance(s.r, 40) {
			s.chk.nextCheck++
		}
	}
	s.checks = kept
}

// cardPayment pays the last card statement from checking: all of it for
// most members, part of it (never less than the minimum) for others, less
// when checking cannot afford it.
func (s *sim) cardPayment(d time.Time) {
	c := s.card
	if !c.open(d) || !d.Equal(c.payOn) {
		return
	}
	amount := c.stmtOwed
	if !s.p.cardPaysFull {
		amount = max(c.stmtMin, scaled(c.stmtOwed, between(s.r, 350, 900)))
	}
	amount = min(amount, -c.Balance)
	if amount <= 0 {
		return
	}
	if s.chk.open(d) {
		if room := s.chk.available() - checkingFloor; amount > room {
			amount = max(c.stmtMin, room)
		}
		s.debit(d, "PAYMENT", amount, "ONLINE PAYMENT TO CREDIT CARD "+c.Masked(), "")
		s.post(c, d, "PAYMENT", amount, "PAYMENT - THANK YOU", "FROM CHECKING "+s.chk.Masked())
	} else {
		s.post(c, d, "PAYMENT", amount, "PAYMENT - THANK YOU", "FROM EXTERNAL ACCOUNT")
	}
	c.paidSinceStmt += amount
}

// purchase is a kind of card spending.
type purchase struct {
	list      string
	perMille  int   // chance per day
	lo, hi    int64 // dollars, before the member's scale
	scale     bool
	tipPerMil int // chance it is authorised first and posts with a tip
	authPerMi int // chance it is authorised first and posts unchanged
}

// spend is the day's purchases, subscriptions and ATM withdrawals, on the
// card when the member has one (mostly) or the debit card.
func (s *sim) spend(d time.Time) {
	p := s.p
	kinds := []purchase{
		{list: groceries, perMille: 300, lo: 25, hi: 160, scale: true, authPerMi: 30},
		{list: restaurants, perMille: 280, lo: 9, hi: 85, scale: true, tipPerMil: 250},
		{list: retailers, perMille: 130, lo: 8, hi: 120, scale: true, authPerMi: 50},
	}
	if p.hasCar {
		kinds = append(kinds, purchase{list: fuelStations, perMille: 150, lo: 28, hi: 70, authPerMi: 150})
	}
	yesterday := s.today.AddDate(0, 0, -1)
	for i, k := range kinds {
		forced := (d.Equal(yesterday) && (i == 0 || i == 1)) || (d.Equal(s.today) && i == 0)
		if !forced && !chance(s.r, k.perMille) {
			continue
		}
		amount := between(s.r, dollars(k.lo), dollars(k.hi))
		if k.scale {
			amount = scaled(amount, p.scale)
		}
		merchant := pick(s.r, entries(k.list))
		a, debitCard := s.payWith(d, amount)
		if a == nil {
			continue
		}
		desc := merchant + " #" + strconv.FormatUint(1000+derived(9000, "store", merchant, p.city), 10)
		if debitCard {
			desc = "DEBIT CARD PURCHASE " + desc
		}
		switch {
		case forced && i == 1: // yesterday's dinner: authorised, posted today with the tip
			s.authorize(a, d, "POS", -amount, -scaled(amount, between(s.r, 1150, 1220)), s.today, desc, p.cityShort)
		case forced: // authorised in the last two days, posts after today
			s.authorize(a, d, "POS", -amount, -amount, s.today.AddDate(0, 0, 2), desc, p.cityShort)
		case chance(s.r, k.tipPerMil):
			s.authorize(a, d, "POS", -amount, -scaled(amount, between(s.r, 1150, 1220)), d.AddDate(0, 0, int(between(s.r, 1, 2))), desc, p.cityShort)
		case chance(s.r, k.authPerMi):
			s.authorize(a, d, "POS", -amount, -amount, d.AddDate(0, 0, 1), desc, p.cityShort)
		default:
			s.post(a, d, "POS", -amount, desc, p.cityShort)
		}
	}
	for _, sub := range p.subscriptions {
		if d.Day() != sub.Day {
			continue
		}
		if a, debitCard := s.payWith(d, sub.Amount); a != nil {
			desc := sub.Payee
			if debitCard {
				desc = "DEBIT CARD PURCHASE " + sub.Payee
			}
			s.post(a, d, "DEBIT", -sub.Amount, desc, "RECURRING")
		}
	}
	if s.chk.open(d) && chance(s.r, 70) {
		amount := dollars(20 * between(s.r, 2, 10))
		if s.chk.available()-amount >= checkingFloor {
			s.post(s.chk, d, "ATM", -amount, "ATM WITHDRAWAL "+p.cityShort, "")
			if chance(s.r, 300) {
				s.post(s.chk, d, "FEE", -atmFee, "NON-NETWORK ATM FEE", "")
			}
		}
	}
}

// payWith picks the account a purchase goes on, or nil when the member
// cannot afford it: with checking, what checking holds must cover the
// purchase, what the card already owes and a month of bills, above the
// floor (members spend what they have). Most purchases go on the card when there is one and it
// has room, the rest on the debit card.
func (s *sim) payWith(d time.Time, amount int64) (a *account, debitCard bool) {
	c := s.card
	if s.chk.open(d) {
		owed := int64(0)
		if c.open(d) {
			owed = max(-c.available(), 0)
		}
		if s.chk.available()-owed-amount < checkingFloor+s.p.fixedMonthly {
			return nil, false
		}
	}
	onCard := c.open(d) && (!s.chk.open(d) || chance(s.r, s.p.cardShare))
	if onCard && c.CreditLimit+c.available() >= amount {
		return c, false
	}
	if s.chk.open(d) {
		return s.chk, true
	}
	return nil, false
}

// endPeriod closes the statement period of a ending on d: interest and
// fees first, then the statement; a card statement schedules its payment.
func (s *sim) endPeriod(a *account, d time.Time) {
	switch a.Type {
	case institution.Savings:
		if interest := a.Balance * s.p.savingsAPY / 120_000; interest > 0 {
			s.post(a, d, "INT", interest, "INTEREST PAYMENT", fmt.Sprintf("APY %d.%02d%%", s.p.savingsAPY/100, s.p.savingsAPY%100))
		}
	case institution.Checking:
		if a.Balance < lowBalance {
			s.post(a, d, "FEE", -lowBalanceFee, "MONTHLY MAINTENANCE FEE", "BALANCE BELOW $"+money(lowBalance))
		}
	case institution.CreditCard:
		if carried := a.stmtOwed - a.paidSinceStmt; carried > 0 {
			s.post(a, d, "INT", -(carried * s.p.cardAPR / 120_000), "INTEREST CHARGE ON PURCHASES",
				fmt.Sprintf("APR %d.%02d%%", s.p.cardAPR/100, s.p.cardAPR%100))
		}
	}
	s.statement(a, d)
	if a.Type == institution.CreditCard {
		a.stmtOwed, a.paidSinceStmt, a.stmtMin = max(-a.Balance, 0), 0, 0
		if a.stmtOwed > 0 {
			a.stmtMin = min(a.stmtOwed, max(25_00, a.stmtOwed/100+a.stmtOwed*s.p.cardAPR/120_000))
			a.payOn = d.AddDate(0, 0, int(between(s.r, 8, 20)))
		}
	}
}

// statement closes the period of a that ends on end: a whole period, or
// the last one of a closed account, from the end of the one before.
func (s *sim) statement(a *account, end time.Time) {
	if s.err != nil {
		return
	}
	start, periodEnd := institution.PeriodEnding(a.StatementCycleDay, end.Year(), end.Month())
	if !periodEnd.Equal(end) {
		start = a.lastEnd.AddDate(0, 0, 1)
	}
	if _, s.err = institution.CloseStatement(s.ctx, s.tx, a.ID, start, end); s.err == nil {
		s.sum.Statements++
		a.lastEnd = end
	}
}

// closeSavings moves the savings balance to checking and closes the
// account, with a last statement from the end of the previous period to
// the closing day.
func (s *sim) closeSavings(d time.Time) {
	a := s.sav
	if !a.open(d) {
		return
	}
	if a.Balance > 0 {
		s.transfer(a, s.chk, d, a.Balance, "CLOSING")
	}
	if d.After(a.lastEnd) {
		s.statement(a, d)
	}
	if s.err == nil {
		s.err = institution.CloseAccount(s.ctx, s.tx, s.p.member.ID, a.ID, stamp(d))
	}
	a.closed = true
}
