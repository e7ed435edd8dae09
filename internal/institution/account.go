package institution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// AccountType is the kind of an account.
type AccountType string

// The account types the bank offers.
const (
	Checking   AccountType = "checking"
	Savings    AccountType = "savings"
	CreditCard AccountType = "credit_card"
)

// Label is the type as members read it.
func (t AccountType) Label() string {
	switch t {
	case Checking:
		return "Checking"
	case Savings:
		return "Savings"
	case CreditCard:
		return "Credit card"
	}
	return string(t)
}

// Account is a deposit or card account. Amounts are minor units; a credit
// card's balance is negative while money is owed.
type Account struct {
	ID                int64
	MemberID          int64
	Number            string
	Type              AccountType
	Nickname          string
	Currency          string
	Balance           int64 // posted (ledger) balance
	CreditLimit       int64
	StatementCycleDay int // each statement period ends on this day of the month (1–28)
	OpenedAt          time.Time
	ClosedAt          time.Time // zero while open
}

// Closed reports whether the account is closed.
func (a *Account) Closed() bool { return !a.ClosedAt.IsZero() }

// Masked is the account number with all but the last four digits hidden.
func (a *Account) Masked() string { return Mask(a.Number) }

// Mask hides all but the last four characters of an account number.
func Mask(number string) string {
	if len(number) <= 4 {
		return number
	}
	return "••••" + number[len(number)-4:]
}

// ErrAccountNotEmpty refuses to close an account that still holds money.
var ErrAccountNotEmpty = errors.New("the account still has a balance; move it before closing the account")

// OpenAccount adds an account with a zero balance (money arrives as
// transactions, so a balance is always the sum of its postings); a.ID is
// set.
func OpenAccount(ctx context.Context, q store.Querier, a *Account) error {
	switch a.Type {
	case Checking, Savings, CreditCard:
	default:
		return fmt.Errorf("institution: account type %q is not checking, savings or credit_card", a.Type)
	}
	if a.StatementCycleDay < 1 || a.StatementCycleDay > 28 {
		return fmt.Errorf("institution: statement cycle day %d is outside 1–28", a.StatementCycleDay)
	}
	if a.Currency == "" {
		a.Currency = "USD"
	}
	a.Balance = 0
	err := q.QueryRowContext(ctx, `
		INSERT INTO bank_account (member_id, number, type, nickname, currency, balance, credit_limit, statement_cycle_day, opened_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.MemberID, a.Number, string(a.Type), a.Nickname, a.Currency, 0, a.CreditLimit, a.StatementCycleDay, a.OpenedAt,
	).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("institution: open account %s: %w", Mask(a.Number), store.Err(err))
	}
	return nil
}

const accountColumns = `id, member_id, number, type, nickname, currency, balance, credit_limit, statement_cycle_day, opened_at, closed_at`

func scanAccount(s interface{ Scan(...any) error }) (*Account, error) {
	var a Account
	var typ string
	var closed sql.NullTime
	if err := s.Scan(&a.ID, &a.MemberID, &a.Number, &typ, &a.Nickname, &a.Currency, &a.Balance, &a.CreditLimit,
		&a.StatementCycleDay, &a.OpenedAt, &closed); err != nil {
		return nil, err
	}
	a.Type, a.ClosedAt, a.OpenedAt = AccountType(typ), closed.Time.UTC(), a.OpenedAt.UTC()
	if !closed.Valid {
		a.ClosedAt = time.Time{}
	}
	return &a, nil
}

// Accounts lists the member's accounts, open and closed, in the order they
// were opened.
func Accounts(ctx context.Context, q store.Querier, memberID int64) ([]*Account, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+accountColumns+` FROM bank_account WHERE member_id = $1 ORDER BY id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("institution: accounts of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("institution: accounts of member %d: %w", memberID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAccount returns one of the member's accounts. Another member's account
// is store.ErrNotFound, like a missing one.
func GetAccount(ctx context.Context, q store.Querier, memberID, accountID int64) (*Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM bank_account WHERE id = $1 AND member_id = $2`, accountID, memberID))
	if err != nil {
		return nil, fmt.Errorf("institution: account %d: %w", accountID, store.Err(err))
	}
	return a, nil
}

// AccountByNumber returns the account with number, or store.ErrNotFound.
func AccountByNumber(ctx context.Context, q store.Querier, number string) (*Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM bank_account WHERE number = $1`, number))
	if err != nil {
		return nil, fmt.Errorf("institution: account %s: %w", Mask(number), store.Err(err))
	}
	return a, nil
}

// CloseAccount closes one of the member's accounts; it must be empty.
func CloseAccount(ctx context.Context, q store.Querier, memberID, accountID int64, now time.Time) error {
	a, err := GetAccount(ctx, q, memberID, accountID)
	if err != nil {
		return err
	}
	if a.Closed() {
		return nil
	}
	if a.Balance != 0 {
		return fmt.Errorf("institution: close account %s: %w", a.Masked(), ErrAccountNotEmpty)
	}
	res, err := q.ExecContext(ctx, `UPDATE bank_account SET closed_at = $1 WHERE id = $2 AND member_id = $3 AND closed_at IS NULL`, now, accountID, memberID)
	return oneRow(res, err, "close account %s", a.Masked())
}
