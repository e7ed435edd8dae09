// Package bankapp assembles the institution server's services (the member
// and staff sign-in engines, their sessions, devices, one-time codes and
// the message sender) from a few settings, so that `ledgersync bank serve`,
// the member site, the staff console and their tests build the bank the
// same way.
package bankapp

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
)

// The sign-in realms of the institution server.
const (
	MemberRealm = "institution"
	StaffRealm  = "institution-staff"
)

// Info is who the institution is.
type Info struct {
	Name    string   // "Demo Community Bank"
	ORG     string   // OFX ORG
	FID     string   // OFX FID
	Routing string   // ABA routing number
	Phone   string   // member service, as printed
	Address []string // as printed on statements
	Demo    bool     // demo/dev mode: the dev outbox is allowed and shown
}

// Config is what the bank is built from.
type Config struct {
	DB     *store.DB
	Clock  clock.Clock
	Logger *slog.Logger
	Info   Info
	Policy policy.Policy // the members' policy; staff always run policy.Modern
	// Hasher is the argon2id hasher; password.DefaultParams in production.
	Hasher *password.Hasher
	// MasterKey (32 bytes) derives the key one-time codes are stored under.
	MasterKey []byte
	// Sender delivers codes and notices. Nil means the dev outbox, which
	// only a demo may use.
	Sender notify.Sender
	// Sealer encrypts authenticator secrets (the secretbox); nil disables
	// authenticator apps.
	Sealer otp.Sealer
	// Geo locates addresses; nil means no geolocation.
	Geo geo.Locator
}

// App is the assembled bank.
type App struct {
	DB     *store.DB
	Clock  clock.Clock
	Logger *slog.Logger
	Info   Info
	Policy policy.Policy

	Members        *auth.Engine // realm "institution"
	Staff          *auth.Engine // realm "institution-staff"
	MemberSessions *session.Manager
	StaffSessions  *session.Manager
	Devices        *device.Manager
	Codes          *otp.Codes
	TOTP           *otp.TOTP // nil without a Sealer
	Sender         notify.Sender
	Outbox         *notify.DevOutbox // demo only; nil otherwise
	Phones         phone.Policy
	// Hasher is the argon2id hasher the engines use, for the site's own
	// secrets (the members' confirmation codes).
	Hasher *password.Hasher
	// DecoyKey keys what the site shows for usernames nobody has (a decoy
	// watermark, decoy questions): derived from the master key, so the
	// decoys stay the same across restarts and replicas.
	DecoyKey []byte
	// LinkKey signs the short-lived links to statement and check images
	// that OFX responses carry (IMAGEREF with IMAGETTL): derived from the
	// master key, so a link signed by one replica opens on another.
	LinkKey []byte
	// SealKey encrypts what a machine client's sign-in must carry between
	// its requests in the flow's stored state (the JSON API's device token):
	// derived from the master key under its own label.
	SealKey []byte
}

// New builds the bank's services.
func New(cfg Config) (*App, error) {
	if cfg.DB == nil || cfg.Clock == nil || cfg.Hasher == nil {
		return nil, errors.New("bankapp: DB, Clock and Hasher are required")
	}
	if len(cfg.MasterKey) != 32 {
		return nil, errors.New("bankapp: a 32-byte master key is required (LEDGERSYNC_MASTER_KEY)")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	app := &App{DB: cfg.DB, Clock: cfg.Clock, Logger: cfg.Logger, Info: cfg.Info, Policy: cfg.Policy, Phones: phone.DefaultPolicy(), Hasher: cfg.Hasher}

	sender := cfg.Sender
	if sender == nil {
		if !cfg.Info.Demo {
			return nil, errors.New("bankapp: no message sender configured; the dev outbox is for demo mode only")
		}
		app.Outbox = notify.NewDevOutbox(cfg.DB, cfg.Clock)
		sender = app.Outbox
	}
	app.Sender = sender

	codeKey, err := hkdf.Key(sha256.New, cfg.MasterKey, nil, "ledgersync institution one-time codes", 32)
	if err != nil {
		return nil, fmt.Errorf("bankapp: derive the code key: %w", err)
	}
	if app.DecoyKey, err = hkdf.Key(sha256.New, cfg.MasterKey, nil, "ledgersync institution decoys", 32); err != nil {
		return nil, fmt.Errorf("bankapp: derive the decoy key: %w", err)
	}
	if app.LinkKey, err = hkdf.Key(sha256.New, cfg.MasterKey, nil, "ledgersync institution image links", 32); err != nil {
		return nil, fmt.Errorf("bankapp: derive the link key: %w", err)
	}
	if app.SealKey, err = hkdf.Key(sha256.New, cfg.MasterKey, nil, "ledgersync institution sealed flow state", 32); err != nil {
		return nil, fmt.Errorf("bankapp: derive the seal key: %w", err)
	}
	if app.Codes, err = otp.NewCodes(codeKey); err != nil {
		return nil, fmt.Errorf("bankapp: %w", err)
	}
	if cfg.Sealer != nil {
		if app.TOTP, err = otp.NewTOTP(cfg.Sealer, cfg.Info.Name); err != nil {
			return nil, fmt.Errorf("bankapp: %w", err)
		}
	}

	engine := func(realm string, p policy.Policy) (*auth.Engine, error) {
		return auth.New(auth.Config{
			DB: cfg.DB, Realm: realm, AuditScope: realm, Name: cfg.Info.Name, Policy: p,
			Hasher: cfg.Hasher, Clock: cfg.Clock, Logger: cfg.Logger,
			Codes: app.Codes, Sender: sender, TOTP: app.TOTP, Phones: app.Phones, Geo: cfg.Geo,
		})
	}
	if app.Members, err = engine(MemberRealm, cfg.Policy); err != nil {
		return nil, fmt.Errorf("bankapp: members: %w", err)
	}
	if app.Staff, err = engine(StaffRealm, policy.Modern()); err != nil {
		return nil, fmt.Errorf("bankapp: staff: %w", err)
	}
	if app.MemberSessions, err = session.NewManager(session.Config{Name: "bank", Realm: MemberRealm, Policy: cfg.Policy.Sessions(), Logger: cfg.Logger}, cfg.DB, cfg.Clock); err != nil {
		return nil, fmt.Errorf("bankapp: member sessions: %w", err)
	}
	if app.StaffSessions, err = session.NewManager(session.Config{Name: "bankstaff", Realm: StaffRealm, Policy: policy.Modern().Sessions(), SameSite: http.SameSiteStrictMode, Logger: cfg.Logger}, cfg.DB, cfg.Clock); err != nil {
		return nil, fmt.Errorf("bankapp: staff sessions: %w", err)
	}
	if app.Devices, err = device.NewManager(device.Config{Name: "bank"}); err != nil {
		return nil, fmt.Errorf("bankapp: devices: %w", err)
	}
	return app, nil
}
