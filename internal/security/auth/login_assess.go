package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// historySize is how many earlier logins the risk engine learns from.
const historySize = 50

// Assess runs the risk engine (S17–S21) for an account about to be let in,
// or about to move money: it gathers the signals (location, earlier logins,
// recent failures, the second factors the member has and which are
// blocked) and returns the decision with its reasons. A Deny is audited, and
// shows in the member's message center.
func (e *Engine) Assess(ctx context.Context, a *account.Account, m Meta, action risk.Action, amount int64, controls risk.Controls) (risk.Decision, error) {
	now := e.clock.Now()
	ip, _ := netip.ParseAddr(m.IP)
	loc, err := e.geo.Lookup(ip)
	if err != nil {
		e.logger.WarnContext(ctx, "geolocation failed", "err", err)
	}
	history, err := e.history(ctx, a.ID)
	if err != nil {
		return risk.Decision{}, err
	}
	failures, err := audit.List(ctx, e.db.Reader(), audit.Filter{
		Scope: e.scope, Subject: subjectOf(a.ID), Action: "password.failed", Since: now.Add(-24 * time.Hour), Limit: 10,
	})
	if err != nil {
		return risk.Decision{}, fmt.Errorf("auth: assess: %w", err)
	}
	available, blocked, err := e.methods(ctx, a)
	if err != nil {
		return risk.Decision{}, err
	}
	level := risk.LevelStandard
	if a.SecurityLevel == account.High {
		level = risk.LevelHigh
	}
	d := risk.Evaluate(risk.Signals{
		Now: now, IP: ip, Location: loc,
		DeviceKnown: m.DeviceKnown, DeviceRegistered: m.DeviceRegistered, UserAgent: m.UserAgent,
		RecentFailures: len(failures), Action: action, Amount: amount,
		SecurityLevel: level, TwoFactorEnrolled: !a.TwoFactorEnrolledAt.IsZero(),
		AvailableMethods: available, BlockedMethods: blocked, Controls: controls,
	}, e.risk, history)
	if d.Outcome == risk.Deny {
		detail := map[string]string{"reasons": strings.Join(d.Codes(), ","), "action": string(action)}
		if err := e.audit(ctx, e.db.Writer(), a.ID, "login.denied", m, detail); err != nil {
			return d, err
		}
	}
	return d, nil
}

// history reads the account's recent successful logins back from the
// audit stream, where CompleteLogin wrote them with their location.
func (e *Engine) history(ctx context.Context, accountID int64) (risk.History, error) {
	evs, err := audit.List(ctx, e.db.Reader(), audit.Filter{
		Scope: e.scope, Subject: subjectOf(accountID), Action: "login.succeeded", Limit: historySize, Newest: true,
	})
	if err != nil {
		return risk.History{}, fmt.Errorf("auth: login history: %w", err)
	}
	logins := make([]risk.Login, 0, len(evs))
	for _, ev := range evs {
		l := risk.Login{At: ev.OccurredAt}
		l.IP, _ = netip.ParseAddr(ev.IP)
		l.Location = locationFrom(ev.Detail)
		logins = append(logins, l)
	}
	return risk.NewHistory(logins), nil
}

// methods lists the step-up methods the member has set up, and those the
// lockout has blocked.
func (e *Engine) methods(ctx context.Context, a *account.Account) (available, blocked []risk.Method, err error) {
	phones, err := phone.List(ctx, e.db.Reader(), a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: methods: %w", err)
	}
	for _, ph := range phones {
		for _, c := range e.phones.ChannelsFor(ph) {
			available = append(available, risk.Method(c))
		}
	}
	if len(phones) > 0 {
		available = append(available, risk.MethodCallback) // an out-of-band call instead of questions (S15)
	}
	if e.policy.QuestionsAsSecondFactor {
		if has, err := challenge.HasQuestions(ctx, e.db.Reader(), a.ID); err != nil {
			return nil, nil, fmt.Errorf("auth: methods: %w", err)
		} else if has {
			available = append(available, risk.MethodQuestions)
		}
	}
	codes, err := otp.ListAccessCodes(ctx, e.db.Reader(), a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: methods: %w", err)
	}
	for _, c := range codes {
		if c.Status(e.clock.Now()) == "active" {
			available = append(available, risk.MethodAccessCode)
			break
		}
	}
	if e.totp != nil {
		if st, err := e.totp.StatusOf(ctx, e.db.Reader(), a.ID); err == nil && st.Confirmed {
			available = append(available, risk.MethodTOTP)
		}
	}
	if n, err := otp.RecoveryCodesLeft(ctx, e.db.Reader(), a.ID); err == nil && n > 0 {
		available = append(available, risk.MethodRecoveryCode)
	}
	states, err := lockout.States(ctx, e.db.Reader(), a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: methods: %w", err)
	}
	for _, s := range states {
		if s.Failures >= e.policy.LockoutAfter {
			blocked = append(blocked, risk.Method(s.Method))
		}
	}
	return available, blocked, nil
}

// CompleteLogin records a login the engine has let in: the account's last
// login time and an audit event carrying the location, which later
// assessments learn from.
func (e *Engine) CompleteLogin(ctx context.Context, a *account.Account, m Meta) error {
	now := e.clock.Now()
	ip, _ := netip.ParseAddr(m.IP)
	loc, _ := e.geo.Lookup(ip)
	if err := account.RecordLogin(ctx, e.db.Writer(), a.ID, now); err != nil {
		return fmt.Errorf("auth: complete login: %w", err)
	}
	return e.audit(ctx, e.db.Writer(), a.ID, "login.succeeded", m, locationDetail(loc))
}

func locationDetail(l geo.Location) map[string]string {
	if !l.Known {
		return nil
	}
	d := map[string]string{"country": l.Country, "subdivision": l.Subdivision, "city": l.City}
	if l.HasCoordinates {
		d["lat"] = strconv.FormatFloat(l.Lat, 'f', 4, 64)
		d["lon"] = strconv.FormatFloat(l.Lon, 'f', 4, 64)
		d["accuracy_km"] = strconv.Itoa(l.AccuracyKm)
	}
	return d
}

func locationFrom(d map[string]string) geo.Location {
	if d["country"] == "" {
		return geo.Location{}
	}
	l := geo.Location{Known: true, Country: d["country"], Subdivision: d["subdivision"], City: d["city"]}
	lat, errLat := strconv.ParseFloat(d["lat"], 64)
	lon, errLon := strconv.ParseFloat(d["lon"], 64)
	if errors.Join(errLat, errLon) == nil {
		l.Lat, l.Lon, l.HasCoordinates = lat, lon, true
		l.AccuracyKm, _ = strconv.Atoi(d["accuracy_km"])
	}
	return l
}
