package bankseed

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// digest hashes the parts of a name; account numbers, FITID prefixes and
// the per-member random streams are derived from it, so each depends only on
// what it names and never on the order things were generated in.
func digest(parts ...string) [sha256.Size]byte {
	return sha256.Sum256([]byte("bankseed\x00" + strings.Join(parts, "\x00")))
}

// derived is a number derived from the parts, below n.
func derived(n uint64, parts ...string) uint64 {
	d := digest(parts...)
	return binary.BigEndian.Uint64(d[:8]) % n
}

// memberRand is member idx's own random stream: the members of a bank do
// not depend on how many others are generated before or after them.
func memberRand(seed int64, prefix string, idx int) *rand.Rand {
	d := digest("member", prefix, strconv.Itoa(idx))
	return rand.New(rand.NewPCG(uint64(seed), binary.BigEndian.Uint64(d[:8])))
}

// accountNumber is a ten-digit number: a leading digit for the type (1
// checking, 2 savings, 3 credit card) and nine derived from the seed, the
// member and attempt (bumped past a number the bank already has).
func accountNumber(seed int64, prefix string, idx int, slot string, lead byte, attempt int) string {
	d := digest("account", strconv.FormatInt(seed, 10), prefix, strconv.Itoa(idx), slot, strconv.Itoa(attempt))
	n := binary.BigEndian.Uint64(d[:8]) % 1_000_000_000
	return fmt.Sprintf("%c%09d", lead, n)
}

// fitPrefix starts the FITIDs of an account: twelve hex digits derived from
// the seed and the account number, followed by a per-account counter.
func fitPrefix(seed int64, number string) string {
	d := digest("fitid", strconv.FormatInt(seed, 10), number)
	return strings.ToUpper(hex.EncodeToString(d[:6]))
}

// between returns a uniformly drawn integer in [lo, hi].
func between(r *rand.Rand, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + r.Int64N(hi-lo+1)
}

// chance is true with probability perMille/1000.
func chance(r *rand.Rand, perMille int) bool { return r.IntN(1000) < perMille }

// pick returns one entry of list.
func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// dollars is a whole-dollar amount in cents.
func dollars(d int64) int64 { return d * 100 }

// scaled multiplies an amount by perMille/1000, keeping cents.
func scaled(amount, perMille int64) int64 { return amount * perMille / 1000 }

// date is the calendar day of t, at midnight UTC.
func date(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// addMonths moves d by n months, keeping the day of the month where the
// target month has it and taking the month's last day where it does not
// (time.AddDate would spill into the month after).
func addMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d.Day(), last), 0, 0, 0, 0, time.UTC)
}

// lastDay is the last day of d's month.
func lastDay(d time.Time) int {
	return time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// businessDayOnOrBefore moves a weekend day back to the Friday before, as
// payroll does.
func businessDayOnOrBefore(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, -1)
	case time.Sunday:
		return d.AddDate(0, 0, -2)
	}
	return d
}

// businessDayOnOrAfter moves a weekend day on to the Monday after, as ACH
// debits do.
func businessDayOnOrAfter(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, 2)
	case time.Sunday:
		return d.AddDate(0, 0, 1)
	}
	return d
}

// openingDay is the first day on or after from that starts a statement
// period of an account with cycleDay, so that every period of the account
// is complete.
func openingDay(from time.Time, cycleDay int) time.Time {
	for m := 0; ; m++ {
		start, _ := institution.PeriodEnding(cycleDay, from.Year(), from.Month()+time.Month(m))
		if !start.Before(from) {
			return start
		}
	}
}

// money formats cents as dollars, for descriptions.
func money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

// parseCents reads "12.34" (the lists' prices).
func parseCents(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	return w*100 + f
}
