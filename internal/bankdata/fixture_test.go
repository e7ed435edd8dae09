package bankdata_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// t0 is when every test's clock starts.
var t0 = time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)

// day returns a day of March 2026.
func day(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }

// firmFixture is one firm with one client's connection and a refresh of it,
// made with plain SQL: the firm package owns those tables, not this one.
type firmFixture struct {
	firmID, connID, refreshID int64
}

// newFirm makes a firm named name, its client, a connection and a refresh.
func newFirm(t *testing.T, db *store.DB, name string) firmFixture {
	t.Helper()
	ctx := context.Background()
	q := db.Writer()
	var f firmFixture
	mustScan(t, q.QueryRowContext(ctx, `INSERT INTO firm (name, created_at) VALUES ($1, $2) RETURNING id`, name, t0), &f.firmID)
	var clientID, instID int64
	mustScan(t, q.QueryRowContext(ctx, `INSERT INTO firm_client (firm_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
		f.firmID, name+" client", t0), &clientID)
	mustScan(t, q.QueryRowContext(ctx, `INSERT INTO institution (name, kind, created_at) VALUES ($1, 'ofx', $2) RETURNING id`,
		name+" bank", t0), &instID)
	f.connID = newConnection(t, db, f.firmID, clientID, instID)
	f.refreshID = newRefresh(t, db, f.firmID, f.connID)
	return f
}

func newConnection(t *testing.T, db *store.DB, firmID, clientID, instID int64) int64 {
	t.Helper()
	var id int64
	mustScan(t, db.Writer().QueryRowContext(context.Background(), `
		INSERT INTO connection (firm_id, client_id, institution_id, credentials, status_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, firmID, clientID, instID, []byte("sealed"), t0), &id)
	return id
}

// secondConnection adds another connection of f's client at f's bank.
func (f firmFixture) secondConnection(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var clientID, instID int64
	mustScan(t, db.Writer().QueryRowContext(context.Background(),
		`SELECT client_id, institution_id FROM connection WHERE id = $1`, f.connID), &clientID, &instID)
	return newConnection(t, db, f.firmID, clientID, instID)
}

// newRefresh starts a refresh of the connection, ending the one before: a
// connection has one active refresh at a time.
func newRefresh(t *testing.T, db *store.DB, firmID, connID int64) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Writer().ExecContext(ctx, `UPDATE refresh SET state = 'done' WHERE connection_id = $1`, connID); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	var id int64
	mustScan(t, db.Writer().QueryRowContext(ctx, `
		INSERT INTO refresh (firm_id, connection_id, trigger, attended, state, created_at)
		VALUES ($1, $2, 'web', $3, 'running', $4) RETURNING id`, firmID, connID, true, t0), &id)
	return id
}

func mustScan(t *testing.T, row interface{ Scan(...any) error }, dest ...any) {
	t.Helper()
	if err := row.Scan(dest...); err != nil {
		t.Fatalf("fixture: %v", err)
	}
}

// count returns how many rows of table a test can see, all firms together.
func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	mustScan(t, db.Reader().QueryRowContext(context.Background(), fmt.Sprintf(`SELECT COUNT(*) FROM %s`, table)), &n)
	return n
}
