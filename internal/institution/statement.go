package institution

import (
	"context"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Statement is one monthly statement period of an account. Its PDF is
// rendered from the period's transactions when asked for.
type Statement struct {
	ID          int64
	AccountID   int64
	PeriodStart time.Time
	PeriodEnd   time.Time
	Opening     int64
	Closing     int64
	AvailableOn time.Time // the day after the period ends
}

// PeriodEnding returns the statement period of an account with cycle day
// cycleDay that ends in the month of end (on that day).
func PeriodEnding(cycleDay int, year int, month time.Month) (start, end time.Time) {
	end = time.Date(year, month, cycleDay, 0, 0, 0, 0, time.UTC)
	start = end.AddDate(0, -1, 1)
	return start, end
}

// CloseStatement records the statement period [start, end] of the account:
// its opening and closing balances from the posted transactions. Closing a
// period twice is store.ErrConflict.
func CloseStatement(ctx context.Context, q store.Querier, accountID int64, start, end time.Time) (*Statement, error) {
	var opening, inPeriod int64
	err := q.QueryRowContext(ctx, `
		SELECT COALESCE(SUM(CASE WHEN occurred_on < $2 THEN amount ELSE 0 END), 0),
		       COALESCE(SUM(CASE WHEN occurred_on >= $2 AND occurred_on <= $3 THEN amount ELSE 0 END), 0)
		FROM bank_transaction WHERE account_id = $1 AND status = $4`,
		accountID, start.Format(DateLayout), end.Format(DateLayout), string(Posted)).Scan(&opening, &inPeriod)
	if err != nil {
		return nil, fmt.Errorf("institution: statement of account %d to %s: %w", accountID, end.Format(DateLayout), err)
	}
	s := &Statement{AccountID: accountID, PeriodStart: start, PeriodEnd: end, Opening: opening, Closing: opening + inPeriod, AvailableOn: end.AddDate(0, 0, 1)}
	err = q.QueryRowContext(ctx, `
		INSERT INTO bank_statement (account_id, period_start, period_end, opening, closing, available_on)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		accountID, start.Format(DateLayout), end.Format(DateLayout), s.Opening, s.Closing, s.AvailableOn.Format(DateLayout)).Scan(&s.ID)
	if err != nil {
		return nil, fmt.Errorf("institution: statement of account %d to %s: %w", accountID, end.Format(DateLayout), store.Err(err))
	}
	return s, nil
}

const statementColumns = `id, account_id, period_start, period_end, opening, closing, available_on`

// Statements lists the account's statements available on or before asOf
// (a statement becomes available the day after its period ends), newest
// first.
func Statements(ctx context.Context, q store.Querier, accountID int64, asOf time.Time) ([]*Statement, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT `+statementColumns+` FROM bank_statement
		WHERE account_id = $1 AND available_on <= $2 ORDER BY period_end DESC`, accountID, asOf.Format(DateLayout))
	if err != nil {
		return nil, fmt.Errorf("institution: statements of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []*Statement
	for rows.Next() {
		s, err := scanStatement(rows)
		if err != nil {
			return nil, fmt.Errorf("institution: statements of account %d: %w", accountID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// GetStatement returns one statement of the account, or store.ErrNotFound.
func GetStatement(ctx context.Context, q store.Querier, accountID, id int64) (*Statement, error) {
	s, err := scanStatement(q.QueryRowContext(ctx, `SELECT `+statementColumns+` FROM bank_statement WHERE id = $1 AND account_id = $2`, id, accountID))
	if err != nil {
		return nil, fmt.Errorf("institution: statement %d: %w", id, store.Err(err))
	}
	return s, nil
}

func scanStatement(s interface{ Scan(...any) error }) (*Statement, error) {
	var st Statement
	var start, end, avail string
	if err := s.Scan(&st.ID, &st.AccountID, &start, &end, &st.Opening, &st.Closing, &avail); err != nil {
		return nil, err
	}
	var err1, err2, err3 error
	st.PeriodStart, err1 = time.Parse(DateLayout, start)
	st.PeriodEnd, err2 = time.Parse(DateLayout, end)
	st.AvailableOn, err3 = time.Parse(DateLayout, avail)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, fmt.Errorf("statement %d: malformed dates", st.ID)
	}
	return &st, nil
}
