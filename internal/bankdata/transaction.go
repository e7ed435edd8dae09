package bankdata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Counts says what UpsertTransactions did, for the refresh's record.
type Counts struct {
	New       int // stored for the first time
	Updated   int // stored before, changed now: amended, posted, or listed again after being removed
	Unchanged int // stored before, listed again as they were
	// Removed counts pending transactions hidden by this call: the bank no
	// longer lists them, or their posted transaction replaced them (one
	// first seen already replaced counts here, not as New).
	Removed int
}

// UpsertTransactions stores the transactions the bank listed for one of the
// firm's accounts in the window from..to (inclusive days), for refresh
// refreshID of that account's connection. It returns what it did and the
// bank's id → our id of every transaction listed.
//
// The bank's id is the key: pulling the same data again changes nothing, an
// amended transaction (same id, new amount, description or date) is updated
// in place, and two identical charges with different ids are two rows. A
// posted transaction naming the pending one it replaces (PendingID) is linked
// to it, and the pending one is hidden so lists never show both. A pending
// transaction the bank no longer lists within the window is hidden too, and
// shown again if it comes back; posted ones are never hidden, since a bank
// dropping one from a listing is not the bank reversing it.
//
// It returns store.ErrNotFound when the account or the refresh is not the
// firm's, or the refresh is of another connection.
func UpsertTransactions(ctx context.Context, q store.Querier, firmID, accountID, refreshID int64,
	txns []connector.Transaction, from, to time.Time, now time.Time) (Counts, map[string]int64, error) {
	fail := func(err error) (Counts, map[string]int64, error) {
		return Counts{}, nil, fmt.Errorf("bankdata: store transactions of account %d: %w", accountID, err)
	}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return fail(fmt.Errorf("the window %s..%s is not a range of days", from.Format(DateLayout), to.Format(DateLayout)))
	}
	for i, t := range txns {
		if t.ID == "" {
			return fail(fmt.Errorf("the bank listed transaction #%d (%s, %q) without an id", i+1, t.Date.Format(DateLayout), t.Description))
		}
		if t.Date.IsZero() {
			return fail(fmt.Errorf("the bank listed transaction %s without a date", t.ID))
		}
	}
	var currency string
	err := q.QueryRowContext(ctx, `
		SELECT a.currency FROM synced_account a JOIN refresh r ON r.connection_id = a.connection_id
		WHERE a.id = $1 AND a.firm_id = $2 AND r.id = $3 AND r.firm_id = $2`,
		accountID, firmID, refreshID).Scan(&currency)
	if err != nil {
		return fail(fmt.Errorf("the account or refresh %d is not this firm's, or the refresh is of another connection: %w", refreshID, store.Err(err)))
	}

	u := &txnUpserter{q: q, firmID: firmID, accountID: accountID, refreshID: refreshID, now: dbTime(now)}
	// A pending transaction listed with the posted one replacing it is
	// stored already hidden, so it never shows, even for one refresh.
	replaced := make(map[string]bool)
	for _, t := range txns {
		if !t.Pending && t.PendingID != "" && t.PendingID != t.ID {
			replaced[t.PendingID] = true
		}
	}
	// Pending ones first, so that a posted one finds the pending one it
	// replaces even when both came in this listing.
	ordered := slices.Clone(txns)
	slices.SortStableFunc(ordered, func(a, b connector.Transaction) int {
		switch {
		case a.Pending == b.Pending:
			return 0
		case a.Pending:
			return -1
		default:
			return 1
		}
	})
	ids := make(map[string]int64, len(txns))
	for _, t := range ordered {
		if t.Currency == "" {
			t.Currency = currency
		}
		id, err := u.upsert(ctx, t, replaced[t.ID])
		if err != nil {
			return fail(err)
		}
		ids[t.ID] = id
	}
	if err := u.sweep(ctx, ids, from, to); err != nil {
		return fail(err)
	}
	return u.counts, ids, nil
}

// txnUpserter is one UpsertTransactions call.
type txnUpserter struct {
	q                            store.Querier
	firmID, accountID, refreshID int64
	now                          time.Time
	counts                       Counts
}

// txnRow is what UpsertTransactions compares: the stored row, or the row
// the bank's listing asks for.
type txnRow struct {
	id          int64
	pending     bool
	pendingOf   sql.NullInt64
	postedOn    string
	amount      int64
	currency    string
	description string
	memo        string
	checkNumber string
	removed     bool
}

// find returns the account's transaction with the bank's id, or nil.
func (u *txnUpserter) find(ctx context.Context, externalID string) (*txnRow, error) {
	var r txnRow
	err := u.q.QueryRowContext(ctx, `
		SELECT id, pending, pending_of, posted_on, amount, currency, description, memo, check_number, removed
		FROM synced_transaction WHERE account_id = $1 AND external_id = $2`, u.accountID, externalID,
	).Scan(&r.id, &r.pending, &r.pendingOf, &r.postedOn, &r.amount, &r.currency, &r.description, &r.memo, &r.checkNumber, &r.removed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read transaction %s: %w", externalID, err)
	}
	return &r, nil
}

func (u *txnUpserter) upsert(ctx context.Context, t connector.Transaction, replacedHere bool) (int64, error) {
	cur, err := u.find(ctx, t.ID)
	if err != nil {
		return 0, err
	}
	want := txnRow{
		pending:     t.Pending,
		postedOn:    t.Date.Format(DateLayout),
		amount:      t.Amount,
		currency:    t.Currency,
		description: t.Description,
		memo:        t.Memo,
		checkNumber: t.CheckNumber,
	}
	if cur != nil {
		want.id, want.pendingOf = cur.id, cur.pendingOf
	}
	if t.Pending {
		// A pending one stays hidden while a posted one replaces it, even
		// when the bank still lists it.
		want.removed = replacedHere
		if !want.removed && cur != nil {
			if want.removed, err = u.isReplaced(ctx, cur.id); err != nil {
				return 0, err
			}
		}
	} else if t.PendingID != "" && t.PendingID != t.ID {
		if err := u.link(ctx, &want, t.PendingID); err != nil {
			return 0, err
		}
	}

	switch {
	case cur == nil:
		id, err := u.insert(ctx, t.ID, want)
		if err != nil {
			return 0, err
		}
		if want.removed {
			u.counts.Removed++
		} else {
			u.counts.New++
		}
		return id, nil
	case *cur == want:
		_, err := u.q.ExecContext(ctx, `UPDATE synced_transaction SET last_refresh_id = $1 WHERE id = $2`, u.refreshID, cur.id)
		if err != nil {
			return 0, fmt.Errorf("record transaction %s as seen: %w", t.ID, err)
		}
		u.counts.Unchanged++
		return cur.id, nil
	default:
		if err := u.update(ctx, t.ID, want); err != nil {
			return 0, err
		}
		onlyHidden := *cur
		onlyHidden.removed = true
		if want == onlyHidden {
			u.counts.Removed++
		} else {
			u.counts.Updated++
		}
		return cur.id, nil
	}
}

// link points the posted row want at the pending transaction it replaces,
// when that one is stored, and hides the pending one.
func (u *txnUpserter) link(ctx context.Context, want *txnRow, pendingExternalID string) error {
	p, err := u.find(ctx, pendingExternalID)
	if err != nil || p == nil || !p.pending {
		// Never seen pending (or the bank's link is to a posted one, which
		// replaces nothing): there is nothing to hide.
		return err
	}
	want.pendingOf = sql.NullInt64{Int64: p.id, Valid: true}
	if p.removed {
		return nil
	}
	if err := u.hide(ctx, p.id); err != nil {
		return fmt.Errorf("hide pending transaction %s replaced by its posting: %w", pendingExternalID, err)
	}
	u.counts.Removed++
	return nil
}

// isReplaced says whether a posted transaction replaces the pending one id.
func (u *txnUpserter) isReplaced(ctx context.Context, id int64) (bool, error) {
	var n int
	// account_id first: it narrows the search to the account through the
	// (account_id, external_id) index, pending_of having none.
	err := u.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM synced_transaction WHERE account_id = $1 AND pending_of = $2`,
		u.accountID, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for the posting of pending transaction %d: %w", id, err)
	}
	return n > 0, nil
}

func (u *txnUpserter) insert(ctx context.Context, externalID string, r txnRow) (int64, error) {
	var id int64
	err := u.q.QueryRowContext(ctx, `
		INSERT INTO synced_transaction (firm_id, account_id, external_id, pending, pending_of, posted_on, amount, currency,
		                                description, memo, check_number, removed, first_refresh_id, last_refresh_id,
		                                created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $14)
		RETURNING id`,
		u.firmID, u.accountID, externalID, r.pending, r.pendingOf, r.postedOn, r.amount, r.currency,
		r.description, r.memo, r.checkNumber, r.removed, u.refreshID, u.now,
	).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert transaction %s: %w", externalID, store.Err(err))
	}
	return id, nil
}

func (u *txnUpserter) update(ctx context.Context, externalID string, r txnRow) error {
	_, err := u.q.ExecContext(ctx, `
		UPDATE synced_transaction SET pending = $1, pending_of = $2, posted_on = $3, amount = $4, currency = $5,
			description = $6, memo = $7, check_number = $8, removed = $9, last_refresh_id = $10, updated_at = $11
		WHERE id = $12`,
		r.pending, r.pendingOf, r.postedOn, r.amount, r.currency,
		r.description, r.memo, r.checkNumber, r.removed, u.refreshID, u.now, r.id)
	if err != nil {
		return fmt.Errorf("update transaction %s: %w", externalID, store.Err(err))
	}
	return nil
}

func (u *txnUpserter) hide(ctx context.Context, id int64) error {
	_, err := u.q.ExecContext(ctx, `
		UPDATE synced_transaction SET removed = $1, last_refresh_id = $2, updated_at = $3 WHERE id = $4`,
		true, u.refreshID, u.now, id)
	return err
}

// sweep hides the pending transactions dated within from..to that the bank
// no longer lists: a hold released, an authorisation that never posted.
func (u *txnUpserter) sweep(ctx context.Context, listed map[string]int64, from, to time.Time) error {
	rows, err := u.q.QueryContext(ctx, `
		SELECT id, external_id FROM synced_transaction
		WHERE account_id = $1 AND pending = $2 AND removed = $3 AND posted_on >= $4 AND posted_on <= $5`,
		u.accountID, true, false, from.Format(DateLayout), to.Format(DateLayout))
	if err != nil {
		return fmt.Errorf("find pending transactions no longer listed: %w", err)
	}
	var gone []int64
	for rows.Next() {
		var id int64
		var ext string
		if err := rows.Scan(&id, &ext); err != nil {
			rows.Close()
			return fmt.Errorf("find pending transactions no longer listed: %w", err)
		}
		if _, ok := listed[ext]; !ok {
			gone = append(gone, id)
		}
	}
	// Close before writing: on SQLite the transaction has one connection.
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("find pending transactions no longer listed: %w", err)
	}
	for _, id := range gone {
		if err := u.hide(ctx, id); err != nil {
			return fmt.Errorf("hide pending transaction %d no longer listed: %w", id, err)
		}
		u.counts.Removed++
	}
	return nil
}

// Transaction is one transaction as LedgerSync stored it.
type Transaction struct {
	ID         int64
	AccountID  int64
	ExternalID string // the bank's id (FITID)
	Pending    bool
	// PendingOf is the id of the pending transaction this posted one
	// replaced, or 0.
	PendingOf   int64
	PostedOn    time.Time // the day (UTC midnight): posted, or authorised for a pending one
	Amount      int64     // minor units; money out is negative
	Currency    string
	Description string
	Memo        string
	CheckNumber string
	// HasFront and HasBack say which sides of the check's image are stored.
	HasFront, HasBack bool
	// Removed says the transaction is hidden: a pending one the bank no
	// longer lists or that its posting replaced. Lists never return those;
	// GetTransaction does, so a link to one still resolves.
	Removed bool
}

// TransactionFilter selects transactions; zero fields select everything.
type TransactionFilter struct {
	AccountID    int64
	ConnectionID int64
	From, To     time.Time // inclusive days
	// Search matches, ignoring case, anywhere in the description or memo.
	Search string
	// Pending, when set, keeps only the pending (true) or posted (false)
	// ones.
	Pending *bool
	// Limit and Offset page the list; Limit 0 is no limit.
	Limit, Offset int
}

const transactionColumns = `t.id, t.account_id, t.external_id, t.pending, t.pending_of, t.posted_on, t.amount, t.currency,
	t.description, t.memo, t.check_number, t.removed,
	EXISTS (SELECT 1 FROM synced_check_image c WHERE c.transaction_id = t.id AND c.side = 'front'),
	EXISTS (SELECT 1 FROM synced_check_image c WHERE c.transaction_id = t.id AND c.side = 'back')`

// ListTransactions lists the firm's transactions matching f, newest first,
// never the removed ones.
func ListTransactions(ctx context.Context, q store.Querier, firmID int64, f TransactionFilter) ([]Transaction, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return nil, fmt.Errorf("bankdata: list transactions: limit %d and offset %d must not be negative", f.Limit, f.Offset)
	}
	args := []any{firmID, false}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where := []string{`t.firm_id = $1`, `t.removed = $2`}
	if f.AccountID != 0 {
		where = append(where, `t.account_id = `+arg(f.AccountID))
	}
	if f.ConnectionID != 0 {
		where = append(where, `a.connection_id = `+arg(f.ConnectionID))
	}
	if !f.From.IsZero() {
		where = append(where, `t.posted_on >= `+arg(f.From.Format(DateLayout)))
	}
	if !f.To.IsZero() {
		where = append(where, `t.posted_on <= `+arg(f.To.Format(DateLayout)))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		p := arg("%" + likeEscaper.Replace(strings.ToLower(s)) + "%")
		where = append(where, `(LOWER(t.description) LIKE `+p+` ESCAPE '\' OR LOWER(t.memo) LIKE `+p+` ESCAPE '\')`)
	}
	if f.Pending != nil {
		where = append(where, `t.pending = `+arg(*f.Pending))
	}
	page := ""
	if f.Limit > 0 || f.Offset > 0 {
		limit := int64(f.Limit)
		if limit == 0 {
			limit = 1 << 62 // SQLite has no OFFSET without a LIMIT
		}
		page = ` LIMIT ` + arg(limit) + ` OFFSET ` + arg(int64(f.Offset))
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+transactionColumns+`
		FROM synced_transaction t JOIN synced_account a ON a.id = t.account_id
		WHERE `+strings.Join(where, ` AND `)+`
		ORDER BY t.posted_on DESC, t.id DESC`+page, args...)
	if err != nil {
		return nil, fmt.Errorf("bankdata: list transactions: %w", err)
	}
	defer rows.Close()
	var out []Transaction
	for rows.Next() {
		t, err := scanTransaction(rows)
		if err != nil {
			return nil, fmt.Errorf("bankdata: list transactions: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bankdata: list transactions: %w", err)
	}
	return out, nil
}

// likeEscaper escapes LIKE's wildcards so a search for "50%" finds "50%".
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// GetTransaction returns one of the firm's transactions, removed ones
// included, or store.ErrNotFound.
func GetTransaction(ctx context.Context, q store.Querier, firmID, id int64) (Transaction, error) {
	t, err := scanTransaction(q.QueryRowContext(ctx, `
		SELECT `+transactionColumns+` FROM synced_transaction t WHERE t.id = $1 AND t.firm_id = $2`, id, firmID))
	if err != nil {
		return Transaction{}, fmt.Errorf("bankdata: transaction %d: %w", id, store.Err(err))
	}
	return t, nil
}

func scanTransaction(s scanner) (Transaction, error) {
	var t Transaction
	var pendingOf sql.NullInt64
	var postedOn string
	if err := s.Scan(&t.ID, &t.AccountID, &t.ExternalID, &t.Pending, &pendingOf, &postedOn, &t.Amount, &t.Currency,
		&t.Description, &t.Memo, &t.CheckNumber, &t.Removed, &t.HasFront, &t.HasBack); err != nil {
		return Transaction{}, err
	}
	t.PendingOf = pendingOf.Int64
	var err error
	t.PostedOn, err = parseDate("transaction", t.ID, postedOn)
	return t, err
}
