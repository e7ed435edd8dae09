package phone

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// ErrTooManyPhones refuses a phone beyond the policy's maximum.
var ErrTooManyPhones = &FieldError{Field: "number", Code: "too_many", Message: "You have the most phone numbers allowed; remove one first"}

// ErrDuplicate refuses a number the account already has.
var ErrDuplicate = &FieldError{Field: "number", Code: "duplicate", Message: "This number is already on your list"}

const columns = `id, account_id, number, region, kind, role, label, verified_at, collected_at, created_at`

// Add validates n and stores it as a phone of the account, collected now.
// Refusals are *FieldError: the validation problems of Parse, ErrDuplicate,
// ErrTooManyPhones, or a role (primary, recovery) the account already has a
// phone in — change roles with SetPrimary.
//
// The cap holds without a transaction: each phone takes a numbered slot
// (1..MaxPhones) under a unique constraint, so two concurrent Adds cannot
// both take the last one.
func Add(ctx context.Context, q store.Querier, p Policy, accountID int64, n New, now time.Time) (*Phone, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	ph, err := p.Parse(n)
	if err != nil {
		return nil, err
	}
	ph.AccountID, ph.CollectedAt, ph.CreatedAt = accountID, now, now

	// Each round either inserts, or refuses, or lost a slot to a concurrent
	// Add; there are only MaxPhones slots to lose.
	for range p.MaxPhones + 1 {
		slot, err := freeSlot(ctx, q, p, ph)
		if err != nil {
			return nil, err
		}
		err = q.QueryRowContext(ctx, `
			INSERT INTO security_phone (account_id, slot, number, region, kind, role, label, collected_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			RETURNING id`,
			accountID, slot, ph.Number, ph.Region, string(ph.Kind), string(ph.Role), ph.Label, now).Scan(&ph.ID)
		if err == nil {
			return ph, nil
		}
		if err = store.Err(err); !errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("phone: add a phone to account %d: %w", accountID, err)
		}
	}
	return nil, fmt.Errorf("phone: add a phone to account %d: %w", accountID, store.ErrConflict)
}

// freeSlot returns the lowest free slot for ph, or the refusal that applies.
func freeSlot(ctx context.Context, q store.Querier, p Policy, ph *Phone) (int, error) {
	rows, err := q.QueryContext(ctx, `SELECT slot, number, role FROM security_phone WHERE account_id = $1`, ph.AccountID)
	if err != nil {
		return 0, fmt.Errorf("phone: phones of account %d: %w", ph.AccountID, err)
	}
	defer rows.Close()
	taken := map[int]bool{}
	for rows.Next() {
		var slot int
		var number, role string
		if err := rows.Scan(&slot, &number, &role); err != nil {
			return 0, fmt.Errorf("phone: phones of account %d: %w", ph.AccountID, err)
		}
		taken[slot] = true
		if number == ph.Number {
			return 0, ErrDuplicate
		}
		if role == string(ph.Role) && ph.Role != Other {
			return 0, &FieldError{Field: "role", Code: "taken",
				Message: fmt.Sprintf("You already have a %s phone; add this one as another phone, then make it %s", ph.Role, ph.Role)}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("phone: phones of account %d: %w", ph.AccountID, err)
	}
	if len(taken) >= p.MaxPhones {
		return 0, ErrTooManyPhones
	}
	for s := 1; ; s++ {
		if !taken[s] {
			return s, nil
		}
	}
}

// List returns the account's phones: primary, recovery, then the others in
// the order they were added.
func List(ctx context.Context, q store.Querier, accountID int64) ([]*Phone, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT `+columns+` FROM security_phone WHERE account_id = $1
		ORDER BY CASE role WHEN 'primary' THEN 0 WHEN 'recovery' THEN 1 ELSE 2 END, id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("phone: phones of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []*Phone
	for rows.Next() {
		ph, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("phone: phones of account %d: %w", accountID, err)
		}
		out = append(out, ph)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("phone: phones of account %d: %w", accountID, err)
	}
	return out, nil
}

// Get returns the account's phone id, or store.ErrNotFound (also when the
// phone belongs to another account).
func Get(ctx context.Context, q store.Querier, accountID, id int64) (*Phone, error) {
	ph, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_phone WHERE id = $1 AND account_id = $2`, id, accountID))
	if err != nil {
		return nil, fmt.Errorf("phone: phone %d of account %d: %w", id, accountID, store.Err(err))
	}
	return ph, nil
}

// Remove deletes the account's phone id. Codes already sent to it keep their
// history without the destination.
func Remove(ctx context.Context, q store.Querier, accountID, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM security_phone WHERE id = $1 AND account_id = $2`, id, accountID)
	return oneRow(res, err, "remove phone %d of account %d", id, accountID)
}

// SetPrimary makes the account's phone id its primary phone. The former
// primary takes the role the new one had: making the recovery phone primary
// makes the old primary the recovery phone. It runs several statements;
// pass a transaction so that a failure halfway changes nothing.
func SetPrimary(ctx context.Context, q store.Querier, accountID, id int64) error {
	ph, err := Get(ctx, q, accountID, id)
	if err != nil {
		return err
	}
	if ph.Role == Primary {
		return nil
	}
	// Free the new primary's role, hand it to the old primary, then promote:
	// in this order no statement ever holds two primaries or two recovery
	// phones, which the unique indexes refuse at every row.
	steps := []struct {
		sql  string
		args []any
	}{
		{`UPDATE security_phone SET role = 'other' WHERE id = $1 AND account_id = $2`, []any{id, accountID}},
		{`UPDATE security_phone SET role = $1 WHERE account_id = $2 AND role = 'primary'`, []any{string(ph.Role), accountID}},
		{`UPDATE security_phone SET role = 'primary' WHERE id = $1 AND account_id = $2`, []any{id, accountID}},
	}
	for _, s := range steps {
		if _, err := q.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("phone: make phone %d the primary of account %d: %w", id, accountID, store.Err(err))
		}
	}
	return nil
}

// MarkVerified records that a code sent to the phone was entered.
func MarkVerified(ctx context.Context, q store.Querier, accountID, id int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE security_phone SET verified_at = $1 WHERE id = $2 AND account_id = $3`, now, id, accountID)
	return oneRow(res, err, "mark phone %d of account %d verified", id, accountID)
}

// MarkCollected records that the member reviewed and confirmed all their
// phones now (the re-collection of S10).
func MarkCollected(ctx context.Context, q store.Querier, accountID int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, `UPDATE security_phone SET collected_at = $1 WHERE account_id = $2`, now, accountID); err != nil {
		return fmt.Errorf("phone: mark the phones of account %d collected: %w", accountID, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scan(s scanner) (*Phone, error) {
	var ph Phone
	var kind, role string
	var verified sql.NullTime
	if err := s.Scan(&ph.ID, &ph.AccountID, &ph.Number, &ph.Region, &kind, &role, &ph.Label, &verified, &ph.CollectedAt, &ph.CreatedAt); err != nil {
		return nil, err
	}
	ph.Kind, ph.Role = Kind(kind), Role(role)
	if verified.Valid {
		ph.VerifiedAt = verified.Time.UTC()
	}
	ph.CollectedAt, ph.CreatedAt = ph.CollectedAt.UTC(), ph.CreatedAt.UTC()
	return &ph, nil
}

func oneRow(res sql.Result, err error, format string, args ...any) error {
	if err != nil {
		return fmt.Errorf("phone: "+format+": %w", append(args, store.Err(err))...)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("phone: "+format+": %w", append(args, err)...)
	}
	if n == 0 {
		return fmt.Errorf("phone: "+format+": %w", append(args, store.ErrNotFound)...)
	}
	return nil
}
