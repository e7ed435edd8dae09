package bankseed_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
)

// now is the bank's today in the tests: a Monday.
var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	d, err := time.Parse(institution.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return d
}

// digest hashes every column of every row of the tables the generator
// fills, in id order.
func digest(t *testing.T, db *store.DB) string {
	t.Helper()
	h := sha256.New()
	for _, table := range []string{"bank_member", "bank_account", "bank_transaction", "bank_statement"} {
		fmt.Fprintf(h, "table %s\n", table)
		rows, err := db.Reader().Query(`SELECT * FROM ` + table + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				switch v := v.(type) {
				case time.Time:
					fmt.Fprintf(h, "%s=%s|", cols[i], v.UTC().Format(time.RFC3339Nano))
				case []byte:
					fmt.Fprintf(h, "%s=%s|", cols[i], v)
				default:
					fmt.Fprintf(h, "%s=%v|", cols[i], v)
				}
			}
			h.Write([]byte("\n"))
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s is empty", table)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// members lists every member of the bank.
func members(t *testing.T, db *store.DB) []*institution.Member {
	t.Helper()
	list, err := institution.SearchMembers(context.Background(), db.Reader(), "", 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// allAccounts lists every account of the bank.
func allAccounts(t *testing.T, db *store.DB) []*institution.Account {
	t.Helper()
	var out []*institution.Account
	for _, m := range members(t, db) {
		list, err := institution.Accounts(context.Background(), db.Reader(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list...)
	}
	return out
}

// history is every row of an account, pending and void ones too, in date
// order.
func history(t *testing.T, db *store.DB, accountID int64) []*institution.Transaction {
	t.Helper()
	rows, err := db.Reader().Query(`
		SELECT id, fit_id, status, COALESCE(pending_id, 0), type, occurred_on, amount, description, memo, check_number, payee
		FROM bank_transaction WHERE account_id = $1 ORDER BY occurred_on, id`, accountID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []*institution.Transaction
	for rows.Next() {
		tr := &institution.Transaction{AccountID: accountID}
		var status, date string
		if err := rows.Scan(&tr.ID, &tr.FITID, &status, &tr.PendingID, &tr.Type, &date, &tr.Amount, &tr.Description,
			&tr.Memo, &tr.CheckNumber, &tr.Payee); err != nil {
			t.Fatal(err)
		}
		tr.Status, tr.Date = institution.Status(status), day(date)
		out = append(out, tr)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func statements(t *testing.T, db *store.DB, accountID int64) []*institution.Statement {
	t.Helper()
	list, err := institution.Statements(context.Background(), db.Reader(), accountID, day("9999-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 { // oldest first
		list[i], list[j] = list[j], list[i]
	}
	return list
}

func opened(a *institution.Account) time.Time {
	return time.Date(a.OpenedAt.Year(), a.OpenedAt.Month(), a.OpenedAt.Day(), 0, 0, 0, 0, time.UTC)
}
