package audit

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Kind is what the security core knows about an action: whether the member
// sees it in the secure message center (S28), what it tells them, and
// whether it changes personal information (counted for the staff red flag,
// S29).
type Kind struct {
	Action       string
	Message      string // member-facing; "" when the member does not see it
	PersonalInfo bool
}

// The actions of the security core, by name. Surfaces may record other
// actions; those are neither shown to members nor counted.
var kinds = map[string]Kind{
	"password.ok":               {Action: "password.ok"},
	"password.failed":           {Action: "password.failed"},
	"password.refused_blocked":  {Action: "password.refused_blocked", Message: "Someone tried to sign in while your password was disabled."},
	"password.expired":          {Action: "password.expired", Message: "Your password expired. Call us to have it reset."},
	"password.changed":          {Action: "password.changed", Message: "Your password was changed.", PersonalInfo: true},
	"password.temporary_issued": {Action: "password.temporary_issued", Message: "A temporary password was issued for you by our staff.", PersonalInfo: true},
	"method.blocked":            {Action: "method.blocked", Message: "A sign-in method was blocked after three failed attempts. Call us to unblock it."},
	"method.unblocked":          {Action: "method.unblocked", Message: "Our staff unblocked a sign-in method for you."},
	"login.succeeded":           {Action: "login.succeeded"},
	"login.refused_disabled":    {Action: "login.refused_disabled"},
	"login.denied":              {Action: "login.denied", Message: "A sign-in was refused because it broke one of your security settings."},
	"questions.set":             {Action: "questions.set", Message: "Your security questions were changed.", PersonalInfo: true},
	"questions.deleted":         {Action: "questions.deleted", Message: "Our staff removed your security questions; you will set new ones at your next sign-in.", PersonalInfo: true},
	"phone.added":               {Action: "phone.added", Message: "A phone number was added to your profile.", PersonalInfo: true},
	"phone.removed":             {Action: "phone.removed", Message: "A phone number was removed from your profile.", PersonalInfo: true},
	"email.changed":             {Action: "email.changed", Message: "Your email address was changed.", PersonalInfo: true},
	"address.changed":           {Action: "address.changed", Message: "Your mailing address was changed.", PersonalInfo: true},
	"device.registered":         {Action: "device.registered", Message: "A new computer or phone was registered to your account."},
	"device.pending":            {Action: "device.pending", Message: "A program asked to download your accounts from a computer we do not know (Direct Connect). If it is yours, approve it under Settings, Computers and devices; if not, call us."},
	"device.revoked":            {Action: "device.revoked", Message: "A registered computer or phone was removed from your account."},
	"controls.changed":          {Action: "controls.changed", Message: "Your security settings were changed.", PersonalInfo: true},
	"access_code.issued":        {Action: "access_code.issued", Message: "Our staff issued you a one-time access code."},
	"two_factor.enrolled":       {Action: "two_factor.enrolled", Message: "Two-factor sign-in was turned on.", PersonalInfo: true},
	"security_level.changed":    {Action: "security_level.changed", Message: "Your security level was changed.", PersonalInfo: true},
	"delegate.added":            {Action: "delegate.added", Message: "Read-only access to your accounts was given to your accountant.", PersonalInfo: true},
	"delegate.revoked":          {Action: "delegate.revoked", Message: "Your accountant's read-only access was removed."},
}

// KindOf returns what is known of action.
func KindOf(action string) (Kind, bool) {
	k, ok := kinds[action]
	return k, ok
}

// actionsWhere lists the actions whose kind satisfies keep, sorted.
func actionsWhere(keep func(Kind) bool) []string {
	var out []string
	for a, k := range kinds {
		if keep(k) {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// in appends values to args and returns the "$n, $m, …" list naming them.
func in(args []any, values []string) (string, []any) {
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, v)
		fmt.Fprintf(&b, "$%d", len(args))
	}
	return b.String(), args
}

// RedFlagCount is how many personal-information changes subject had in the
// 30 days before now: the number staff are warned of when they open a
// member (S29).
func RedFlagCount(ctx context.Context, q store.Querier, scope, subject string, now time.Time) (int, error) {
	list, args := in([]any{scope, subject, now.Add(-30 * 24 * time.Hour)}, actionsWhere(func(k Kind) bool { return k.PersonalInfo }))
	var n int
	err := q.QueryRowContext(ctx, `
		SELECT count(*) FROM audit_event
		WHERE scope = $1 AND subject = $2 AND occurred_at > $3 AND action IN (`+list+`)`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("audit: red flag count of %s: %w", subject, err)
	}
	return n, nil
}

// Message is one entry of a member's secure message center.
type Message struct {
	EventID    int64
	OccurredAt time.Time
	Text       string
	IP         string
}

// Messages lists what subject's message center shows (S28), newest first.
func Messages(ctx context.Context, q store.Querier, scope, subject string, limit int) ([]Message, error) {
	if limit <= 0 {
		limit = 50
	}
	list, args := in([]any{scope, subject, limit}, actionsWhere(func(k Kind) bool { return k.Message != "" }))
	rows, err := q.QueryContext(ctx, `
		SELECT id, occurred_at, action, ip FROM audit_event
		WHERE scope = $1 AND subject = $2 AND action IN (`+list+`)
		ORDER BY occurred_at DESC, id DESC
		LIMIT $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: messages of %s: %w", subject, err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var action string
		if err := rows.Scan(&m.EventID, &m.OccurredAt, &action, &m.IP); err != nil {
			return nil, fmt.Errorf("audit: messages of %s: %w", subject, err)
		}
		m.Text = kinds[action].Message
		m.OccurredAt = m.OccurredAt.UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: messages of %s: %w", subject, err)
	}
	return out, nil
}
