package firm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
)

// MaxStatusDetailLength bounds a status detail, in characters.
const MaxStatusDetailLength = 1000

// Connection is a client's link to one institution: never its secrets,
// which only ConnectionSecrets reads.
type Connection struct {
	ID            int64
	FirmID        int64
	ClientID      int64
	InstitutionID int64
	Label         string
	// Restricted says the credentials are a delegate's or read-only
	// access the client set up at the bank (L3).
	Restricted bool
	// ContactPhone is a firm phone (E.164) the client added at the bank as
	// a point of contact, so codes can reach the firm (L8); "" for none.
	ContactPhone     string
	Schedule         Schedule
	Status           Status
	StatusDetail     string
	StatusAt         time.Time
	LastSuccessAt    time.Time // zero: never
	NextRefreshAt    time.Time // zero: no scheduled refresh
	HasSharedAnswers bool
	CreatedAt        time.Time
}

// NewConnection is what a firm enters to connect a client's bank.
type NewConnection struct {
	ClientID      int64
	InstitutionID int64
	Label         string
	Credentials   connector.Credentials
	// SharedAnswers are the security answers the client chose to share,
	// by the bank's question prompt; nil for none.
	SharedAnswers map[string]string
	Restricted    bool
	ContactPhone  string
	Schedule      Schedule // "" means Daily
}

// ConnectionSettings are a connection's settings a firm may change.
type ConnectionSettings struct {
	Label        string
	Restricted   bool
	ContactPhone string
	Schedule     Schedule // "" means Daily
}

// validate trims s and checks it, normalising the phone to E.164.
func (s ConnectionSettings) validate() (ConnectionSettings, error) {
	s.Label = strings.TrimSpace(s.Label)
	if s.Schedule == "" {
		s.Schedule = Daily
	}
	var errs []error
	if err := checkName("label", s.Label, false, ""); err != nil {
		errs = append(errs, err)
	}
	if !s.Schedule.Valid() {
		errs = append(errs, &FieldError{Field: "schedule", Message: "Choose manual, daily, weekly or monthly"})
	}
	number, err := parsePhone("contact_phone", s.ContactPhone)
	if err != nil {
		errs = append(errs, err)
	}
	s.ContactPhone = number
	return s, errors.Join(errs...)
}

// ConnectionFilter narrows ListConnections; zero fields match everything.
type ConnectionFilter struct {
	ClientID int64
	Status   Status
}

// CreateConnection is CreateConnectionTx in a transaction of its own.
func CreateConnection(ctx context.Context, db *store.DB, box Sealer, firmID int64, n NewConnection, now time.Time) (*Connection, error) {
	var c *Connection
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = CreateConnectionTx(ctx, tx, box, firmID, n, now)
		return err
	})
	return c, err
}

// CreateConnectionTx connects the firm's client n.ClientID to the
// institution, with status "new" and its first scheduled refresh one
// schedule period from now. The client must be the firm's and the
// institution must exist (else store.ErrNotFound); the username and
// password are required and the contact phone, when set, must be valid
// (else *FieldError).
//
// It takes a transaction because sealing binds each secret to the row's
// id: the row is inserted, then its secrets are sealed and written, and a
// failure in between must leave no row. Callers that enqueue the first
// refresh in the same transaction use it; others use CreateConnection.
func CreateConnectionTx(ctx context.Context, tx *sql.Tx, box Sealer, firmID int64, n NewConnection, now time.Time) (*Connection, error) {
	now = now.UTC()
	set, err := ConnectionSettings{Label: n.Label, Restricted: n.Restricted, ContactPhone: n.ContactPhone, Schedule: n.Schedule}.validate()
	errs := []error{err, checkCredentials(n.Credentials), checkSharedAnswers(n.SharedAnswers)}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if _, err := GetClient(ctx, tx, firmID, n.ClientID); err != nil {
		return nil, err
	}
	if _, err := GetInstitution(ctx, tx, n.InstitutionID); err != nil {
		return nil, err
	}

	var id int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO connection (firm_id, client_id, institution_id, label, credentials, restricted, contact_phone,
		                        schedule, status, status_at, next_refresh_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10)
		RETURNING id`,
		firmID, n.ClientID, n.InstitutionID, set.Label, []byte{}, set.Restricted, set.ContactPhone,
		string(set.Schedule), string(StatusNew), now, nullTime(set.Schedule.Next(now))).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("firm: connect client %d of firm %d: %w", n.ClientID, firmID, store.Err(err))
	}
	if err := SetCredentials(ctx, tx, box, firmID, id, n.Credentials); err != nil {
		return nil, err
	}
	if err := SetSharedAnswers(ctx, tx, box, firmID, id, n.SharedAnswers); err != nil {
		return nil, err
	}
	return GetConnection(ctx, tx, firmID, id)
}

const connectionColumns = `id, firm_id, client_id, institution_id, label, restricted, contact_phone, schedule,
	status, status_detail, status_at, last_success_at, next_refresh_at, shared_answers IS NOT NULL, created_at`

// GetConnection returns the firm's connection id, or store.ErrNotFound
// (also when it belongs to another firm).
func GetConnection(ctx context.Context, q store.Querier, firmID, id int64) (*Connection, error) {
	c, err := scanConnection(q.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connection WHERE id = $1 AND firm_id = $2`, id, firmID))
	if err != nil {
		return nil, fmt.Errorf("firm: connection %d of firm %d: %w", id, firmID, store.Err(err))
	}
	return c, nil
}

// ListConnections returns the firm's connections matching f, oldest first.
func ListConnections(ctx context.Context, q store.Querier, firmID int64, f ConnectionFilter) ([]Connection, error) {
	query := `SELECT ` + connectionColumns + ` FROM connection WHERE firm_id = $1`
	args := []any{firmID}
	if f.ClientID != 0 {
		args = append(args, f.ClientID)
		query += fmt.Sprintf(` AND client_id = $%d`, len(args))
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, &FieldError{Field: "status", Message: "Choose one of the connection statuses"}
		}
		args = append(args, string(f.Status))
		query += fmt.Sprintf(` AND status = $%d`, len(args))
	}
	return listConnections(ctx, q, query+` ORDER BY id`, args, fmt.Sprintf("connections of firm %d", firmID))
}

// UpdateConnection changes the firm's connection's settings, validated as
// in CreateConnection, and returns it as stored. A new schedule takes
// effect from now: the next refresh becomes schedule.Next(now) (none for
// Manual); an unchanged schedule keeps the next refresh where it was.
func UpdateConnection(ctx context.Context, q store.Querier, firmID, id int64, s ConnectionSettings, now time.Time) (*Connection, error) {
	s, err := s.validate()
	if err != nil {
		return nil, err
	}
	// On the right of SET every column is its value before the update, so
	// the CASE compares with the old schedule.
	c, err := scanConnection(q.QueryRowContext(ctx, `
		UPDATE connection
		SET label = $1, restricted = $2, contact_phone = $3,
		    next_refresh_at = CASE WHEN schedule = $4 THEN next_refresh_at ELSE $5 END,
		    schedule = $4
		WHERE id = $6 AND firm_id = $7
		RETURNING `+connectionColumns,
		s.Label, s.Restricted, s.ContactPhone, string(s.Schedule), nullTime(s.Schedule.Next(now.UTC())), id, firmID))
	if err != nil {
		return nil, fmt.Errorf("firm: update connection %d of firm %d: %w", id, firmID, store.Err(err))
	}
	return c, nil
}

// DeleteConnection removes the firm's connection, its secrets, and (by
// foreign-key cascade) its refreshes and the bank data it synced.
func DeleteConnection(ctx context.Context, q store.Querier, firmID, id int64) error {
	res, err := q.ExecContext(ctx, `DELETE FROM connection WHERE id = $1 AND firm_id = $2`, id, firmID)
	return oneRow(res, err, "delete connection %d of firm %d", id, firmID)
}

// SetStatus records how a refresh of the firm's connection ended: status,
// a detail for the firm (the engine's words; never a secret, and cut to
// MaxStatusDetailLength characters) and when. success also records now as
// the last successful refresh.
func SetStatus(ctx context.Context, q store.Querier, firmID, id int64, status Status, detail string, now time.Time, success bool) error {
	if !status.Valid() {
		return &FieldError{Field: "status", Message: "Choose one of the connection statuses"}
	}
	if r := []rune(detail); len(r) > MaxStatusDetailLength {
		detail = string(r[:MaxStatusDetailLength])
	}
	now = now.UTC()
	res, err := q.ExecContext(ctx, `
		UPDATE connection
		SET status = $1, status_detail = $2, status_at = $3,
		    last_success_at = CASE WHEN $4 THEN $3 ELSE last_success_at END
		WHERE id = $5 AND firm_id = $6`,
		string(status), detail, now, success, id, firmID)
	return oneRow(res, err, "set the status of connection %d of firm %d", id, firmID)
}

// SetNextRefresh sets when the scheduler refreshes the firm's connection
// next; a zero at means not at all.
func SetNextRefresh(ctx context.Context, q store.Querier, firmID, id int64, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE connection SET next_refresh_at = $1 WHERE id = $2 AND firm_id = $3`, nullTime(at), id, firmID)
	return oneRow(res, err, "set the next refresh of connection %d of firm %d", id, firmID)
}

// unscheduled are the statuses DueConnections skips: an unattended retry
// of a password the bank refused, or of a locked sign-in, is what locks a
// client out of their bank (L6: nothing wrong is retried automatically),
// and one during a pending challenge would start a second sign-in under
// the person answering. A person's manual refresh moves them on.
var unscheduled = []Status{StatusInvalidCredentials, StatusLocked, StatusChallengePending}

// DueConnections returns up to limit connections whose next refresh is at
// or before now, the longest overdue first, skipping those whose status
// makes an unattended refresh harmful (invalid credentials, locked, a
// challenge pending).
//
// It is the scheduler's query and the only read of this package across
// firms: each Connection carries its FirmID, and everything done with it
// afterwards goes through the firm-scoped functions.
func DueConnections(ctx context.Context, q store.Querier, now time.Time, limit int) ([]Connection, error) {
	if limit <= 0 {
		return nil, nil
	}
	return listConnections(ctx, q, `
		SELECT `+connectionColumns+` FROM connection
		WHERE next_refresh_at IS NOT NULL AND next_refresh_at <= $1 AND status NOT IN ($2, $3, $4)
		ORDER BY next_refresh_at, id LIMIT $5`,
		[]any{now.UTC(), string(unscheduled[0]), string(unscheduled[1]), string(unscheduled[2]), limit}, "due connections")
}

func listConnections(ctx context.Context, q store.Querier, query string, args []any, what string) ([]Connection, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("firm: %s: %w", what, err)
	}
	defer rows.Close()
	var out []Connection
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, fmt.Errorf("firm: %s: %w", what, err)
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("firm: %s: %w", what, err)
	}
	return out, nil
}

func scanConnection(s scanner) (*Connection, error) {
	var c Connection
	var schedule, status string
	var lastSuccess, nextRefresh sql.NullTime
	err := s.Scan(&c.ID, &c.FirmID, &c.ClientID, &c.InstitutionID, &c.Label, &c.Restricted, &c.ContactPhone, &schedule,
		&status, &c.StatusDetail, &c.StatusAt, &lastSuccess, &nextRefresh, &c.HasSharedAnswers, &c.CreatedAt)
	if err != nil {
		return nil, err
	}
	c.Schedule, c.Status = Schedule(schedule), Status(status)
	c.StatusAt, c.CreatedAt = c.StatusAt.UTC(), c.CreatedAt.UTC()
	if lastSuccess.Valid {
		c.LastSuccessAt = lastSuccess.Time.UTC()
	}
	if nextRefresh.Valid {
		c.NextRefreshAt = nextRefresh.Time.UTC()
	}
	return &c, nil
}
