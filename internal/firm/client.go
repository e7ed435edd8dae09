package firm

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Client is one of a firm's clients: the person or business whose bank
// accounts the firm keeps books for.
type Client struct {
	ID        int64
	FirmID    int64
	Name      string
	Email     string // "" when unknown
	Phone     string // E.164, or ""
	CreatedAt time.Time
}

// ClientDetails is what a firm enters about a client, to create or update
// one. Name is required; Email and Phone are optional.
type ClientDetails struct {
	Name  string
	Email string
	Phone string
}

// validate trims d and checks it, normalising the phone to E.164. Every
// problem is a *FieldError; all are reported at once.
func (d ClientDetails) validate() (ClientDetails, error) {
	d.Name, d.Email = strings.TrimSpace(d.Name), strings.TrimSpace(d.Email)
	var errs []error
	if err := checkName("name", d.Name, true, "Enter the client's name"); err != nil {
		errs = append(errs, err)
	}
	if d.Email != "" {
		// A bare address only: a display name would make the address we
		// write to differ from the one shown.
		if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email || a.Name != "" {
			errs = append(errs, &FieldError{Field: "email", Message: "Enter an email address like name@example.com"})
		}
	}
	number, err := parsePhone("phone", d.Phone)
	if err != nil {
		errs = append(errs, err)
	}
	d.Phone = number
	return d, errors.Join(errs...)
}

const clientColumns = `id, firm_id, name, email, phone, created_at`

// CreateClient adds a client to the firm; a firm that does not exist is
// store.ErrNotFound.
func CreateClient(ctx context.Context, q store.Querier, firmID int64, d ClientDetails, now time.Time) (*Client, error) {
	d, err := d.validate()
	if err != nil {
		return nil, err
	}
	c, err := scanClient(q.QueryRowContext(ctx, `
		INSERT INTO firm_client (firm_id, name, email, phone, created_at)
		SELECT id, $2, $3, $4, $5 FROM firm WHERE id = $1
		RETURNING `+clientColumns,
		firmID, d.Name, d.Email, d.Phone, now.UTC()))
	if err != nil {
		return nil, fmt.Errorf("firm: add a client to firm %d: %w", firmID, store.Err(err))
	}
	return c, nil
}

// GetClient returns the firm's client id, or store.ErrNotFound (also when
// the client belongs to another firm).
func GetClient(ctx context.Context, q store.Querier, firmID, id int64) (*Client, error) {
	c, err := scanClient(q.QueryRowContext(ctx, `SELECT `+clientColumns+` FROM firm_client WHERE id = $1 AND firm_id = $2`, id, firmID))
	if err != nil {
		return nil, fmt.Errorf("firm: client %d of firm %d: %w", id, firmID, store.Err(err))
	}
	return c, nil
}

// ListClients returns the firm's clients by name.
func ListClients(ctx context.Context, q store.Querier, firmID int64) ([]Client, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+clientColumns+` FROM firm_client WHERE firm_id = $1 ORDER BY LOWER(name), id`, firmID)
	if err != nil {
		return nil, fmt.Errorf("firm: clients of firm %d: %w", firmID, err)
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, fmt.Errorf("firm: clients of firm %d: %w", firmID, err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("firm: clients of firm %d: %w", firmID, err)
	}
	return out, nil
}

// UpdateClient replaces the firm's client's details, validated as in
// CreateClient, and returns the client as stored.
func UpdateClient(ctx context.Context, q store.Querier, firmID, id int64, d ClientDetails) (*Client, error) {
	d, err := d.validate()
	if err != nil {
		return nil, err
	}
	c, err := scanClient(q.QueryRowContext(ctx, `
		UPDATE firm_client SET name = $1, email = $2, phone = $3
		WHERE id = $4 AND firm_id = $5
		RETURNING `+clientColumns,
		d.Name, d.Email, d.Phone, id, firmID))
	if err != nil {
		return nil, fmt.Errorf("firm: update client %d of firm %d: %w", id, firmID, store.Err(err))
	}
	return c, nil
}

// DeleteClient removes the firm's client, and with it (by foreign-key
// cascade) its connections, their refreshes and the bank data they synced.
func DeleteClient(ctx context.Context, q store.Querier, firmID, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM firm_client WHERE id = $1 AND firm_id = $2`, id, firmID)
	return oneRow(res, err, "delete client %d of firm %d", id, firmID)
}

func scanClient(s scanner) (*Client, error) {
	var c Client
	if err := s.Scan(&c.ID, &c.FirmID, &c.Name, &c.Email, &c.Phone, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}
