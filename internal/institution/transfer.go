package institution

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// TransferKind is how money leaves an account.
type TransferKind string

// The kinds of transfer.
const (
	Internal TransferKind = "internal" // between the member's own accounts
	ACH      TransferKind = "ach"      // to an account at another bank, by ACH
	Wire     TransferKind = "wire"     // to an account at another bank, by wire
)

// TransferRequest is what a member asks to move.
type TransferRequest struct {
	MemberID        int64
	Kind            TransferKind
	FromAccountID   int64
	ToAccountID     int64  // internal
	ToRouting       string // ach, wire
	ToAccountNumber string
	ToName          string
	Amount          int64
	Memo            string
}

// Transfer is a transfer done.
type Transfer struct {
	ID        int64
	Reference string // the receipt number the member keeps
	TransferRequest
	Status    string
	CreatedAt time.Time
}

// ErrInsufficientFunds refuses a transfer larger than the balance.
var ErrInsufficientFunds = errors.New("the amount is more than the account's balance")

// MakeTransfer moves money, in the caller's transaction: the debit, the
// credit (internal) and the record commit together. The caller has already
// applied the security rules (dollar-rule step-up, confirmation code).
func MakeTransfer(ctx context.Context, tx *sql.Tx, r TransferRequest, now time.Time) (*Transfer, error) {
	if r.Amount <= 0 {
		return nil, errors.New("institution: the amount must be more than zero")
	}
	from, err := GetAccount(ctx, tx, r.MemberID, r.FromAccountID)
	if err != nil {
		return nil, err
	}
	if from.Closed() || from.Type == CreditCard {
		return nil, fmt.Errorf("institution: money cannot be sent from account %s", from.Masked())
	}
	if from.Balance < r.Amount {
		return nil, fmt.Errorf("institution: transfer from %s: %w", from.Masked(), ErrInsufficientFunds)
	}
	ref := reference()
	day := now.UTC().Truncate(24 * time.Hour)
	debit := &Transaction{AccountID: from.ID, FITID: "TRF" + ref + "D", Date: day, Amount: -r.Amount, Memo: r.Memo}
	switch r.Kind {
	case Internal:
		to, err := GetAccount(ctx, tx, r.MemberID, r.ToAccountID)
		if err != nil {
			return nil, err
		}
		if to.Closed() || to.ID == from.ID {
			return nil, fmt.Errorf("institution: money cannot be sent to account %s", to.Masked())
		}
		debit.Type, debit.Description = "XFER", "TRANSFER TO "+to.Type.Label()+" "+to.Masked()
		credit := &Transaction{AccountID: to.ID, FITID: "TRF" + ref + "C", Type: "XFER", Date: day, Amount: r.Amount,
			Description: "TRANSFER FROM " + from.Type.Label() + " " + from.Masked(), Memo: r.Memo}
		if to.Type == CreditCard {
			credit.Type, credit.Description = "PAYMENT", "PAYMENT - THANK YOU"
		}
		if err := Post(ctx, tx, credit, now); err != nil {
			return nil, err
		}
	case ACH, Wire:
		if !ValidRouting(r.ToRouting) {
			return nil, fmt.Errorf("institution: routing number %q is not valid (nine digits with a valid check digit)", r.ToRouting)
		}
		if strings.Trim(r.ToAccountNumber, "0123456789") != "" || len(r.ToAccountNumber) < 4 || len(r.ToAccountNumber) > 17 {
			return nil, errors.New("institution: the receiving account number must be 4–17 digits")
		}
		if strings.TrimSpace(r.ToName) == "" {
			return nil, errors.New("institution: the receiver's name is required")
		}
		debit.Type = "DIRECTDEBIT"
		debit.Description = "ACH TRANSFER TO " + strings.ToUpper(r.ToName)
		if r.Kind == Wire {
			debit.Type, debit.Description = "XFER", "WIRE OUT "+strings.ToUpper(r.ToName)
		}
	default:
		return nil, fmt.Errorf("institution: transfer kind %q is not internal, ach or wire", r.Kind)
	}
	if err := Post(ctx, tx, debit, now); err != nil {
		return nil, err
	}
	t := &Transfer{Reference: ref, TransferRequest: r, Status: "completed", CreatedAt: now}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO bank_transfer (member_id, kind, from_account_id, to_account_id, to_routing, to_account_number, to_name, amount, memo, reference, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		r.MemberID, string(r.Kind), r.FromAccountID, nullID(r.ToAccountID), r.ToRouting, r.ToAccountNumber, r.ToName,
		r.Amount, r.Memo, ref, t.Status, now).Scan(&t.ID)
	if err != nil {
		return nil, fmt.Errorf("institution: record transfer: %w", store.Err(err))
	}
	return t, nil
}

// reference is a receipt number: 10 characters without look-alikes.
func reference() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // 32 symbols: a byte maps without bias
	var b [10]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b[:])
}

// ValidRouting checks an ABA routing number's check digit (weights 3, 7, 1).
func ValidRouting(rn string) bool {
	if len(rn) != 9 || strings.Trim(rn, "0123456789") != "" {
		return false
	}
	w := []int{3, 7, 1, 3, 7, 1, 3, 7, 1}
	sum := 0
	for i, r := range rn {
		sum += int(r-'0') * w[i]
	}
	return sum%10 == 0
}
