package firm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/store"
)

// MaxNameLength is the longest name (of a firm, client, institution or a
// connection's label), in characters.
const MaxNameLength = 200

// Firm is an accounting firm: the tenant every other record belongs to.
type Firm struct {
	ID   int64
	Name string
	// Phone is the firm's number in E.164, or "": a client may add it at
	// the bank as a point of contact so codes reach the firm (L8).
	Phone     string
	CreatedAt time.Time
}

// FieldError is a refusal a person can act on: the field it is about
// ("name", "phone", "password", …) and a sentence to show. It never
// contains the value that was refused.
type FieldError struct {
	Field   string
	Message string
}

// Error is "firm: <field>: <message>".
func (e *FieldError) Error() string { return "firm: " + e.Field + ": " + e.Message }

// Create adds a firm. The name is required; the phone is optional and stored
// in E.164. Every problem is a *FieldError; all are reported at once.
func Create(ctx context.Context, q store.Querier, name, phoneNumber string, now time.Time) (*Firm, error) {
	f, err := validFirm(name, phoneNumber)
	if err != nil {
		return nil, err
	}
	f.CreatedAt = now.UTC()
	err = q.QueryRowContext(ctx, `INSERT INTO firm (name, phone, created_at) VALUES ($1, $2, $3) RETURNING id`,
		f.Name, f.Phone, f.CreatedAt).Scan(&f.ID)
	if err != nil {
		return nil, fmt.Errorf("firm: create firm %q: %w", f.Name, store.Err(err))
	}
	return f, nil
}

// Get returns the firm with id, or store.ErrNotFound.
func Get(ctx context.Context, q store.Querier, id int64) (*Firm, error) {
	f, err := scanFirm(q.QueryRowContext(ctx, `SELECT id, name, phone, created_at FROM firm WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("firm %d: %w", id, store.Err(err))
	}
	return f, nil
}

// Update renames the firm and sets its phone ("" removes it), validated as
// in Create, and returns the firm as stored.
func Update(ctx context.Context, q store.Querier, id int64, name, phoneNumber string) (*Firm, error) {
	f, err := validFirm(name, phoneNumber)
	if err != nil {
		return nil, err
	}
	f, err = scanFirm(q.QueryRowContext(ctx, `UPDATE firm SET name = $1, phone = $2 WHERE id = $3 RETURNING id, name, phone, created_at`,
		f.Name, f.Phone, id))
	if err != nil {
		return nil, fmt.Errorf("firm: update firm %d: %w", id, store.Err(err))
	}
	return f, nil
}

func validFirm(name, phoneNumber string) (*Firm, error) {
	f := &Firm{Name: strings.TrimSpace(name)}
	var errs []error
	if err := checkName("name", f.Name, true, "Enter the firm's name"); err != nil {
		errs = append(errs, err)
	}
	number, err := parsePhone("phone", phoneNumber)
	if err != nil {
		errs = append(errs, err)
	}
	f.Phone = number
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return f, nil
}

func scanFirm(s scanner) (*Firm, error) {
	var f Firm
	if err := s.Scan(&f.ID, &f.Name, &f.Phone, &f.CreatedAt); err != nil {
		return nil, err
	}
	f.CreatedAt = f.CreatedAt.UTC()
	return &f, nil
}

// checkName refuses a name that is missing (when required), too long or
// holds control characters. v is already trimmed.
func checkName(field, v string, required bool, missing string) error {
	switch {
	case v == "" && required:
		return &FieldError{Field: field, Message: missing}
	case utf8.RuneCountInString(v) > MaxNameLength:
		return &FieldError{Field: field, Message: fmt.Sprintf("Keep it to %d characters", MaxNameLength)}
	case !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0:
		return &FieldError{Field: field, Message: "It may not contain control characters"}
	}
	return nil
}

// parsePhone validates an optional phone number and returns it in E.164,
// or "" when raw is blank. The number is read as the phone package reads a
// member's: a US number without +country code, premium-rate and service
// numbers refused.
func parsePhone(field, raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	// Declared a landline because a contact number may be either, and the
	// kind only decides which channels can reach it: Parse refuses a
	// fixed-line number declared mobile, never a mobile declared landline.
	ph, err := phone.DefaultPolicy().Parse(phone.New{Number: raw, Kind: phone.Landline})
	if err != nil {
		msg := "Enter a valid phone number with its area code, or with +country code for a number abroad"
		if fe, ok := errors.AsType[*phone.FieldError](err); ok {
			msg = fe.Message
		}
		return "", &FieldError{Field: field, Message: msg}
	}
	return ph.Number, nil
}

type scanner interface{ Scan(dest ...any) error }

// oneRow turns the result of a statement meant to change one row into an
// error: the driver's (mapped to the store's sentinels), or
// store.ErrNotFound when no row matched.
func oneRow(res sql.Result, err error, format string, args ...any) error {
	if err != nil {
		return fmt.Errorf("firm: "+format+": %w", append(args, store.Err(err))...)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("firm: "+format+": %w", append(args, err)...)
	}
	if n == 0 {
		return fmt.Errorf("firm: "+format+": %w", append(args, store.ErrNotFound)...)
	}
	return nil
}

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()} }
