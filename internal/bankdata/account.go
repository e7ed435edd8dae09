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

// Account is a bank account as LedgerSync last saw it. Amounts are minor
// units of Currency.
type Account struct {
	ID           int64
	FirmID       int64
	ConnectionID int64
	ExternalID   string // the bank's id for it
	Name         string
	Mask         string // the last four digits: what to show
	Type         connector.AccountType
	Currency     string
	Balance      int64
	// Available is the available balance, when HasAvailable: not every
	// bank reports one.
	Available    int64
	HasAvailable bool
	BalanceAt    time.Time // zero when the bank did not say
	Closed       bool      // closed at the bank
	FirstSeenAt  time.Time
	LastSeenAt   time.Time
}

// UpsertAccounts stores the accounts the bank listed for a connection:
// new ones are inserted, known ones (same bank id on the same connection)
// get the bank's current name, mask, type, currency, balances and closed
// flag. It returns the bank's id → our id of every account listed. An
// account the bank stops listing is left as it was: its LastSeenAt says when
// it was last listed.
//
// It returns store.ErrNotFound when the connection is not the firm's.
func UpsertAccounts(ctx context.Context, q store.Querier, firmID, connectionID int64, accts []connector.Account, now time.Time) (map[string]int64, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM connection WHERE id = $1 AND firm_id = $2`, connectionID, firmID).Scan(&one)
	if err != nil {
		return nil, fmt.Errorf("bankdata: store accounts of connection %d: %w", connectionID, store.Err(err))
	}
	now = dbTime(now)
	ids := make(map[string]int64, len(accts))
	for i, a := range accts {
		if a.ID == "" {
			return nil, fmt.Errorf("bankdata: store accounts of connection %d: the bank listed account #%d (ending %s) without an id", connectionID, i+1, a.Mask)
		}
		typ := a.Type
		if typ == "" {
			typ = connector.Other
		}
		currency := a.Currency
		if currency == "" {
			currency = "USD" // the schema's default: the banks we connect to report in dollars
		}
		var available sql.NullInt64
		if a.HasAvailable {
			available = sql.NullInt64{Int64: a.Available, Valid: true}
		}
		var balanceAt sql.NullTime
		if !a.BalanceAt.IsZero() {
			balanceAt = sql.NullTime{Time: dbTime(a.BalanceAt), Valid: true}
		}
		var id int64
		err := q.QueryRowContext(ctx, `
			INSERT INTO synced_account (firm_id, connection_id, external_id, name, mask, type, currency,
			                            balance, available, balance_at, closed, first_seen_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
			ON CONFLICT (connection_id, external_id) DO UPDATE SET
				name = excluded.name, mask = excluded.mask, type = excluded.type, currency = excluded.currency,
				balance = excluded.balance, available = excluded.available, balance_at = excluded.balance_at,
				closed = excluded.closed, last_seen_at = excluded.last_seen_at
			RETURNING id`,
			firmID, connectionID, a.ID, a.Name, a.Mask, string(typ), currency,
			a.Balance, available, balanceAt, a.Closed, now,
		).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("bankdata: store account ending %s of connection %d: %w", a.Mask, connectionID, store.Err(err))
		}
		ids[a.ID] = id
	}
	return ids, nil
}

const accountColumns = `id, firm_id, connection_id, external_id, name, mask, type, currency,
	balance, available, balance_at, closed, first_seen_at, last_seen_at`

// ListAccounts lists the firm's accounts, of one connection or, with
// connectionID 0, of all its connections, by connection then name.
func ListAccounts(ctx context.Context, q store.Querier, firmID, connectionID int64) ([]Account, error) {
	where, args := `firm_id = $1`, []any{firmID}
	if connectionID != 0 {
		where, args = where+` AND connection_id = $2`, append(args, connectionID)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT `+accountColumns+` FROM synced_account WHERE `+where+`
		ORDER BY connection_id, name, mask, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("bankdata: list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("bankdata: list accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bankdata: list accounts: %w", err)
	}
	return out, nil
}

// GetAccount returns one of the firm's accounts, or store.ErrNotFound.
func GetAccount(ctx context.Context, q store.Querier, firmID, id int64) (Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM synced_account WHERE id = $1 AND firm_id = $2`, id, firmID))
	if err != nil {
		return Account{}, fmt.Errorf("bankdata: account %d: %w", id, store.Err(err))
	}
	return a, nil
}

func scanAccount(s scanner) (Account, error) {
	var a Account
	var typ string
	var available sql.NullInt64
	var balanceAt sql.NullTime
	if err := s.Scan(&a.ID, &a.FirmID, &a.ConnectionID, &a.ExternalID, &a.Name, &a.Mask, &typ, &a.Currency,
		&a.Balance, &available, &balanceAt, &a.Closed, &a.FirstSeenAt, &a.LastSeenAt); err != nil {
		return Account{}, err
	}
	a.Type = connector.AccountType(typ)
	a.Available, a.HasAvailable = available.Int64, available.Valid
	if balanceAt.Valid {
		a.BalanceAt = balanceAt.Time.UTC()
	}
	a.FirstSeenAt, a.LastSeenAt = a.FirstSeenAt.UTC(), a.LastSeenAt.UTC()
	return a, nil
}

// accountCurrency checks that the account is the firm's and returns its currency,
// or store.ErrNotFound.
func accountCurrency(ctx context.Context, q store.Querier, firmID, accountID int64) (string, error) {
	var currency string
	err := q.QueryRowContext(ctx, `SELECT currency FROM synced_account WHERE id = $1 AND firm_id = $2`, accountID, firmID).Scan(&currency)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("account %d: %w", accountID, store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("account %d: %w", accountID, err)
	}
	return currency, nil
}
