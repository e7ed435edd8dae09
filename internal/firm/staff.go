package firm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// StaffRealm is the security account realm of firm staff: a staff user is
// an account.Account in this realm whose username is their email.
const StaffRealm = "ledgersync"

// Role is what a staff member may do in their firm.
type Role string

// The roles.
const (
	// Owner runs the firm: staff, billing and every client.
	Owner Role = "owner"
	// Staff works on the firm's clients and connections.
	Staff Role = "staff"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r == Owner || r == Staff }

// Member is one staff member of a firm, as ListStaff returns them.
type Member struct {
	AccountID int64
	Email     string // the account's username
	Name      string
	Role      Role
	CreatedAt time.Time
}

// Membership is a user's place in one firm.
type Membership struct {
	Firm Firm
	Role Role
	Name string // the user's name in that firm
}

// AddStaff makes the account a member of the firm with role. The account
// must be in StaffRealm, so an institution member's or a portal client's
// login can never act for a firm: an account of another realm, or a firm
// or account that does not exist, is store.ErrNotFound. An account already
// in the firm is store.ErrConflict.
func AddStaff(ctx context.Context, q store.Querier, firmID, accountID int64, name string, role Role, now time.Time) error {
	name = strings.TrimSpace(name)
	if !role.Valid() {
		return &FieldError{Field: "role", Message: "Choose owner or staff"}
	}
	if err := checkName("name", name, false, ""); err != nil {
		return err
	}
	res, err := q.ExecContext(ctx, `
		INSERT INTO firm_staff (firm_id, account_id, name, role, created_at)
		SELECT f.id, a.id, $3, $4, $5 FROM firm f, security_account a
		WHERE f.id = $1 AND a.id = $2 AND a.realm = $6`,
		firmID, accountID, name, string(role), now.UTC(), StaffRealm)
	return oneRow(res, err, "add account %d to the staff of firm %d", accountID, firmID)
}

// ListStaff returns the firm's staff by name.
func ListStaff(ctx context.Context, q store.Querier, firmID int64) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT s.account_id, a.username, s.name, s.role, s.created_at
		FROM firm_staff s JOIN security_account a ON a.id = s.account_id
		WHERE s.firm_id = $1
		ORDER BY LOWER(s.name), a.username`, firmID)
	if err != nil {
		return nil, fmt.Errorf("firm: staff of firm %d: %w", firmID, err)
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var role string
		if err := rows.Scan(&m.AccountID, &m.Email, &m.Name, &role, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("firm: staff of firm %d: %w", firmID, err)
		}
		m.Role, m.CreatedAt = Role(role), m.CreatedAt.UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("firm: staff of firm %d: %w", firmID, err)
	}
	return out, nil
}

const membershipColumns = `f.id, f.name, f.phone, f.created_at, s.role, s.name`

// MembershipsOf returns the firms the account belongs to, by firm name.
func MembershipsOf(ctx context.Context, q store.Querier, accountID int64) ([]Membership, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT `+membershipColumns+`
		FROM firm_staff s JOIN firm f ON f.id = s.firm_id
		WHERE s.account_id = $1
		ORDER BY LOWER(f.name), f.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("firm: firms of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, fmt.Errorf("firm: firms of account %d: %w", accountID, err)
		}
		out = append(out, *m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("firm: firms of account %d: %w", accountID, err)
	}
	return out, nil
}

// MemberOf returns the account's membership of the firm, or
// store.ErrNotFound when it is not a member: the check every firm page and
// API call makes before it touches the firm's records.
func MemberOf(ctx context.Context, q store.Querier, firmID, accountID int64) (*Membership, error) {
	m, err := scanMembership(q.QueryRowContext(ctx, `
		SELECT `+membershipColumns+`
		FROM firm_staff s JOIN firm f ON f.id = s.firm_id
		WHERE s.firm_id = $1 AND s.account_id = $2`, firmID, accountID))
	if err != nil {
		return nil, fmt.Errorf("firm: account %d in firm %d: %w", accountID, firmID, store.Err(err))
	}
	return m, nil
}

func scanMembership(s scanner) (*Membership, error) {
	var m Membership
	var role string
	if err := s.Scan(&m.Firm.ID, &m.Firm.Name, &m.Firm.Phone, &m.Firm.CreatedAt, &role, &m.Name); err != nil {
		return nil, err
	}
	m.Role, m.Firm.CreatedAt = Role(role), m.Firm.CreatedAt.UTC()
	return &m, nil
}
