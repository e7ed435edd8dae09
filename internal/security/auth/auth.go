// Package auth is the security core's engine: it runs one realm's logins
// (the institution's members, a firm's staff, portal clients) by its Policy,
// combining the account, password, lockout, question, code, device, risk,
// session and audit packages. Surfaces (member site, staff console, OFX,
// LedgerSync's web app) call the engine and render what it decides; none of
// them applies a security rule of its own.
//
// Every decision the engine takes is written to the audit stream in the same
// transaction as the state it changes. No secret (password, answer, code)
// ever reaches an error, a log line or an audit event.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Config is what an Engine needs.
type Config struct {
	DB         *store.DB
	Realm      string // whose logins: "institution", "ledgersync", …
	AuditScope string // the audit log they are written to; defaults to Realm
	Name       string // who is speaking in messages: "Demo Community Bank"
	Policy     policy.Policy
	Hasher     *password.Hasher
	Clock      clock.Clock
	Logger     *slog.Logger

	// Second factors. Codes and Sender are required for PINs by text or
	// voice; Geo may be nil (no geolocation: locations are unknown).
	Codes  *otp.Codes
	Sender notify.Sender
	TOTP   *otp.TOTP // nil: no authenticator apps
	Phones phone.Policy
	Geo    geo.Locator
}

// Engine applies a realm's security policy.
type Engine struct {
	db     *store.DB
	realm  string
	scope  string
	name   string
	policy policy.Policy
	risk   risk.Policy
	hasher *password.Hasher
	clock  clock.Clock
	logger *slog.Logger
	codes  *otp.Codes
	sender notify.Sender
	totp   *otp.TOTP
	phones phone.Policy
	geo    geo.Locator

	// dummyHash is verified against when a username is unknown, so that an
	// unknown username costs the same time as a wrong password and does not
	// reveal which usernames exist.
	dummyOnce sync.Once
	dummyHash string
	dummyErr  error
}

// New validates cfg and returns an Engine.
func New(cfg Config) (*Engine, error) {
	var errs []error
	if cfg.DB == nil || cfg.Hasher == nil || cfg.Clock == nil {
		errs = append(errs, errors.New("DB, Hasher and Clock are required"))
	}
	if cfg.Realm == "" {
		errs = append(errs, errors.New("Realm is required"))
	}
	if err := cfg.Policy.Validate(); err != nil {
		errs = append(errs, err)
	}
	if (cfg.Codes == nil) != (cfg.Sender == nil) {
		errs = append(errs, errors.New("Codes and Sender go together"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if cfg.AuditScope == "" {
		cfg.AuditScope = cfg.Realm
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Geo == nil {
		cfg.Geo = geo.None{}
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Realm
	}
	return &Engine{
		db: cfg.DB, realm: cfg.Realm, scope: cfg.AuditScope, name: cfg.Name, policy: cfg.Policy, risk: cfg.Policy.Risk,
		hasher: cfg.Hasher, clock: cfg.Clock, logger: cfg.Logger,
		codes: cfg.Codes, sender: cfg.Sender, totp: cfg.TOTP, phones: cfg.Phones, geo: cfg.Geo,
	}, nil
}

// Policy is the policy the engine runs.
func (e *Engine) Policy() policy.Policy { return e.policy }

func (e *Engine) dummy(ctx context.Context) (string, error) {
	e.dummyOnce.Do(func() {
		e.dummyHash, e.dummyErr = e.hasher.Hash(ctx, "not a password anyone has: timing equaliser")
	})
	return e.dummyHash, e.dummyErr
}

// Meta describes where a request comes from. It holds no secret.
type Meta struct {
	IP               string
	UserAgent        string
	DeviceKnown      bool  // the request carried a device cookie this account has used
	DeviceRegistered bool  // … and the member registered that device (S21)
	SessionID        int64 // the session making the request; kept when a credential change ends the others
}
