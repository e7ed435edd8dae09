package bankdata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Statement is one statement PDF LedgerSync keeps, in blob storage under
// BlobKey.
type Statement struct {
	ID          int64
	AccountID   int64
	ExternalID  string // the bank's id for it
	PeriodStart time.Time
	PeriodEnd   time.Time
	BlobKey     string
	SHA256      string // lowercase hex of the PDF
	Size        int64  // bytes
	FetchedAt   time.Time
}

// UpsertStatement records that statement s of one of the firm's accounts is
// stored at blobKey (see StoreBlob). It is idempotent on the bank's id: when
// the account already has the statement it changes nothing and returns
// created false, keeping the PDF first fetched, so a statement once filed
// never changes under the accountant who filed it.
//
// It returns store.ErrNotFound when the account is not the firm's.
func UpsertStatement(ctx context.Context, q store.Querier, firmID, accountID int64, s connector.Statement,
	blobKey, sha256 string, size int64, now time.Time) (created bool, err error) {
	if s.ID == "" || blobKey == "" || sha256 == "" {
		return false, fmt.Errorf("bankdata: store statement %s–%s of account %d: it needs the bank's id and a stored file",
			s.PeriodStart.Format(DateLayout), s.PeriodEnd.Format(DateLayout), accountID)
	}
	if _, err := accountCurrency(ctx, q, firmID, accountID); err != nil {
		return false, fmt.Errorf("bankdata: store statement %s: %w", s.ID, err)
	}
	var id int64
	err = q.QueryRowContext(ctx, `
		INSERT INTO synced_statement (firm_id, account_id, external_id, period_start, period_end, blob_key, sha256, size, fetched_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (account_id, external_id) DO NOTHING
		RETURNING id`,
		firmID, accountID, s.ID, s.PeriodStart.Format(DateLayout), s.PeriodEnd.Format(DateLayout),
		blobKey, sha256, size, dbTime(now)).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows): // already there
		return false, nil
	case err != nil:
		return false, fmt.Errorf("bankdata: store statement %s of account %d: %w", s.ID, accountID, store.Err(err))
	}
	return true, nil
}

// HasStatement says whether one of the firm's accounts has the statement
// with the bank's id externalID, so the refresh need not download it again.
func HasStatement(ctx context.Context, q store.Querier, firmID, accountID int64, externalID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM synced_statement WHERE firm_id = $1 AND account_id = $2 AND external_id = $3`,
		firmID, accountID, externalID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("bankdata: look for statement %s of account %d: %w", externalID, accountID, err)
	}
	return n > 0, nil
}

const statementColumns = `id, account_id, external_id, period_start, period_end, blob_key, sha256, size, fetched_at`

// ListStatements lists the statements of one of the firm's accounts, the
// latest period first. Another firm's account has none.
func ListStatements(ctx context.Context, q store.Querier, firmID, accountID int64) ([]Statement, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT `+statementColumns+` FROM synced_statement WHERE firm_id = $1 AND account_id = $2
		ORDER BY period_end DESC, period_start DESC, id DESC`, firmID, accountID)
	if err != nil {
		return nil, fmt.Errorf("bankdata: statements of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []Statement
	for rows.Next() {
		s, err := scanStatement(rows)
		if err != nil {
			return nil, fmt.Errorf("bankdata: statements of account %d: %w", accountID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bankdata: statements of account %d: %w", accountID, err)
	}
	return out, nil
}

// GetStatement returns one of the firm's statements, or store.ErrNotFound.
func GetStatement(ctx context.Context, q store.Querier, firmID, id int64) (Statement, error) {
	s, err := scanStatement(q.QueryRowContext(ctx, `SELECT `+statementColumns+` FROM synced_statement WHERE id = $1 AND firm_id = $2`, id, firmID))
	if err != nil {
		return Statement{}, fmt.Errorf("bankdata: statement %d: %w", id, store.Err(err))
	}
	return s, nil
}

func scanStatement(sc scanner) (Statement, error) {
	var s Statement
	var start, end string
	if err := sc.Scan(&s.ID, &s.AccountID, &s.ExternalID, &start, &end, &s.BlobKey, &s.SHA256, &s.Size, &s.FetchedAt); err != nil {
		return Statement{}, err
	}
	s.FetchedAt = s.FetchedAt.UTC()
	var err1, err2 error
	s.PeriodStart, err1 = parseDate("statement", s.ID, start)
	s.PeriodEnd, err2 = parseDate("statement", s.ID, end)
	return s, errors.Join(err1, err2)
}
