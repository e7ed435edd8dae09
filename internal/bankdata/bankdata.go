// Package bankdata owns the bank data that lands in LedgerSync: the accounts,
// transactions, statements and check images a refresh pulled (L4), stored
// idempotently so that pulling the same data again changes nothing, and read
// back, always within one firm, by the API and the web app.
//
// The refresh engine fetches everything from the bank first, writes the
// files to blob storage (StoreBlob: content-addressed, so a re-run reuses
// them), then calls the Upsert functions inside one database transaction: a
// crash leaves nothing half-applied. Every function takes the firm's id and
// touches nothing of another firm's: another firm's row is store.ErrNotFound,
// exactly as a missing one is.
package bankdata

import (
	"fmt"
	"time"
)

// DateLayout is how dates without a time (a transaction's date, a
// statement's period) are stored: as text, which both databases compare and
// sort alike.
const DateLayout = "2006-01-02"

// dbTime is how a time is written: in UTC at the microsecond, the precision
// PostgreSQL keeps, so a time reads back equal to what was written on both
// databases.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// parseDate reads a stored date; what and id name the row for the error.
func parseDate(what string, id int64, s string) (time.Time, error) {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %d has a malformed date %q: %w", what, id, s, err)
	}
	return d, nil
}
