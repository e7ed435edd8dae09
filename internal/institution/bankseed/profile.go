package bankseed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// profile is one member as drawn: who they are, which accounts they hold
// and the shape of their money life. Amounts are cents; rates basis points.
type profile struct {
	member institution.Member

	checking, savings, card bool
	cycleDay                map[institution.AccountType]int
	savingsCloseOn          time.Time // zero: the savings account stays open (the demo closes one)

	employer   string
	employerID string    // the payroll's ACH company id
	biweekly   bool      // every other Friday from payAnchor; else the 15th and the last day
	payAnchor  time.Time // a payday Friday (bi-weekly)
	netPay     int64     // per paycheck
	netMonthly int64
	scale      int64 // per mille: spending relative to a $5,000 net month

	housing       string // "rent" or "mortgage"
	housingPayee  string
	housingAmount int64
	housingDay    int
	rentByCheck   bool

	bills []bill // monthly direct debits from checking

	subscriptions []bill // monthly card (or debit card) charges

	daycare       string // payee of a monthly check; "" for none
	daycareAmount int64
	daycareDay    int

	fixedMonthly  int64 // housing, bills and daycare: what checking keeps for them before spending
	saveMonthly   int64 // moved from checking to savings after the first payday of a month
	savingsAPY    int64 // basis points
	cardAPR       int64 // basis points
	creditLimit   int64
	cardPaysFull  bool // else pays a part of each statement
	hasCar        bool
	cardShare     int // per mille of purchases put on the card (when there is one)
	city          string
	cityShort     string // "SPRINGFIELD IL", as card terminals print it
	openingChk    int64
	openingSav    int64
	firstCheckNum int
}

// bill is a recurring charge; Vary is the per-mille swing between months
// (utilities) and Seasonal makes it higher in winter and summer.
type bill struct {
	Payee    string
	Kind     string // the memo: "ELECTRIC", "WIRELESS", …
	Amount   int64
	Day      int
	Vary     int64
	Seasonal bool
}

// drawProfile makes up the member with number from r, as of today.
func drawProfile(r *rand.Rand, number string, today time.Time) *profile {
	p := &profile{cycleDay: map[institution.AccountType]int{}}
	first := pick(r, strings.Fields(firstNames))
	last := pick(r, strings.Fields(lastNames))
	domain := pick(r, []string{"example.com", "example.org", "example.net"})
	street := fmt.Sprintf("%d %s", between(r, 12, 9870), pick(r, entries(streets)))
	p.city = pick(r, entries(cities))
	addr := []string{street}
	if chance(r, 250) {
		addr = append(addr, fmt.Sprintf("Apt %d", between(r, 1, 40)*10+between(r, 1, 9)))
	}
	addr = append(addr, p.city)
	cityName, rest, _ := strings.Cut(p.city, ", ")
	p.cityShort = strings.ToUpper(cityName) + " " + rest[:2]
	p.member = institution.Member{
		Number:      number,
		FirstName:   first,
		LastName:    last,
		Email:       fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), between(r, 1, 99), domain),
		PhoneOnFile: fmt.Sprintf("+1202555%04d", between(r, 100, 199)),
		Address:     addr,
		// The 900–999 areas are never issued: no real person's number.
		SSNFirst4: fmt.Sprintf("%03d%d", between(r, 900, 999), between(r, 0, 9)),
		SSNLast4:  fmt.Sprintf("%04d", between(r, 1, 9999)),
		BirthYear: today.Year() - int(between(r, 22, 78)),
	}

	p.checking = chance(r, 920)
	p.savings = chance(r, 600) || !p.checking
	p.card = chance(r, 550)
	for _, t := range []institution.AccountType{institution.Checking, institution.Savings, institution.CreditCard} {
		p.cycleDay[t] = int(between(r, 1, 28))
	}

	// Gross pay from $32,000 to $165,000 a year, more often in the middle;
	// about 72% of it reaches the account.
	gross := dollars(between(r, 16_000, 82_500) + between(r, 16_000, 82_500))
	p.employer = pick(r, entries(employers))
	p.employerID = fmt.Sprintf("%010d", derived(10_000_000_000, "employer", p.employer))
	p.biweekly = chance(r, 550)
	p.netMonthly = gross * 72 / 100 / 12
	if p.biweekly {
		p.netPay = gross * 72 / 100 / 26
		// Paydays are every 14 days either side of a Friday in the last
		// two weeks.
		a := today.AddDate(0, 0, -int(between(r, 0, 13)))
		for a.Weekday() != time.Friday {
			a = a.AddDate(0, 0, -1)
		}
		p.payAnchor = a
	} else {
		p.netPay = gross * 72 / 100 / 24
	}
	p.scale = min(max(p.netMonthly*1000/dollars(5000), 400), 1600)
	billScale := 500 + p.scale/2 // 0.7–1.3: bills vary less with income than spending does

	if chance(r, 650) {
		p.housing, p.housingPayee = "rent", pick(r, entries(landlords))
		p.housingAmount = gross / 12 * between(r, 22, 30) / 100 / 500 * 500 // whole $5
		p.housingDay = 1
		p.rentByCheck = chance(r, 250)
	} else {
		p.housing, p.housingPayee = "mortgage", pick(r, entries(mortgageLenders))
		p.housingAmount = gross/12*between(r, 20, 27)/100 + between(r, 0, 99)
		p.housingDay = int(between(r, 1, 5))
	}
	p.hasCar = chance(r, 800)
	p.bills = []bill{
		{Payee: pick(r, entries(electricCompanies)), Kind: "ELECTRIC", Amount: scaled(between(r, dollars(55), dollars(140)), billScale), Day: int(between(r, 8, 22)), Vary: 250, Seasonal: true},
		{Payee: pick(r, entries(waterGasCompanies)), Kind: "UTILITY", Amount: scaled(between(r, dollars(30), dollars(85)), billScale), Day: int(between(r, 8, 22)), Vary: 200, Seasonal: true},
		{Payee: pick(r, entries(phoneCarriers)), Kind: "WIRELESS", Amount: scaled(between(r, dollars(45), dollars(140)), billScale), Day: int(between(r, 2, 27))},
		{Payee: pick(r, entries(internetProviders)), Kind: "INTERNET", Amount: between(r, 5499, 8999), Day: int(between(r, 2, 27))},
	}
	if p.hasCar || p.housing == "mortgage" {
		p.bills = append(p.bills, bill{Payee: pick(r, entries(insurers)), Kind: "INSURANCE PREM", Amount: scaled(between(r, dollars(60), dollars(210)), billScale), Day: int(between(r, 1, 28))})
	}
	subs := entries(subscriptions)
	r.Shuffle(len(subs), func(i, j int) { subs[i], subs[j] = subs[j], subs[i] })
	for _, s := range subs[:between(r, 1, 4)] {
		name, price, _ := strings.Cut(s, "=")
		p.subscriptions = append(p.subscriptions, bill{Payee: name, Amount: parseCents(price), Day: int(between(r, 1, 28))})
	}
	if gross > dollars(60_000) && chance(r, 250) {
		p.daycare = pick(r, entries(daycares))
		p.daycareAmount = min(dollars(between(r, 550, 1300)), p.netMonthly/5/100*100)
		p.daycareDay = int(between(r, 3, 8))
	}

	p.fixedMonthly = p.housingAmount + p.daycareAmount
	for _, b := range p.bills {
		p.fixedMonthly += b.Amount
	}
	p.saveMonthly = p.netMonthly * between(r, 4, 12) / 100 / 500 * 500
	p.savingsAPY = between(r, 25, 425)
	p.cardAPR = between(r, 1799, 2699)
	p.creditLimit = min(max(gross*between(r, 10, 25)/100/dollars(500)*dollars(500), dollars(1000)), dollars(25_000))
	p.cardPaysFull = chance(r, 700)
	p.cardShare = int(between(r, 600, 900))
	p.openingChk = between(r, p.netMonthly*3/4, p.netMonthly*2)
	p.openingSav = scaled(dollars(between(r, 300, 15_000)), p.scale)
	p.firstCheckNum = int(between(r, 101, 4800))
	return p
}
