package secretbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"

	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Column names a database column whose values are sealed by a Box, and how
// to rebuild the associated data each row's value was sealed with.
type Column struct {
	Table    string // table name, a plain SQL identifier
	IDColumn string // integer primary key of Table
	Column   string // the BLOB/BYTEA column holding ciphertexts (NULL = no value)
	// AAD returns the associated data of row id's value; normally
	// func(id int64) []byte { return RowAAD(table, id, column) }.
	AAD func(id int64) []byte
}

// Name is "table.column", for reports and errors.
func (c Column) Name() string { return c.Table + "." + c.Column }

// identifier is what a table or column name may be; names are spliced into
// SQL, so nothing else is accepted.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

func (c Column) validate() error {
	for _, s := range []string{c.Table, c.IDColumn, c.Column} {
		if !identifier.MatchString(s) {
			return fmt.Errorf("secretbox: encrypted column %s.%s: %q is not a plain SQL identifier", c.Table, c.Column, s)
		}
	}
	if c.AAD == nil {
		return fmt.Errorf("secretbox: encrypted column %s has no AAD function", c.Name())
	}
	return nil
}

// Registry collects the encrypted columns of the domain packages, so that
// rotation can re-encrypt all of them. The CLI builds one and each domain
// package adds its columns; the zero value is empty and ready.
type Registry struct {
	cols []Column
}

// Add registers columns. A column that is not a plain identifier, has no
// AAD function or is registered twice is refused.
func (r *Registry) Add(cols ...Column) error {
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return err
		}
		for _, have := range r.cols {
			if have.Table == c.Table && have.Column == c.Column {
				return fmt.Errorf("secretbox: encrypted column %s is registered twice", c.Name())
			}
		}
		r.cols = append(r.cols, c)
	}
	return nil
}

// Columns returns the registered columns in the order they were added.
func (r *Registry) Columns() []Column { return append([]Column(nil), r.cols...) }

// ColumnReport counts what Reencrypt did to one column.
type ColumnReport struct {
	Column      string // "table.column"
	Scanned     int    // non-NULL values looked at (in committed batches)
	Reencrypted int    // opened and sealed again under the primary key
	Current     int    // already under the primary key, left alone
	Changed     int    // rewritten by someone else between read and update, left alone
}

// Reencrypt moves every non-NULL value of cols onto the primary key: each
// value under another key is opened (with any key of the keyset) and sealed
// again with the same associated data. Rows go in batches of the Box's
// batch size, each in its own transaction, and an update only applies if
// the value is still the one read, so a concurrent writer is never
// overwritten. Values already under the primary are skipped without being
// decrypted, which makes a second run a no-op.
//
// An interruption (error, cancellation, crash) loses at most the current
// batch's work, and every value still opens: each one is either the old
// ciphertext or the new. A value that does not open stops the run with an
// error naming its row (never its content); fix it and run again. The
// reports cover the batches that committed.
func (b *Box) Reencrypt(ctx context.Context, db *store.DB, cols []Column) ([]ColumnReport, error) {
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return nil, err
		}
	}
	reports := make([]ColumnReport, 0, len(cols))
	for _, c := range cols {
		rep := ColumnReport{Column: c.Name()}
		err := b.reencryptColumn(ctx, db, c, &rep)
		reports = append(reports, rep)
		if err != nil {
			return reports, err
		}
	}
	return reports, nil
}

type sealedRow struct {
	id int64
	ct []byte
}

func (b *Box) reencryptColumn(ctx context.Context, db *store.DB, c Column, rep *ColumnReport) error {
	selectBatch := `SELECT ` + c.IDColumn + `, ` + c.Column + ` FROM ` + c.Table +
		` WHERE ` + c.IDColumn + ` > $1 AND ` + c.Column + ` IS NOT NULL ORDER BY ` + c.IDColumn + ` LIMIT $2`
	update := `UPDATE ` + c.Table + ` SET ` + c.Column + ` = $1 WHERE ` + c.IDColumn + ` = $2 AND ` + c.Column + ` = $3`
	after := int64(math.MinInt64)
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("secretbox: re-encrypt %s: %w", c.Name(), err)
		}
		a, primary, err := b.snapshot()
		if err != nil {
			return fmt.Errorf("secretbox: re-encrypt %s: %w", c.Name(), err)
		}
		var batch ColumnReport
		var last int64
		var n int
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			rows, err := readBatch(ctx, tx, selectBatch, after, b.batchSize)
			if err != nil {
				return fmt.Errorf("secretbox: re-encrypt %s: read rows: %w", c.Name(), err)
			}
			n = len(rows)
			for _, r := range rows {
				last = r.id
				batch.Scanned++
				if id, ok := KeyID(r.ct); ok && id == primary {
					batch.Current++
					continue
				}
				aad := c.AAD(r.id)
				pt, err := b.Open(r.ct, aad)
				if err != nil {
					return fmt.Errorf("secretbox: re-encrypt %s %s=%d: %w", c.Name(), c.IDColumn, r.id, err)
				}
				ct, err := a.Encrypt(pt, aad)
				clear(pt)
				if err != nil {
					return fmt.Errorf("secretbox: re-encrypt %s %s=%d: seal: %w", c.Name(), c.IDColumn, r.id, err)
				}
				res, err := tx.ExecContext(ctx, update, ct, r.id, r.ct)
				if err != nil {
					return fmt.Errorf("secretbox: re-encrypt %s %s=%d: update: %w", c.Name(), c.IDColumn, r.id, err)
				}
				if k, err := res.RowsAffected(); err == nil && k == 1 {
					batch.Reencrypted++
				} else {
					batch.Changed++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		rep.Scanned += batch.Scanned
		rep.Reencrypted += batch.Reencrypted
		rep.Current += batch.Current
		rep.Changed += batch.Changed
		if n < b.batchSize {
			return nil
		}
		after = last
	}
}

func readBatch(ctx context.Context, q store.Querier, query string, after int64, limit int) ([]sealedRow, error) {
	rows, err := q.QueryContext(ctx, query, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sealedRow
	for rows.Next() {
		var r sealedRow
		if err := rows.Scan(&r.id, &r.ct); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// snapshot returns the current AEAD and its primary key id together.
func (b *Box) snapshot() (tink.AEAD, uint32, error) {
	if _, err := b.current(); err != nil {
		return nil, 0, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	p, err := b.handle.Primary()
	if err != nil {
		return nil, 0, errors.New("secretbox: keyset has no primary key")
	}
	return b.aead, p.KeyID(), nil
}
