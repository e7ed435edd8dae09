package bankseed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// DefaultMemberNumberPrefix starts the member numbers of Generate when
// Options.MemberNumberPrefix is empty: M000001, M000002, …
const DefaultMemberNumberPrefix = "M"

// Limits of Options.
const (
	MaxMembers = 100_000
	MaxMonths  = 120
)

// Options say what Generate makes.
type Options struct {
	Members int   // how many members
	Months  int   // how much history, back from Now (1–MaxMonths)
	Seed    int64 // the same seed (and other options) gives the same rows
	// Now is the bank's "today": the history runs Months back from its day
	// (UTC), statement periods that ended before it are closed, and the
	// last two days' card authorisations are still pending. Required: the
	// generator never reads the clock.
	Now time.Time
	// MemberNumberPrefix starts every member number (prefix + six digits);
	// DefaultMemberNumberPrefix when empty. Two generations into one
	// database need different prefixes.
	MemberNumberPrefix string
}

func (o Options) validate() error {
	var errs []error
	if o.Members < 0 || o.Members > MaxMembers {
		errs = append(errs, fmt.Errorf("members %d is outside 0–%d", o.Members, MaxMembers))
	}
	if o.Months < 1 || o.Months > MaxMonths {
		errs = append(errs, fmt.Errorf("months %d is outside 1–%d", o.Months, MaxMonths))
	}
	if o.Now.IsZero() {
		errs = append(errs, errors.New("now is required: the history runs back from it"))
	}
	if len(o.MemberNumberPrefix) > 20 {
		errs = append(errs, fmt.Errorf("member number prefix %q is longer than 20 characters", o.MemberNumberPrefix))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bankseed: %w", err)
	}
	return nil
}

func (o Options) bank() bank {
	prefix := o.MemberNumberPrefix
	if prefix == "" {
		prefix = DefaultMemberNumberPrefix
	}
	today := date(o.Now)
	return bank{seed: o.Seed, prefix: prefix, start: addMonths(today, -o.Months), today: today}
}

// Summary counts the rows a generation wrote. Transactions counts every
// row of history: posted, still pending, and the pending items a posting
// replaced.
type Summary struct {
	Members      int
	Accounts     int
	Transactions int
	Statements   int
}

func (s *Summary) add(o Summary) {
	s.Members += o.Members
	s.Accounts += o.Accounts
	s.Transactions += o.Transactions
	s.Statements += o.Statements
}

// Generate fills the bank with o.Members made-up members, numbered prefix
// + 000001 onwards, each with checking (most), savings (some) and a credit
// card (some), and o.Months of history. Each member is written in one
// transaction: on an error, the members before it stay and the Summary
// counts them.
func Generate(ctx context.Context, db *store.DB, o Options) (Summary, error) {
	if err := o.validate(); err != nil {
		return Summary{}, err
	}
	b := o.bank()
	var sum Summary
	for i := range o.Members {
		number := fmt.Sprintf("%s%06d", b.prefix, i+1)
		r := memberRand(b.seed, b.prefix, i)
		got, err := b.writeMember(ctx, db, i, r, drawProfile(r, number, b.today))
		if err != nil {
			return sum, fmt.Errorf("bankseed: member %s: %w", number, err)
		}
		sum.add(got)
	}
	return sum, nil
}
