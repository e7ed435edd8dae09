// Package refresh owns the refresh state machine (DESIGN §3): it signs in to
// a client's bank through a connector, relays the bank's challenges to a
// person and resumes with their answer, and lands the accounts,
// transactions, statements and check images the bank gives. Every attempt is
// a refresh row with its trigger, outcome and timings; every challenge a
// refresh_challenge row.
//
// The rules, each a requirement (L4–L7, L11, L15):
//   - An unattended (scheduled) refresh never makes the bank send a code:
//     the connection reads "Bank is asking password, security question or
//     code, update manually to answer and continue". Questions the client
//     chose to share answers to are answered, attended or not.
//   - An attended refresh that meets a challenge persists it, with the
//     connector's resumable state sealed and expires_at = trigger + 180 s,
//     announces it, and ends its job: no worker waits on a person.
//   - An answer is accepted once, while the challenge is pending and
//     unexpired; it is sealed and a resume job is enqueued in the same
//     transaction. The resume may meet the next challenge.
//   - Expiry or cancel gives "update account canceled or aborted". A wrong
//     answer is never resubmitted; the attempts left are shown, and the last
//     attempt needs an explicit confirmation.
//   - Everything the bank gives is fetched first and applied in one
//     transaction, with the new device state and the refresh's outcome, so a
//     crash at any point leaves no half-applied refresh and the next run
//     lands the same data once.
//   - Transient failures (the bank down) are retried with backoff when
//     unattended; an attended refresh reports them at once.
package refresh
