// Package bankseed owns the made-up bank: a deterministic generator of
// members with realistic accounts and history (paychecks, bills, card
// purchases, checks, transfers, interest, fees, pending authorisations and
// closed statement periods), and the demo bank of the institution server,
// whose five named members sign in online.
//
// Everything it writes goes through package institution (and, for the demo
// members' sign-in, the security core), so the rows are the ones the bank
// itself would have written. The same Options give the same rows: people,
// amounts and dates come from a PCG stream per member seeded from
// Options.Seed, never from the clock or from map order.
//
// All the people, employers, merchants and numbers are fictitious: emails at
// example.com, .org and .net, phones in +1 202 555 0100–0199, Social
// Security numbers in the never-issued 900–999 areas.
package bankseed
