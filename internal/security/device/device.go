// Package device owns the browsers a login identity has used (REQUIREMENTS
// S21 "PC registration", L7): a persistent cookie that names the browser, one
// server-side record per account and browser with when and where it was last
// seen, whether the member registered it ("this is my computer") and whether
// it was revoked. The risk engine and the member's layered controls ask
// Recognise; the member's device page lists, registers and revokes.
//
// The cookie holds a random 256-bit value and nothing else; the database
// keeps only its SHA-256. The seed asks for an "encrypted" persistent cookie:
// its purpose, that the cookie reveals nothing and cannot be forged, is met
// better by a cookie that carries no data at all. A random id with a server
// record can also be revoked, which an encrypted self-contained cookie cannot
// be without a server record anyway, and there is no key to manage or leak.
package device

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// ErrRevoked means the device was revoked: its cookie is never recognised
// again and it cannot be registered.
var ErrRevoked = errors.New("the device was revoked")

// MaxAge is the cookie's default lifetime: 400 days, the most browsers keep
// a cookie. Remember sets it again at every login, so a device in use never
// expires.
const MaxAge = 400 * 24 * time.Hour

const (
	cookiePrefix = "__Host-"
	cookieSuffix = "-device"
	valueBytes   = 32 // 256 bits
)

var b64 = base64.RawURLEncoding.Strict() // one spelling per value

// Config configures a Manager.
type Config struct {
	// Name is the site's cookie base name, as for the session cookie: "ls"
	// (or "__Host-ls") gives the cookie "__Host-ls-device".
	Name string
	// MaxAge is the cookie's lifetime; MaxAge (400 days) when zero.
	MaxAge time.Duration
	// SameSite is http.SameSiteLaxMode (the default when zero) or
	// http.SameSiteStrictMode.
	SameSite http.SameSite
}

// Manager reads and writes the device cookie.
type Manager struct {
	cookie   string
	maxAge   time.Duration
	sameSite http.SameSite
}

// NewManager validates cfg and returns a Manager.
func NewManager(cfg Config) (*Manager, error) {
	name := strings.TrimPrefix(cfg.Name, cookiePrefix)
	if name == "" || strings.IndexFunc(name, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')
	}) >= 0 {
		return nil, fmt.Errorf("device: cookie name %q: use letters, digits, '-' and '_'", cfg.Name)
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = MaxAge
	}
	if cfg.MaxAge < 24*time.Hour {
		return nil, errors.New("device: the cookie must live at least a day")
	}
	switch cfg.SameSite {
	case 0, http.SameSiteDefaultMode:
		cfg.SameSite = http.SameSiteLaxMode
	case http.SameSiteLaxMode, http.SameSiteStrictMode:
	default:
		return nil, errors.New("device: SameSite must be Lax or Strict")
	}
	return &Manager{cookie: cookiePrefix + name + cookieSuffix, maxAge: cfg.MaxAge, sameSite: cfg.SameSite}, nil
}

// CookieName is the device cookie's name, "__Host-<name>-device".
func (m *Manager) CookieName() string { return m.cookie }

// Device is one browser of one account. It holds no secret.
type Device struct {
	ID           int64
	AccountID    int64
	Label        string // "Firefox on Windows"
	FirstSeenAt  time.Time
	LastSeenAt   time.Time
	LastIP       string
	Registered   bool      // the member confirmed "this is my computer"
	RegisteredAt time.Time // zero unless registered
	RevokedAt    time.Time // zero unless revoked
}

// Revoked reports whether the device was revoked.
func (d *Device) Revoked() bool { return !d.RevokedAt.IsZero() }

// Remember records that account used the request's browser at now, after a
// successful login, and (re)sets the device cookie on w. A browser without a
// cookie, with a malformed one or with one revoked for this account gets a
// new cookie, and so a new, unregistered device. Several accounts used on one
// browser share its cookie, each with its own record; so when one of them had
// revoked it, the new cookie also makes the browser new to the others, who
// must register it again (rare, and erring on the safe side).
func (m *Manager) Remember(ctx context.Context, q store.Querier, w http.ResponseWriter, r *http.Request, accountID int64, now time.Time) (*Device, error) {
	now = now.UTC()
	label, ip := Label(r.UserAgent()), remoteIP(r)
	if v, ok := m.value(r); ok {
		d, err := upsert(ctx, q, accountID, hash(v), label, ip, now)
		switch {
		case err == nil:
			m.setCookie(w, v)
			return d, nil
		case !errors.Is(err, ErrRevoked):
			return nil, err
		}
	}
	var raw [valueBytes]byte
	_, _ = rand.Read(raw[:]) // never fails: crypto/rand crashes the program instead
	v := b64.EncodeToString(raw[:])
	d, err := upsert(ctx, q, accountID, hash(v), label, ip, now)
	if err != nil {
		return nil, err
	}
	m.setCookie(w, v)
	return d, nil
}

// Recognise returns account's record of the request's browser: the device is
// known, and d.Registered says whether the member registered it. A browser
// without a cookie, or whose record for account is missing or revoked, is
// store.ErrNotFound. Recognise does not write; Remember records the visit.
func (m *Manager) Recognise(ctx context.Context, q store.Querier, r *http.Request, accountID int64) (*Device, error) {
	v, ok := m.value(r)
	if !ok {
		return nil, fmt.Errorf("device: account %d: this browser has no device cookie: %w", accountID, store.ErrNotFound)
	}
	// The lookup is by the SHA-256 of a 256-bit random value, so timing of
	// the index lookup tells an attacker nothing they could use.
	d, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_device
		WHERE account_id = $1 AND token_hash = $2 AND revoked_at IS NULL`, accountID, hash(v)))
	if err != nil {
		return nil, fmt.Errorf("device: account %d: this browser is not recognised: %w", accountID, store.Err(err))
	}
	return d, nil
}

// Register marks account's device as registered by the member. A revoked
// device is ErrRevoked; another account's or a missing one store.ErrNotFound.
func Register(ctx context.Context, q store.Querier, accountID, deviceID int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `
		UPDATE security_device SET registered = $1, registered_at = $2
		WHERE id = $3 AND account_id = $4 AND revoked_at IS NULL`,
		true, now.UTC(), deviceID, accountID)
	if err != nil {
		return fmt.Errorf("device: register device %d of account %d: %w", deviceID, accountID, err)
	}
	return whyNot(ctx, q, res, accountID, deviceID, "register")
}

// Revoke revokes account's device: its cookie is no longer recognised for
// the account and its registration ends. Revoking a revoked device does
// nothing; another account's or a missing one is store.ErrNotFound.
func Revoke(ctx context.Context, q store.Querier, accountID, deviceID int64, now time.Time) error {
	res, err := q.ExecContext(ctx, `
		UPDATE security_device SET revoked_at = $1, registered = $2
		WHERE id = $3 AND account_id = $4 AND revoked_at IS NULL`,
		now.UTC(), false, deviceID, accountID)
	if err != nil {
		return fmt.Errorf("device: revoke device %d of account %d: %w", deviceID, accountID, err)
	}
	if err := whyNot(ctx, q, res, accountID, deviceID, "revoke"); err != nil && !errors.Is(err, ErrRevoked) {
		return err
	}
	return nil
}

// List returns account's devices, most recently seen first, revoked ones
// included (Revoked tells).
func List(ctx context.Context, q store.Querier, accountID int64) ([]*Device, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM security_device WHERE account_id = $1 ORDER BY last_seen_at DESC, id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("device: list the devices of account %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []*Device
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("device: list the devices of account %d: %w", accountID, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("device: list the devices of account %d: %w", accountID, err)
	}
	return out, nil
}

const columns = `id, account_id, label, first_seen_at, last_seen_at, last_ip, registered, registered_at, revoked_at`

// upsert records a visit of the browser whose cookie hashes to h: a new
// record, or the existing one's last visit. A revoked record is left alone
// and reported as ErrRevoked.
func upsert(ctx context.Context, q store.Querier, accountID int64, h, label, ip string, now time.Time) (*Device, error) {
	d, err := scan(q.QueryRowContext(ctx, `
		INSERT INTO security_device (account_id, token_hash, label, first_seen_at, last_seen_at, last_ip)
		VALUES ($1, $2, $3, $4, $4, $5)
		ON CONFLICT (account_id, token_hash) DO UPDATE
		SET last_seen_at = excluded.last_seen_at, last_ip = excluded.last_ip, label = excluded.label
		WHERE security_device.revoked_at IS NULL
		RETURNING `+columns,
		accountID, h, label, now, ip))
	switch {
	case errors.Is(err, sql.ErrNoRows): // the conflicting row is revoked
		return nil, fmt.Errorf("device: remember a browser of account %d: %w", accountID, ErrRevoked)
	case err != nil:
		return nil, fmt.Errorf("device: remember a browser of account %d: %w", accountID, store.Err(err))
	}
	return d, nil
}

// whyNot turns an UPDATE that changed no row into ErrRevoked or
// store.ErrNotFound.
func whyNot(ctx context.Context, q store.Querier, res sql.Result, accountID, deviceID int64, verb string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("device: %s device %d of account %d: %w", verb, deviceID, accountID, err)
	}
	if n > 0 {
		return nil
	}
	d, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_device WHERE id = $1 AND account_id = $2`, deviceID, accountID))
	if err != nil {
		return fmt.Errorf("device: %s device %d of account %d: %w", verb, deviceID, accountID, store.Err(err))
	}
	if d.Revoked() {
		return fmt.Errorf("device: %s device %d of account %d: %w", verb, deviceID, accountID, ErrRevoked)
	}
	return fmt.Errorf("device: %s device %d of account %d: no change", verb, deviceID, accountID)
}

type scanner interface{ Scan(dest ...any) error }

func scan(sc scanner) (*Device, error) {
	var d Device
	var registeredAt, revokedAt sql.NullTime
	if err := sc.Scan(&d.ID, &d.AccountID, &d.Label, &d.FirstSeenAt, &d.LastSeenAt, &d.LastIP,
		&d.Registered, &registeredAt, &revokedAt); err != nil {
		return nil, err
	}
	d.FirstSeenAt, d.LastSeenAt = d.FirstSeenAt.UTC(), d.LastSeenAt.UTC()
	if registeredAt.Valid {
		d.RegisteredAt = registeredAt.Time.UTC()
	}
	if revokedAt.Valid {
		d.RevokedAt = revokedAt.Time.UTC()
	}
	return &d, nil
}

// value returns the request's device cookie if it is well formed.
func (m *Manager) value(r *http.Request) (string, bool) {
	c, err := r.Cookie(m.cookie)
	if err != nil {
		return "", false
	}
	raw, err := b64.DecodeString(c.Value)
	if err != nil || len(raw) != valueBytes {
		return "", false
	}
	return c.Value, true
}

func (m *Manager) setCookie(w http.ResponseWriter, v string) {
	http.SetCookie(w, &http.Cookie{
		Name: m.cookie, Value: v, Path: "/", MaxAge: int(m.maxAge / time.Second),
		Secure: true, HttpOnly: true, SameSite: m.sameSite,
	})
}

// hash is what the database keeps. SHA-256 suffices for a 256-bit random
// value: there is nothing to brute-force that a slow hash would protect.
func hash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
