package institution

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Delegate is restricted, read-only access to a member's accounts for
// someone the member trusts, such as their accountant, with credentials of
// their own (and their own phone for codes).
type Delegate struct {
	ID                int64
	MemberID          int64
	SecurityAccountID int64
	Name              string
	CreatedAt         time.Time
	RevokedAt         time.Time
}

// AddDelegate gives the security account read-only access to the member's
// accounts.
func AddDelegate(ctx context.Context, q store.Querier, d *Delegate, now time.Time) error {
	d.CreatedAt = now
	err := q.QueryRowContext(ctx, `
		INSERT INTO bank_delegate (member_id, security_account_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		d.MemberID, d.SecurityAccountID, d.Name, now).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("institution: add delegate %q: %w", d.Name, store.Err(err))
	}
	return nil
}

// DelegateBySecurityAccount returns the active delegate who signs in as the
// security account, or store.ErrNotFound.
func DelegateBySecurityAccount(ctx context.Context, q store.Querier, securityAccountID int64) (*Delegate, error) {
	var d Delegate
	err := q.QueryRowContext(ctx, `
		SELECT id, member_id, security_account_id, name, created_at FROM bank_delegate
		WHERE security_account_id = $1 AND revoked_at IS NULL`, securityAccountID).
		Scan(&d.ID, &d.MemberID, &d.SecurityAccountID, &d.Name, &d.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("institution: delegate of sign-in %d: %w", securityAccountID, store.Err(err))
	}
	return &d, nil
}

// Delegates lists the member's delegates, active and revoked.
func Delegates(ctx context.Context, q store.Querier, memberID int64) ([]*Delegate, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT id, member_id, security_account_id, name, created_at, revoked_at FROM bank_delegate
		WHERE member_id = $1 ORDER BY id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("institution: delegates of member %d: %w", memberID, err)
	}
	defer rows.Close()
	var out []*Delegate
	for rows.Next() {
		var d Delegate
		var revoked sql.NullTime
		if err := rows.Scan(&d.ID, &d.MemberID, &d.SecurityAccountID, &d.Name, &d.CreatedAt, &revoked); err != nil {
			return nil, fmt.Errorf("institution: delegates of member %d: %w", memberID, err)
		}
		d.RevokedAt = revoked.Time
		out = append(out, &d)
	}
	return out, rows.Err()
}

// RevokeDelegate ends a delegate's access.
func RevokeDelegate(ctx context.Context, q store.Querier, memberID, delegateID int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE bank_delegate SET revoked_at = $1 WHERE id = $2 AND member_id = $3 AND revoked_at IS NULL`, now, delegateID, memberID)
	return oneRow(res, err, "revoke delegate %d", delegateID)
}

// StaffRole is what a staff member may do.
type StaffRole string

// Staff roles.
const (
	Teller StaffRole = "teller" // member service: search, resets, unblocks, access codes
	Admin  StaffRole = "admin"  // also the policy and the activity report
)

// Staff is an employee who signs in to the staff console.
type Staff struct {
	ID                int64
	SecurityAccountID int64
	Name              string
	Role              StaffRole
	CreatedAt         time.Time
}

// AddStaff records an employee.
func AddStaff(ctx context.Context, q store.Querier, s *Staff, now time.Time) error {
	if s.Role != Teller && s.Role != Admin {
		return fmt.Errorf("institution: staff role %q is not teller or admin", s.Role)
	}
	s.CreatedAt = now
	err := q.QueryRowContext(ctx, `
		INSERT INTO bank_staff (security_account_id, name, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		s.SecurityAccountID, s.Name, string(s.Role), now).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("institution: add staff %q: %w", s.Name, store.Err(err))
	}
	return nil
}

// StaffBySecurityAccount returns the employee who signs in as the security
// account, or store.ErrNotFound.
func StaffBySecurityAccount(ctx context.Context, q store.Querier, securityAccountID int64) (*Staff, error) {
	var s Staff
	var role string
	err := q.QueryRowContext(ctx, `SELECT id, security_account_id, name, role, created_at FROM bank_staff WHERE security_account_id = $1`,
		securityAccountID).Scan(&s.ID, &s.SecurityAccountID, &s.Name, &role, &s.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("institution: staff of sign-in %d: %w", securityAccountID, store.Err(err))
	}
	s.Role = StaffRole(role)
	return &s, nil
}
