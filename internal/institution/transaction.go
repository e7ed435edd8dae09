package institution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// DateLayout is how dates without a time are written.
const DateLayout = "2006-01-02"

// Status is where a transaction is in its life.
type Status string

// Transaction statuses. A pending item is replaced, when it posts, by a new
// posted transaction with its own FITID that points back at it; the pending
// one becomes void.
const (
	Pending Status = "pending"
	Posted  Status = "posted"
	Void    Status = "void"
)

// Transaction is one movement of money on an account.
type Transaction struct {
	ID          int64
	AccountID   int64
	FITID       string // stable, unique: the id aggregators reconcile on
	Status      Status
	PendingID   int64  // for a posting that replaced a pending item
	Type        string // OFX TRNTYPE
	Date        time.Time
	Amount      int64 // minor units: + credit, - debit
	Description string
	Memo        string
	CheckNumber string
	Payee       string
	CreatedAt   time.Time
}

// Post records a posted transaction and moves the account's balance, in
// the caller's transaction (both or neither must happen).
func Post(ctx context.Context, tx *sql.Tx, t *Transaction, now time.Time) error {
	t.Status = Posted
	if err := insertTransaction(ctx, tx, t, now); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE bank_account SET balance = balance + $1 WHERE id = $2 AND closed_at IS NULL`, t.Amount, t.AccountID)
	return oneRow(res, err, "post %s to account %d (closed?)", t.FITID, t.AccountID)
}

// AddPending records an authorised, not yet posted, transaction; the
// balance moves when it posts.
func AddPending(ctx context.Context, q store.Querier, t *Transaction, now time.Time) error {
	t.Status = Pending
	return insertTransaction(ctx, q, t, now)
}

// PostPending posts a pending item as a new transaction (its own FITID,
// pointing at the pending one, possibly for a different final amount, such
// as a tip) and voids the pending item.
func PostPending(ctx context.Context, tx *sql.Tx, pendingID int64, posted *Transaction, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE bank_transaction SET status = $1 WHERE id = $2 AND status = $3`, string(Void), pendingID, string(Pending))
	if err := oneRow(res, err, "void pending transaction %d", pendingID); err != nil {
		return err
	}
	posted.PendingID = pendingID
	return Post(ctx, tx, posted, now)
}

func insertTransaction(ctx context.Context, q store.Querier, t *Transaction, now time.Time) error {
	if t.FITID == "" || t.Type == "" || t.Description == "" {
		return errors.New("institution: a transaction needs a FITID, a type and a description")
	}
	t.CreatedAt = now
	err := q.QueryRowContext(ctx, `
		INSERT INTO bank_transaction (account_id, fit_id, status, pending_id, type, occurred_on, amount, description, memo, check_number, payee, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		t.AccountID, t.FITID, string(t.Status), nullID(t.PendingID), t.Type, t.Date.Format(DateLayout), t.Amount,
		t.Description, t.Memo, t.CheckNumber, t.Payee, now,
	).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("institution: record transaction %s: %w", t.FITID, store.Err(err))
	}
	return nil
}

// TransactionFilter selects an account's transactions.
type TransactionFilter struct {
	From, To       time.Time // inclusive dates; zero for open-ended
	IncludePending bool
	Limit          int // 0 for all
}

const transactionColumns = `id, account_id, fit_id, status, pending_id, type, occurred_on, amount, description, memo, check_number, payee, created_at`

// Transactions lists the account's posted (and, when asked, pending)
// transactions in date order.
func Transactions(ctx context.Context, q store.Querier, accountID int64, f TransactionFilter) ([]*Transaction, error) {
	from, to := "0000-01-01", "9999-12-31"
	if !f.From.IsZero() {
		from = f.From.Format(DateLayout)
	}
	if !f.To.IsZero() {
		to = f.To.Format(DateLayout)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+transactionColumns+` FROM bank_transaction
		WHERE account_id = $1 AND occurred_on >= $2 AND occurred_on <= $3 AND (status = $4 OR status = $5)
		ORDER BY occurred_on, id
		LIMIT $6`,
		accountID, from, to, string(Posted), pendingIf(f.IncludePending), limit)
	if err != nil {
		return nil, fmt.Errorf("institution: transactions of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []*Transaction
	for rows.Next() {
		t, err := scanTransaction(rows)
		if err != nil {
			return nil, fmt.Errorf("institution: transactions of account %d: %w", accountID, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func pendingIf(include bool) string {
	if include {
		return string(Pending)
	}
	return string(Posted)
}

// GetTransaction returns one transaction of the account, or
// store.ErrNotFound.
func GetTransaction(ctx context.Context, q store.Querier, accountID, id int64) (*Transaction, error) {
	t, err := scanTransaction(q.QueryRowContext(ctx, `SELECT `+transactionColumns+` FROM bank_transaction WHERE id = $1 AND account_id = $2`, id, accountID))
	if err != nil {
		return nil, fmt.Errorf("institution: transaction %d: %w", id, store.Err(err))
	}
	return t, nil
}

func scanTransaction(s interface{ Scan(...any) error }) (*Transaction, error) {
	var t Transaction
	var status, date string
	var pending sql.NullInt64
	if err := s.Scan(&t.ID, &t.AccountID, &t.FITID, &status, &pending, &t.Type, &date, &t.Amount,
		&t.Description, &t.Memo, &t.CheckNumber, &t.Payee, &t.CreatedAt); err != nil {
		return nil, err
	}
	d, err := time.Parse(DateLayout, date)
	if err != nil {
		return nil, fmt.Errorf("transaction %d: date %q: %w", t.ID, date, err)
	}
	t.Status, t.PendingID, t.Date, t.CreatedAt = Status(status), pending.Int64, d, t.CreatedAt.UTC()
	return &t, nil
}
