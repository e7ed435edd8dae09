package institution

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Member is a person with accounts at the bank.
type Member struct {
	ID                int64
	Number            string // the member (customer) number staff look up
	SecurityAccountID int64  // 0 until the member enrols online
	FirstName         string
	LastName          string
	Email             string
	PhoneOnFile       string // E.164; where an activation code may go (S7)
	Address           []string
	SSNFirst4         string
	SSNLast4          string
	BirthYear         int
	ActivityGroup     string // for abnormal activity monitoring (S30)
	Watermark         string // the image id chosen at enrolment (S22)
	Controls          risk.Controls
	QuestionMode      string // "" for the institution's policy, or "rotating" / "two_of_three" for this member
	HasConfirmation   bool   // the member set a confirmation code for transfers (S21)
	CreatedAt         time.Time
}

// Name is the member's full name.
func (m *Member) Name() string { return m.FirstName + " " + m.LastName }

// Enrolled reports whether the member has set up online banking.
func (m *Member) Enrolled() bool { return m.SecurityAccountID != 0 }

// controls is how the member's Personal Internet Branch settings are stored.
type controls struct {
	GeoAllow               []string        `json:"geo_allow,omitempty"`
	GeoBlock               []string        `json:"geo_block,omitempty"`
	PCRegistrationRequired bool            `json:"pc_registration_required,omitempty"`
	Windows                []controlWindow `json:"windows,omitempty"`
	TimeZone               string          `json:"time_zone,omitempty"`
}

type controlWindow struct {
	Days      []time.Weekday `json:"days"`
	StartHour int            `json:"start_hour"`
	EndHour   int            `json:"end_hour"`
}

func encodeControls(c risk.Controls) (string, error) {
	s := controls{GeoAllow: c.GeoAllow, GeoBlock: c.GeoBlock, PCRegistrationRequired: c.PCRegistrationRequired}
	for _, w := range c.AvailableWindows {
		s.Windows = append(s.Windows, controlWindow{Days: w.Days, StartHour: w.StartHour, EndHour: w.EndHour})
	}
	if c.TimeZone != nil {
		s.TimeZone = c.TimeZone.String()
	}
	b, err := json.Marshal(s)
	return string(b), err
}

func decodeControls(raw string) (risk.Controls, error) {
	var s controls
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return risk.Controls{}, err
	}
	c := risk.Controls{GeoAllow: s.GeoAllow, GeoBlock: s.GeoBlock, PCRegistrationRequired: s.PCRegistrationRequired}
	for _, w := range s.Windows {
		c.AvailableWindows = append(c.AvailableWindows, risk.Window{Days: w.Days, StartHour: w.StartHour, EndHour: w.EndHour})
	}
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			return risk.Controls{}, err
		}
		c.TimeZone = loc
	}
	return c, nil
}

// CreateMember adds a member. m.ID and m.CreatedAt are set.
func CreateMember(ctx context.Context, q store.Querier, m *Member, now time.Time) error {
	if m.Number == "" || m.FirstName == "" || m.LastName == "" {
		return fmt.Errorf("institution: a member needs a number, a first and a last name")
	}
	if m.ActivityGroup == "" {
		m.ActivityGroup = "personal"
	}
	ctl, err := encodeControls(m.Controls)
	if err != nil {
		return fmt.Errorf("institution: member %s: controls: %w", m.Number, err)
	}
	m.CreatedAt = now
	err = q.QueryRowContext(ctx, `
		INSERT INTO bank_member (member_number, security_account_id, first_name, last_name, email, phone_on_file,
			address, ssn_first4, ssn_last4, birth_year, activity_group, watermark, controls, question_mode, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		m.Number, nullID(m.SecurityAccountID), m.FirstName, m.LastName, m.Email, m.PhoneOnFile,
		strings.Join(m.Address, "\n"), m.SSNFirst4, m.SSNLast4, m.BirthYear, m.ActivityGroup, m.Watermark, ctl, m.QuestionMode, now,
	).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("institution: create member %s: %w", m.Number, store.Err(err))
	}
	return nil
}

const memberColumns = `id, member_number, security_account_id, first_name, last_name, email, phone_on_file, address,
	ssn_first4, ssn_last4, birth_year, activity_group, watermark, controls, question_mode, confirmation_hash <> '', created_at`

func scanMember(s interface{ Scan(...any) error }) (*Member, error) {
	var m Member
	var sec sql.NullInt64
	var addr, ctl string
	err := s.Scan(&m.ID, &m.Number, &sec, &m.FirstName, &m.LastName, &m.Email, &m.PhoneOnFile, &addr,
		&m.SSNFirst4, &m.SSNLast4, &m.BirthYear, &m.ActivityGroup, &m.Watermark, &ctl, &m.QuestionMode, &m.HasConfirmation, &m.CreatedAt)
	if err != nil {
		return nil, err
	}
	m.SecurityAccountID = sec.Int64
	if addr != "" {
		m.Address = strings.Split(addr, "\n")
	}
	if m.Controls, err = decodeControls(ctl); err != nil {
		return nil, fmt.Errorf("member %d: controls: %w", m.ID, err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// GetMember returns the member with id, or store.ErrNotFound.
func GetMember(ctx context.Context, q store.Querier, id int64) (*Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM bank_member WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("institution: member %d: %w", id, store.Err(err))
	}
	return m, nil
}

// MemberBySecurityAccount returns the member who signs in as the security
// account, or store.ErrNotFound.
func MemberBySecurityAccount(ctx context.Context, q store.Querier, securityAccountID int64) (*Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM bank_member WHERE security_account_id = $1`, securityAccountID))
	if err != nil {
		return nil, fmt.Errorf("institution: member of sign-in %d: %w", securityAccountID, store.Err(err))
	}
	return m, nil
}

// MemberByNumber returns the member with the member number, or
// store.ErrNotFound.
func MemberByNumber(ctx context.Context, q store.Querier, number string) (*Member, error) {
	m, err := scanMember(q.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM bank_member WHERE member_number = $1`, number))
	if err != nil {
		return nil, fmt.Errorf("institution: member %s: %w", number, store.Err(err))
	}
	return m, nil
}

// SearchMembers finds members for staff by member number, name, email or
// phone (case-insensitive, partial), at most limit, by last name.
func SearchMembers(ctx context.Context, q store.Querier, text string, limit int) ([]*Member, error) {
	if limit <= 0 {
		limit = 50
	}
	like := "%" + strings.ToLower(strings.TrimSpace(text)) + "%"
	rows, err := q.QueryContext(ctx, `
		SELECT `+memberColumns+` FROM bank_member
		WHERE lower(member_number) LIKE $1 OR lower(first_name || ' ' || last_name) LIKE $1
		   OR lower(email) LIKE $1 OR phone_on_file LIKE $1
		ORDER BY last_name, first_name, id
		LIMIT $2`, like, limit)
	if err != nil {
		return nil, fmt.Errorf("institution: search members: %w", err)
	}
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("institution: search members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// LinkSecurityAccount records that the member enrolled online as the
// security account (S7).
func LinkSecurityAccount(ctx context.Context, q store.Querier, memberID, securityAccountID int64) error {
	res, err := q.ExecContext(ctx, `UPDATE bank_member SET security_account_id = $1 WHERE id = $2 AND security_account_id IS NULL`,
		securityAccountID, memberID)
	return oneRow(res, err, "link member %d to sign-in %d", memberID, securityAccountID)
}

// SetWatermark stores the member's watermark image choice (S22).
func SetWatermark(ctx context.Context, q store.Querier, memberID int64, watermark string) error {
	res, err := q.ExecContext(ctx, `UPDATE bank_member SET watermark = $1 WHERE id = $2`, watermark, memberID)
	return oneRow(res, err, "set the watermark of member %d", memberID)
}

// SetControls stores the member's Personal Internet Branch settings (S21).
func SetControls(ctx context.Context, q store.Querier, memberID int64, c risk.Controls) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("institution: controls of member %d: %w", memberID, err)
	}
	raw, err := encodeControls(c)
	if err != nil {
		return fmt.Errorf("institution: controls of member %d: %w", memberID, err)
	}
	res, err := q.ExecContext(ctx, `UPDATE bank_member SET controls = $1 WHERE id = $2`, raw, memberID)
	return oneRow(res, err, "set the controls of member %d", memberID)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func oneRow(res sql.Result, err error, format string, args ...any) error {
	if err != nil {
		return fmt.Errorf("institution: "+format+": %w", append(args, store.Err(err))...)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("institution: "+format+": %w", append(args, store.ErrNotFound)...)
	}
	return nil
}

// SetQuestionMode overrides the institution's question mode for one member
// ("" returns to the policy's).
func SetQuestionMode(ctx context.Context, q store.Querier, memberID int64, mode string) error {
	if mode != "" && mode != "rotating" && mode != "two_of_three" {
		return fmt.Errorf("institution: question mode %q is not rotating or two_of_three", mode)
	}
	res, err := q.ExecContext(ctx, `UPDATE bank_member SET question_mode = $1 WHERE id = $2`, mode, memberID)
	return oneRow(res, err, "set the question mode of member %d", memberID)
}

// SetConfirmationHash stores the hash of the member's confirmation code
// for transfers (S21); "" removes it.
func SetConfirmationHash(ctx context.Context, q store.Querier, memberID int64, hash string) error {
	res, err := q.ExecContext(ctx, `UPDATE bank_member SET confirmation_hash = $1 WHERE id = $2`, hash, memberID)
	return oneRow(res, err, "set the confirmation code of member %d", memberID)
}

// ConfirmationHash returns the stored hash of the member's confirmation
// code, "" when none is set.
func ConfirmationHash(ctx context.Context, q store.Querier, memberID int64) (string, error) {
	var h string
	if err := q.QueryRowContext(ctx, `SELECT confirmation_hash FROM bank_member WHERE id = $1`, memberID).Scan(&h); err != nil {
		return "", fmt.Errorf("institution: confirmation code of member %d: %w", memberID, store.Err(err))
	}
	return h, nil
}
