// Package firm owns LedgerSync's tenants and what they hold (REQUIREMENTS
// L1, L3, L8): firms, their staff and roles, their clients, the directory of
// institutions every firm picks its clients' banks from, and connections
// (client × institution × credentials) with their sealed secrets, schedule
// and health status.
//
// Tenancy is enforced here, in the SQL: every function on a firm-owned row
// takes the firm's id and filters on it, so a record of another firm is
// store.ErrNotFound on read and left untouched on write, indistinguishable
// from a record that does not exist. The one cross-firm read is
// DueConnections, the scheduler's query.
//
// A connection's credentials, shared security answers and connector device
// state are sealed by a Sealer (a *secretbox.Box) bound to their row and
// column; they are read back only through ConnectionSecrets, never as part
// of a Connection, and no error of this package contains them.
package firm
