package console_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/policy"
)

// spend posts n debits of amount (minor units) to the member's first
// account in October 2026.
func (b *bank) spend(m *member, n int, amount int64) {
	b.t.Helper()
	ctx := context.Background()
	accts, err := institution.Accounts(ctx, b.app.DB.Reader(), m.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	b.inTx(func(tx *sql.Tx) error {
		for i := range n {
			t := &institution.Transaction{
				AccountID: accts[0].ID, FITID: fmt.Sprintf("%s-%d", m.Number, i), Type: "DEBIT",
				Date: time.Date(2026, 10, 1+i%28, 0, 0, 0, 0, time.UTC), Amount: -amount, Description: "Card purchase",
			}
			if err := institution.Post(ctx, tx, t, b.clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
}

func TestActivityReport(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	quiet := b.addMember("100001", "Alice", "Archer")
	busy := b.addMember("100002", "Bob", "Baker")
	big := b.addMember("100003", "Cara", "Cash")
	b.spend(quiet, 3, 10_00)
	b.spend(busy, 12, 10_00)
	b.spend(big, 2, 9_000_00)
	if err := institution.SetActivityGroup(context.Background(), b.app.DB.Writer(), institution.ActivityGroup{
		Name: "personal", NormalCount: 5, AbnormalCount: 10, NormalAmount: 1_000_00, AbnormalAmount: 5_000_00,
	}); err != nil {
		t.Fatal(err)
	}

	c := b.client()
	c.signIn(tellerUser)
	// The default month is the last complete one (the clock is in November).
	res := c.get("/staff/activity")
	res.want(t, http.StatusOK, "October 2026", `value="2026-10"`, "high risk 2", "abnormal 0", "normal 1", "$18,000.00", "$120.00", "$30.00")
	// Riskiest first.
	iHigh := strings.Index(res.Body, `data-rating="high_risk"`)
	iNormal := strings.Index(res.Body, `data-rating="normal"`)
	if iHigh < 0 || iNormal < 0 || iHigh > iNormal {
		t.Fatal("the report does not list the riskiest members first")
	}
	// Tellers see the ranges but cannot edit them.
	if strings.Contains(res.Body, `action="/staff/activity/groups"`) {
		t.Fatal("a teller is offered the ranges form")
	}
	c.get("/staff/activity?month=2026-09").want(t, http.StatusOK, "September 2026", "normal 3")
	c.get("/staff/activity?month=October").want(t, http.StatusBadRequest)
	c.get("/staff/activity?month=2027-01").want(t, http.StatusBadRequest, "not started")

	// A teller's POST of an admin action is refused, and changes nothing.
	form := url.Values{"name": {"personal"}, "normal_count": {"20"}, "abnormal_count": {"30"}, "normal_amount": {"20,000"}, "abnormal_amount": {"$50,000.00"}, "month": {"2026-10"}}
	c.post("/staff/activity/groups", form).want(t, http.StatusForbidden, "Your role does not allow this")
	c.get("/staff/activity").want(t, http.StatusOK, "high risk 2")

	admin := b.client()
	admin.signIn(adminUser)
	admin.get("/staff/activity").want(t, http.StatusOK, `action="/staff/activity/groups"`, `value="$1,000.00"`)
	bad := url.Values{"name": {"personal"}, "normal_count": {"20"}, "abnormal_count": {"10"}, "normal_amount": {"1"}, "abnormal_amount": {"2"}}
	admin.post("/staff/activity/groups", bad).want(t, http.StatusBadRequest, "at or above the normal")
	bad = url.Values{"name": {"personal"}, "normal_count": {"x"}, "abnormal_count": {"10"}, "normal_amount": {"1.234"}, "abnormal_amount": {"2"}}
	admin.post("/staff/activity/groups", bad).want(t, http.StatusBadRequest)

	res = admin.post("/staff/activity/groups", form)
	if res.Code != http.StatusSeeOther || res.Location != "/staff/activity?notice=saved&month=2026-10" {
		t.Fatalf("admin saves ranges: %d → %q\n%s", res.Code, res.Location, res.Body)
	}
	admin.get(res.Location).want(t, http.StatusOK, "ranges are saved", "high risk 0", "normal 3", `value="$20,000.00"`)
	evs, err := audit.List(context.Background(), b.app.DB.Reader(), audit.Filter{Scope: "institution", Action: "activity_group.changed"})
	if err != nil || len(evs) != 1 || evs[0].Actor != fmt.Sprintf("staff:%d", b.admin.SecurityAccountID) || evs[0].Detail["normal_amount"] != "2000000" {
		t.Fatalf("audit of the change: %v %+v", err, evs)
	}

	// A new group.
	res = admin.post("/staff/activity/groups", url.Values{"name": {"business"}, "normal_count": {"100"}, "abnormal_count": {"200"}, "normal_amount": {"50000"}, "abnormal_amount": {"100000.5"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("new group: %d\n%s", res.Code, res.Body)
	}
	admin.get("/staff/activity").want(t, http.StatusOK, `data-group="business"`, `value="$100,000.50"`)
}

func TestPolicyPageShowsEveryField(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	c := b.client()
	c.signIn(tellerUser)
	res := c.get("/staff/policy")
	res.want(t, http.StatusOK, `id="profile">seed<`, "staff sign in under the modern profile")

	var paths []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Time]() {
				walk(f.Type, prefix+f.Name+".")
				continue
			}
			paths = append(paths, prefix+f.Name)
		}
	}
	walk(reflect.TypeFor[policy.Policy](), "")
	if len(paths) < 40 {
		t.Fatalf("only %d policy fields found", len(paths))
	}
	for _, p := range paths {
		if !strings.Contains(res.Body, `data-field="`+p+`"`) {
			t.Errorf("the policy page lacks %s", p)
		}
	}
	for field, value := range map[string]string{
		"LockoutAfter":           "3",
		"TempPasswordTTL":        "24 hours",
		"NewMemberPasswordTTL":   "7 days",
		"CodeTTL":                "5 minutes",
		"PasswordExpiryDays":     "90",
		"QuestionMode":           "rotating",
		"PasswordComplexity":     "yes",
		"Risk.Weights.NewDevice": "50",
		"Risk.DollarRules":       "wire at or above $10,000.00",
		"Risk.StepUpMethods":     "questions, callback",
		"Risk.DenyScore":         "0",
	} {
		i := strings.Index(res.Body, `data-field="`+field+`"`)
		if i < 0 {
			t.Fatalf("no row for %s", field)
		}
		row := res.Body[i:]
		row = row[:strings.Index(row, "</tr>")]
		if !strings.Contains(row, `class="value">`+value) {
			t.Errorf("%s: row %q lacks the value %q", field, row, value)
		}
	}
	// Read-only: no form on the page but sign-out.
	if strings.Count(res.Body, "<form") != 1 {
		t.Fatal("the policy page offers a form")
	}
}

func TestAssetsAndUnknownPages(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	c := b.client()
	res := c.get("/staff/static/console.js")
	res.want(t, http.StatusOK, "X-Session-Poll")
	if !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("script served as %q", res.Header.Get("Content-Type"))
	}
	c.get("/staff/static/console.css").want(t, http.StatusOK, ":focus-visible")
	c.get("/staff/nowhere").want(t, http.StatusNotFound, "no such page")
}
