// Package session owns the web sessions of both products (REQUIREMENTS S23,
// S24, S27): server-side session rows with idle and absolute deadlines, the
// cookie that names them, rotation on login and step-up, ending every other
// session after a credential change, the session-bound CSRF token and the
// HTTP middleware that loads a session into the request context. Multi-step
// flows bound to a session live in the flow subpackage.
//
// The functions in this file are the store layer: they take ctx, a
// store.Querier and the time, so a caller can join them to a transaction and
// a test can drive them with a fake clock. Manager wraps them for handlers.
package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// ErrExpired means the session existed but its idle or absolute deadline has
// passed; the member must log in again.
var ErrExpired = errors.New("session expired")

// Area selects the idle timeout: login and security screens idle out sooner
// than the rest of the site (S23).
type Area string

// The two areas.
const (
	// AreaDefault is every screen that is not a login or security screen.
	AreaDefault Area = "default"
	// AreaSecurity is the login screens and the screens that change
	// credentials, questions, phones or devices.
	AreaSecurity Area = "security"
)

func (a Area) valid() bool { return a == AreaDefault || a == AreaSecurity }

// Level records how the session's account proved who it is. The
// authentication packages decide what each level allows.
type Level string

// Levels the security core uses.
const (
	// LevelNone is an anonymous session, before login.
	LevelNone Level = ""
	// LevelPassword is a session after the password (and challenge) only.
	LevelPassword Level = "password"
	// LevelMFA is a session after a second factor.
	LevelMFA Level = "mfa"
)

// Policy holds the timeouts, which come from the institution's or the firm's
// policy.
type Policy struct {
	IdleDefault  time.Duration // idle timeout outside security screens (15 min)
	IdleSecurity time.Duration // idle timeout on login and security screens (5 min)
	Absolute     time.Duration // cap from creation, whatever the activity (12 h)
	Warning      time.Duration // how long before the deadline the page warns (2 min)
}

// DefaultPolicy is S23's rule: 5 minutes idle on login and security screens,
// 15 elsewhere, a warning when 2 minutes are left, and at most 12 hours.
func DefaultPolicy() Policy {
	return Policy{IdleDefault: 15 * time.Minute, IdleSecurity: 5 * time.Minute, Absolute: 12 * time.Hour, Warning: 2 * time.Minute}
}

// Validate reports a policy that cannot work.
func (p Policy) Validate() error {
	var errs []error
	if p.IdleDefault <= 0 || p.IdleSecurity <= 0 {
		errs = append(errs, errors.New("idle timeouts must be positive"))
	}
	if p.Absolute < p.IdleDefault || p.Absolute < p.IdleSecurity {
		errs = append(errs, errors.New("the absolute timeout must be at least the idle timeouts"))
	}
	if p.Warning < 0 || p.Warning >= p.IdleSecurity {
		errs = append(errs, errors.New("the warning must be shorter than the security-screen idle timeout"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("session: invalid policy: %w", err)
	}
	return nil
}

func (p Policy) idle(a Area) time.Duration {
	if a == AreaSecurity {
		return p.IdleSecurity
	}
	return p.IdleDefault
}

// idleDeadline is when a session of area a, active at now, idles out: never
// later than its absolute deadline.
func (p Policy) idleDeadline(a Area, now, absolute time.Time) time.Time {
	d := now.Add(p.idle(a))
	if d.After(absolute) {
		return absolute
	}
	return d
}

// Session is one server-side session. It holds no secret and may be rendered.
type Session struct {
	ID            int64 // stable across rotations; flows bind to it; never sent to the browser
	AccountID     int64 // 0 before login
	Realm         string
	Area          Area
	Level         Level
	UserAgent     string
	IP            string
	CreatedAt     time.Time
	LastSeenAt    time.Time
	RotatedAt     time.Time
	IdleExpiresAt time.Time // moved by activity, never past ExpiresAt
	ExpiresAt     time.Time // the absolute cap

	tokenID string // the public half of the current cookie, for compare-and-set rotation
}

// Deadline is when the session ends unless there is activity first.
func (s *Session) Deadline() time.Time {
	if s.ExpiresAt.Before(s.IdleExpiresAt) {
		return s.ExpiresAt
	}
	return s.IdleExpiresAt
}

// TimeRemaining is how long the session has left at now without activity;
// zero once it has ended. The 3-minute warning page shows it.
func (s *Session) TimeRemaining(now time.Time) time.Duration {
	if d := s.Deadline().Sub(now); d > 0 {
		return d
	}
	return 0
}

// Alive reports whether the session is still valid at now.
func (s *Session) Alive(now time.Time) bool { return now.Before(s.Deadline()) }

// Authenticated reports whether the session belongs to an account.
func (s *Session) Authenticated() bool { return s.AccountID != 0 }

// Params describe a new session.
type Params struct {
	AccountID int64  // 0 for an anonymous pre-login session
	Realm     string // required
	Area      Area   // AreaDefault when empty
	Level     Level
	UserAgent string
	IP        string
}

// maxUserAgent bounds what a client can make us store.
const maxUserAgent = 512

// New creates a session and returns it with the cookie value that names it.
// The token is shown to no one but the browser; only its hash is stored.
func New(ctx context.Context, q store.Querier, pol Policy, p Params, now time.Time) (*Session, Token, error) {
	if p.Area == "" {
		p.Area = AreaDefault
	}
	if !p.Area.valid() {
		return nil, "", fmt.Errorf("session: new: unknown area %q", p.Area)
	}
	if p.Realm == "" {
		return nil, "", errors.New("session: new: realm is required")
	}
	if p.AccountID == 0 && p.Level != LevelNone {
		return nil, "", fmt.Errorf("session: new: an anonymous session cannot have level %q", p.Level)
	}
	now = now.UTC()
	tok := newToken()
	s := &Session{
		AccountID: p.AccountID, Realm: p.Realm, Area: p.Area, Level: p.Level,
		UserAgent: truncate(p.UserAgent, maxUserAgent), IP: p.IP,
		CreatedAt: now, LastSeenAt: now, RotatedAt: now,
		ExpiresAt: now.Add(pol.Absolute), tokenID: tok.id,
	}
	s.IdleExpiresAt = pol.idleDeadline(s.Area, now, s.ExpiresAt)
	err := q.QueryRowContext(ctx, `
		INSERT INTO security_session (token_id, secret_hash, account_id, realm, area, level, user_agent, ip,
			created_at, last_seen_at, rotated_at, idle_expires_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		RETURNING id`,
		tok.id, tok.secretHash(), nullID(s.AccountID), s.Realm, string(s.Area), string(s.Level), s.UserAgent, s.IP,
		s.CreatedAt, s.LastSeenAt, s.RotatedAt, s.IdleExpiresAt, s.ExpiresAt,
	).Scan(&s.ID)
	if err != nil {
		return nil, "", fmt.Errorf("session: create a session in %s: %w", p.Realm, store.Err(err))
	}
	return s, tok.value(), nil
}

const columns = `id, token_id, secret_hash, account_id, realm, area, level, user_agent, ip,
	created_at, last_seen_at, rotated_at, idle_expires_at, expires_at`

// Load returns the session a cookie value names in realm. A malformed value,
// an unknown id or a wrong secret is store.ErrNotFound (indistinguishably); a
// session past its idle or absolute deadline is ErrExpired. Load does not
// count as activity: call Touch for that.
func Load(ctx context.Context, q store.Querier, realm string, cookieValue string, now time.Time) (*Session, error) {
	t, ok := parseToken(cookieValue)
	if !ok {
		return nil, fmt.Errorf("session: load: malformed cookie: %w", store.ErrNotFound)
	}
	s, hash, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_session WHERE token_id = $1 AND realm = $2`, t.id, realm))
	if err != nil {
		return nil, fmt.Errorf("session: load: %w", store.Err(err))
	}
	if !t.matches(hash) {
		return nil, fmt.Errorf("session: load: wrong secret: %w", store.ErrNotFound)
	}
	if !s.Alive(now) {
		return nil, fmt.Errorf("session: load session %d: %w", s.ID, ErrExpired)
	}
	return s, nil
}

// Touch records activity at now: the idle deadline moves to now plus the
// area's idle timeout, but never past the absolute cap. A session that has
// already ended is ErrExpired (or store.ErrNotFound once destroyed).
func Touch(ctx context.Context, q store.Querier, pol Policy, s *Session, now time.Time) error {
	now = now.UTC()
	idle := pol.idleDeadline(s.Area, now, s.ExpiresAt)
	res, err := q.ExecContext(ctx, `
		UPDATE security_session SET last_seen_at = $1, idle_expires_at = $2
		WHERE id = $3 AND idle_expires_at > $1 AND expires_at > $1`,
		now, idle, s.ID)
	if err := ended(ctx, q, res, err, s.ID, "touch"); err != nil {
		return err
	}
	s.LastSeenAt, s.IdleExpiresAt = now, idle
	return nil
}

// SetArea moves the session into area (entering or leaving the security
// screens) and restarts its idle time under that area's rule.
func SetArea(ctx context.Context, q store.Querier, pol Policy, s *Session, area Area, now time.Time) error {
	if !area.valid() {
		return fmt.Errorf("session: set area of session %d: unknown area %q", s.ID, area)
	}
	now = now.UTC()
	idle := pol.idleDeadline(area, now, s.ExpiresAt)
	res, err := q.ExecContext(ctx, `
		UPDATE security_session SET area = $1, last_seen_at = $2, idle_expires_at = $3
		WHERE id = $4 AND idle_expires_at > $2 AND expires_at > $2`,
		string(area), now, idle, s.ID)
	if err := ended(ctx, q, res, err, s.ID, "set the area of"); err != nil {
		return err
	}
	s.Area, s.LastSeenAt, s.IdleExpiresAt = area, now, idle
	return nil
}

// Rotate gives the session a new id and secret and keeps everything else, so
// that a cookie planted or seen before (session fixation) stops working; call
// it on login and on step-up. It returns the new cookie value. Rotating a
// session that another request rotated meanwhile is store.ErrConflict.
func Rotate(ctx context.Context, q store.Querier, pol Policy, s *Session, now time.Time) (Token, error) {
	return rotate(ctx, q, pol, s, s.AccountID, s.Level, now)
}

// Authenticate records that the session's browser proved itself as account
// at level, and rotates the session (see Rotate). A session that already
// belongs to another account is refused: end it and start a new one, so
// nothing of the other account's session carries over.
func Authenticate(ctx context.Context, q store.Querier, pol Policy, s *Session, accountID int64, level Level, now time.Time) (Token, error) {
	if accountID == 0 || level == LevelNone {
		return "", fmt.Errorf("session: authenticate session %d: an account and a level are required", s.ID)
	}
	if s.AccountID != 0 && s.AccountID != accountID {
		return "", fmt.Errorf("session: authenticate session %d: it belongs to another account; destroy it and start a new one", s.ID)
	}
	return rotate(ctx, q, pol, s, accountID, level, now)
}

func rotate(ctx context.Context, q store.Querier, pol Policy, s *Session, accountID int64, level Level, now time.Time) (Token, error) {
	now = now.UTC()
	tok := newToken()
	idle := pol.idleDeadline(s.Area, now, s.ExpiresAt)
	// Compare-and-set on the old token id: of two requests rotating one
	// session at once, one wins and the other fails, instead of the browser
	// keeping whichever cookie arrived last.
	res, err := q.ExecContext(ctx, `
		UPDATE security_session
		SET token_id = $1, secret_hash = $2, account_id = $3, level = $4, rotated_at = $5, last_seen_at = $5, idle_expires_at = $6
		WHERE id = $7 AND token_id = $8 AND idle_expires_at > $5 AND expires_at > $5`,
		tok.id, tok.secretHash(), nullID(accountID), string(level), now, idle, s.ID, s.tokenID)
	if err != nil {
		return "", fmt.Errorf("session: rotate session %d: %w", s.ID, store.Err(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", fmt.Errorf("session: rotate session %d: %w", s.ID, err)
	} else if n == 0 {
		cur, err := get(ctx, q, s.ID)
		switch {
		case err != nil:
			return "", fmt.Errorf("session: rotate session %d: %w", s.ID, err)
		case !cur.Alive(now):
			return "", fmt.Errorf("session: rotate session %d: %w", s.ID, ErrExpired)
		default:
			return "", fmt.Errorf("session: rotate session %d: another request rotated it first: %w", s.ID, store.ErrConflict)
		}
	}
	s.tokenID, s.AccountID, s.Level, s.RotatedAt, s.LastSeenAt, s.IdleExpiresAt = tok.id, accountID, level, now, now, idle
	return tok.value(), nil
}

// Destroy ends the session with id (logout). Its flows go with it. Ending a
// session that is already gone is not an error.
func Destroy(ctx context.Context, q store.Querier, id int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM security_session WHERE id = $1`, id); err != nil {
		return fmt.Errorf("session: destroy session %d: %w", id, err)
	}
	return nil
}

// DestroyAllForAccount ends every session of account except the one with id
// except (0 to end them all), and returns how many it ended. Call it after a
// password or other credential change, and when staff disable an account.
func DestroyAllForAccount(ctx context.Context, q store.Querier, accountID, except int64) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM security_session WHERE account_id = $1 AND id <> $2`, accountID, except)
	if err != nil {
		return 0, fmt.Errorf("session: end the sessions of account %d: %w", accountID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("session: end the sessions of account %d: %w", accountID, err)
	}
	return n, nil
}

// DeleteExpired removes sessions that ended before now (a periodic job; Load
// refuses them anyway) and returns how many.
func DeleteExpired(ctx context.Context, q store.Querier, now time.Time) (int64, error) {
	// idle_expires_at is never later than expires_at, so it alone decides.
	res, err := q.ExecContext(ctx, `DELETE FROM security_session WHERE idle_expires_at <= $1`, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("session: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("session: delete expired sessions: %w", err)
	}
	return n, nil
}

// ListForAccount returns the account's sessions, newest first, for a "where
// you are signed in" page. Ended sessions not yet deleted are included; use
// Alive to tell.
func ListForAccount(ctx context.Context, q store.Querier, accountID int64) ([]*Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM security_session WHERE account_id = $1 ORDER BY id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("session: list the sessions of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []*Session
	for rows.Next() {
		s, _, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("session: list the sessions of account %d: %w", accountID, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("session: list the sessions of account %d: %w", accountID, err)
	}
	return out, nil
}

func get(ctx context.Context, q store.Querier, id int64) (*Session, error) {
	s, _, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_session WHERE id = $1`, id))
	if err != nil {
		return nil, store.Err(err)
	}
	return s, nil
}

// ended turns the result of a conditional UPDATE into ErrExpired or
// store.ErrNotFound when it changed no row.
func ended(ctx context.Context, q store.Querier, res sql.Result, err error, id int64, what string) error {
	if err != nil {
		return fmt.Errorf("session: %s session %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("session: %s session %d: %w", what, id, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := get(ctx, q, id); err != nil {
		return fmt.Errorf("session: %s session %d: %w", what, id, err)
	}
	return fmt.Errorf("session: %s session %d: %w", what, id, ErrExpired)
}

type scanner interface{ Scan(dest ...any) error }

func scan(sc scanner) (*Session, string, error) {
	var s Session
	var hash, area, level string
	var account sql.NullInt64
	err := sc.Scan(&s.ID, &s.tokenID, &hash, &account, &s.Realm, &area, &level, &s.UserAgent, &s.IP,
		&s.CreatedAt, &s.LastSeenAt, &s.RotatedAt, &s.IdleExpiresAt, &s.ExpiresAt)
	if err != nil {
		return nil, "", err
	}
	s.AccountID = account.Int64
	s.Area, s.Level = Area(area), Level(level)
	for _, t := range []*time.Time{&s.CreatedAt, &s.LastSeenAt, &s.RotatedAt, &s.IdleExpiresAt, &s.ExpiresAt} {
		*t = t.UTC()
	}
	return &s, hash, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary so the stored text stays valid UTF-8.
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
