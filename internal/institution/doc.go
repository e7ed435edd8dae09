// Package institution is the bank behind the institution server: its
// members and their accounts, transactions (pending and posted), monthly
// statements, checks, transfers, delegates (restricted, read-only access for
// a member's accountant), staff, and the abnormal-activity report (S30).
// Sign-in and every security control are the security core's
// (internal/security/auth); this package keeps the people and the money.
//
// It never imports anything of LedgerSync's: the bank does not know its
// aggregators exist.
package institution
