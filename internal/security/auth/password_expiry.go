package auth

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/policy"
)

// ExpiringPassword is an account whose password will expire on non-use
// (S6) soon, to be warned.
type ExpiringPassword struct {
	AccountID int64
	Username  string
	ExpiresAt time.Time
}

// PasswordsExpiringSoon lists the accounts whose password expires on
// non-use within the policy's warning period, soonest first, for the
// warning message an institution sends (S6). Nothing is listed when the
// policy says passwords never expire.
func (e *Engine) PasswordsExpiringSoon(ctx context.Context) ([]ExpiringPassword, error) {
	days, warn := e.policy.PasswordExpiryDays, e.policy.PasswordExpiryWarningDays
	if days == policy.NeverExpires || warn == 0 {
		return nil, nil
	}
	now := e.clock.Now()
	// Last used between (now - days) and (now - days + warn): not expired
	// yet, but will be within warn days.
	from, to := now.AddDate(0, 0, -days), now.AddDate(0, 0, warn-days)
	// The columns themselves are selected (not the CASE) because SQLite
	// returns an expression's time as text.
	const lastUse = `CASE WHEN last_login_at > password_set_at THEN last_login_at ELSE password_set_at END`
	rows, err := e.db.Reader().QueryContext(ctx, `
		SELECT id, username, password_set_at, last_login_at
		FROM security_account
		WHERE realm = $1 AND password_hash <> '' AND password_temporary = $2 AND disabled_at IS NULL
		  AND `+lastUse+` > $3 AND `+lastUse+` <= $4
		ORDER BY `+lastUse+`, id`, e.realm, false, from, to)
	if err != nil {
		return nil, fmt.Errorf("auth: passwords expiring soon: %w", err)
	}
	defer rows.Close()
	var out []ExpiringPassword
	for rows.Next() {
		var x ExpiringPassword
		var set time.Time
		var login sql.NullTime
		if err := rows.Scan(&x.AccountID, &x.Username, &set, &login); err != nil {
			return nil, fmt.Errorf("auth: passwords expiring soon: %w", err)
		}
		last := set
		if login.Time.After(set) {
			last = login.Time
		}
		x.ExpiresAt = last.UTC().AddDate(0, 0, days)
		out = append(out, x)
	}
	return out, rows.Err()
}
