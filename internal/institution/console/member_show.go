package console

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// memberScope is the audit log of the members' realm.
const memberScope = bankapp.MemberRealm

// trailLimit is how many of the member's audit events the page lists.
const trailLimit = 100

// memberPage is everything staff see about a member.
type memberPage struct {
	Member   *institution.Member
	SSN      string // masked: only the last four digits
	RedFlags int    // personal-information changes in the last 30 days (S29)
	Accounts []*institution.Account
	Controls []string // the member's Personal Internet Branch settings, in words
	Login    *loginStatus
	Phones   []*phone.Phone
	Devices  []*device.Device
	// Delegates have read-only access to the member's accounts.
	Delegates   []delegateRow
	AccessCodes []accessCodeRow
	Trail       []trailRow
	Messages    []audit.Message

	// What the actions will do, from the members' policy.
	Formula       string
	TempTTL       time.Duration
	NewMemberTTL  time.Duration
	AccessCodeTTL time.Duration
}

// loginStatus is the member's online-banking sign-in as staff see it.
type loginStatus struct {
	AccountID         int64
	Username          string
	Level             account.Level
	TwoFactorEnrolled time.Time
	TwoFactorSkipped  time.Time
	LastLogin         time.Time
	PasswordSet       time.Time
	PasswordTemporary bool
	PasswordExpires   time.Time
	Disabled          time.Time
	QuestionsSet      bool
	Methods           []methodRow
	Blocked           int
}

// methodRow is one sign-in method's lockout state (S4).
type methodRow struct {
	Method    lockout.Method
	Label     string
	Failures  int
	Limit     int
	Blocked   bool
	BlockedAt time.Time
	UpdatedAt time.Time
}

// methods are every method the lockout counts, in the order staff read
// them, with their names.
var methods = []struct {
	method lockout.Method
	label  string
}{
	{lockout.Password, "Password"},
	{lockout.Questions, "Security questions"},
	{lockout.PIN, "One-time PIN by text or call"},
	{lockout.Callback, "Phone call-back"},
	{lockout.AccessCode, "Staff-issued access code"},
	{lockout.TOTP, "Authenticator app"},
	{lockout.RecoveryCode, "Recovery codes"},
}

// knownMethod reports whether m is a method staff may unblock.
func knownMethod(m lockout.Method) (string, bool) {
	for _, k := range methods {
		if k.method == m {
			return k.label, true
		}
	}
	return "", false
}

type delegateRow struct {
	*institution.Delegate
	Username string
}

type accessCodeRow struct {
	*otp.AccessCode
	Status   string
	IssuedBy string
}

// trailRow is one audit event in words.
type trailRow struct {
	When   time.Time
	Actor  string
	Action string
	Text   string
	// PersonalInfo marks a change the red-flag banner counts.
	PersonalInfo bool
	IP           string
	Detail       string
}

// memberShow is the member page. Opening it is itself audited, so the
// member's trail says which employee looked and when.
func (c *Console) memberShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	m, err := institution.GetMember(ctx, c.app.DB.Reader(), id)
	if err != nil {
		return err
	}
	st := staffFrom(ctx)
	if r.URL.Query().Get("notice") == "" {
		// A page shown again after an action is not a new look.
		if err := audit.Append(ctx, c.app.DB.Writer(), &audit.Event{
			OccurredAt: c.app.Clock.Now(), Scope: memberScope, Actor: actor(st),
			Action: "staff.member_viewed", Subject: memberSubject(m), IP: remoteIP(r),
		}); err != nil {
			return err
		}
	}
	p, err := c.memberFacts(ctx, m)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "member.html", &view{
		Title: m.Name(), Nav: "members", Notice: notices[r.URL.Query().Get("notice")], Data: p,
	})
}

// notices confirm an action after its redirect; the query names one, so
// nothing from the URL is ever shown as is.
var notices = map[string]string{
	"unblocked":         "The method is unblocked. The member can use it again.",
	"questions_deleted": "The security questions are deleted. The member will set new ones at their next sign-in.",
	"device_revoked":    "The device is revoked. It will be treated as unknown at the next sign-in.",
	"password_issued":   "A temporary password was issued. The member must change it at their next sign-in.",
	"code_issued":       "A one-time access code was issued.",
}

// memberSubject is what the member's audit events are about: their
// sign-in, or the member record before they enrol.
func memberSubject(m *institution.Member) string {
	if m.Enrolled() {
		return fmt.Sprintf("account:%d", m.SecurityAccountID)
	}
	return fmt.Sprintf("member:%d", m.ID)
}

// memberFacts gathers the member page.
func (c *Console) memberFacts(ctx context.Context, m *institution.Member) (*memberPage, error) {
	db := c.app.DB.Reader()
	now := c.app.Clock.Now()
	pol := c.app.Policy
	p := &memberPage{
		Member: m, SSN: maskSSN(m.SSNLast4), Controls: controlsInWords(m),
		Formula: string(pol.TempPasswordFormula), TempTTL: pol.TempPasswordTTL, NewMemberTTL: pol.NewMemberPasswordTTL, AccessCodeTTL: pol.AccessCodeTTL,
	}
	subject := memberSubject(m)
	var err error
	if p.RedFlags, err = audit.RedFlagCount(ctx, db, memberScope, subject, now); err != nil {
		return nil, err
	}
	if p.Accounts, err = institution.Accounts(ctx, db, m.ID); err != nil {
		return nil, err
	}
	ds, err := institution.Delegates(ctx, db, m.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		row := delegateRow{Delegate: d}
		if a, err := account.Get(ctx, db, d.SecurityAccountID); err == nil {
			row.Username = a.Username
		}
		p.Delegates = append(p.Delegates, row)
	}
	names := c.staffNames(ctx)
	events, err := audit.List(ctx, db, audit.Filter{Scope: memberScope, Subject: subject, Limit: trailLimit, Newest: true})
	if err != nil {
		return nil, err
	}
	for _, ev := range events {
		k, _ := audit.KindOf(ev.Action)
		p.Trail = append(p.Trail, trailRow{
			When: ev.OccurredAt, Actor: names.actor(ev.Actor, subject), Action: ev.Action, Text: actionText(ev.Action),
			PersonalInfo: k.PersonalInfo, IP: ev.IP, Detail: detail(ev.Detail),
		})
	}
	if p.Messages, err = audit.Messages(ctx, db, memberScope, subject, 50); err != nil {
		return nil, err
	}
	if !m.Enrolled() {
		return p, nil
	}

	aid := m.SecurityAccountID
	a, err := account.Get(ctx, db, aid)
	if err != nil {
		return nil, err
	}
	ls := &loginStatus{
		AccountID: a.ID, Username: a.Username, Level: a.SecurityLevel,
		TwoFactorEnrolled: a.TwoFactorEnrolledAt, TwoFactorSkipped: a.TwoFactorSkippedAt, LastLogin: a.LastLoginAt,
		PasswordSet: a.PasswordSetAt, PasswordTemporary: a.PasswordTemporary, PasswordExpires: a.PasswordExpiresAt, Disabled: a.DisabledAt,
	}
	if ls.QuestionsSet, err = challenge.HasQuestions(ctx, db, aid); err != nil {
		return nil, err
	}
	states, err := lockout.States(ctx, db, aid)
	if err != nil {
		return nil, err
	}
	limit := c.app.Members.Policy().LockoutAfter
	for _, k := range methods {
		row := methodRow{Method: k.method, Label: k.label, Limit: limit}
		for _, s := range states {
			if s.Method == k.method {
				row.Failures, row.BlockedAt, row.UpdatedAt = s.Failures, s.BlockedAt, s.UpdatedAt
			}
		}
		row.Blocked = !row.BlockedAt.IsZero() || row.Failures >= limit
		if row.Blocked {
			ls.Blocked++
		}
		ls.Methods = append(ls.Methods, row)
	}
	p.Login = ls
	if p.Phones, err = phone.List(ctx, db, aid); err != nil {
		return nil, err
	}
	if p.Devices, err = device.List(ctx, db, aid); err != nil {
		return nil, err
	}
	codes, err := otp.ListAccessCodes(ctx, db, aid)
	if err != nil {
		return nil, err
	}
	for _, ac := range codes {
		p.AccessCodes = append(p.AccessCodes, accessCodeRow{AccessCode: ac, Status: ac.Status(now), IssuedBy: names.name(ac.IssuedBy)})
	}
	return p, nil
}

// maskSSN shows only the last four digits of the SSN.
func maskSSN(last4 string) string {
	if last4 == "" {
		return "—"
	}
	return "•••-••-" + last4
}

// controlsInWords describes the member's Personal Internet Branch settings
// (S21), which explain many refused sign-ins.
func controlsInWords(m *institution.Member) []string {
	c := m.Controls
	var out []string
	if len(c.GeoAllow) > 0 {
		out = append(out, "Sign-in allowed only from: "+strings.Join(c.GeoAllow, ", "))
	}
	if len(c.GeoBlock) > 0 {
		out = append(out, "Sign-in blocked from: "+strings.Join(c.GeoBlock, ", "))
	}
	if c.PCRegistrationRequired {
		out = append(out, "Only registered computers may sign in")
	}
	for _, win := range c.AvailableWindows {
		days := make([]string, len(win.Days))
		for i, d := range win.Days {
			days[i] = d.String()[:3]
		}
		zone := "UTC"
		if c.TimeZone != nil {
			zone = c.TimeZone.String()
		}
		out = append(out, fmt.Sprintf("Available %s %02d:00–%02d:00 (%s)", strings.Join(days, ", "), win.StartHour, win.EndHour, zone))
	}
	if m.HasConfirmation {
		out = append(out, "A confirmation code is required for transfers")
	}
	if m.QuestionMode != "" {
		out = append(out, "Security questions asked in mode: "+m.QuestionMode)
	}
	return out
}

// staffNames resolves employees' security accounts to their names, once
// per page.
type staffNameCache struct {
	c     *Console
	ctx   context.Context
	names map[int64]string
}

func (c *Console) staffNames(ctx context.Context) *staffNameCache {
	return &staffNameCache{c: c, ctx: ctx, names: map[int64]string{}}
}

// name is the employee with the security account id, "" when it is none.
func (s *staffNameCache) name(id int64) string {
	if n, ok := s.names[id]; ok {
		return n
	}
	n := ""
	if st, err := institution.StaffBySecurityAccount(s.ctx, s.c.app.DB.Reader(), id); err == nil {
		n = st.Name + " (" + string(st.Role) + ")"
	}
	s.names[id] = n
	return n
}

// actor says who did something: the member, an employee by name, or the
// system.
func (s *staffNameCache) actor(a, memberSubject string) string {
	switch {
	case a == memberSubject:
		return "Member"
	case a == "system":
		return "System"
	}
	kind, rest, _ := strings.Cut(a, ":")
	if id, err := strconv.ParseInt(rest, 10, 64); err == nil && (kind == "staff" || kind == "account") {
		if n := s.name(id); n != "" {
			return "Staff: " + n
		}
	}
	return a
}
