package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/audit"
)

// activityGroupSave creates or changes a group's ranges of a normal and an
// abnormal month (S30): admins only. The change is audited.
func (c *Console) activityGroupSave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	g, err := parseGroup(r)
	if err != nil {
		return err
	}
	if err := institution.SetActivityGroup(ctx, c.app.DB.Writer(), g); err != nil {
		return err
	}
	err = audit.Append(ctx, c.app.DB.Writer(), &audit.Event{
		OccurredAt: c.app.Clock.Now(), Scope: memberScope, Actor: actor(staffFrom(ctx)), Action: "activity_group.changed",
		Subject: "activity_group:" + g.Name, IP: remoteIP(r),
		Detail: map[string]string{
			"normal_count": strconv.Itoa(g.NormalCount), "abnormal_count": strconv.Itoa(g.AbnormalCount),
			"normal_amount": strconv.FormatInt(g.NormalAmount, 10), "abnormal_amount": strconv.FormatInt(g.AbnormalAmount, 10),
		},
	})
	if err != nil {
		return err
	}
	back := "/staff/activity?notice=saved"
	if m := r.PostFormValue("month"); m != "" {
		back += "&month=" + url.QueryEscape(m)
	}
	return redirect(w, r, back)
}

// parseGroup reads a group's name, counts and dollar amounts.
func parseGroup(r *http.Request) (institution.ActivityGroup, error) {
	var g institution.ActivityGroup
	g.Name = strings.TrimSpace(r.PostFormValue("name"))
	if g.Name == "" || len(g.Name) > 40 || strings.IndexFunc(g.Name, func(c rune) bool {
		return !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '-' || c == ' ')
	}) >= 0 {
		return g, badRequest("Name the group with up to 40 letters, digits, spaces, '-' or '_'.")
	}
	var err error
	count := func(field, label string) int {
		n, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue(field)))
		if perr != nil || n < 0 {
			err = badRequest(label + " must be a whole number, 0 or more.")
		}
		return n
	}
	amount := func(field, label string) int64 {
		n, perr := parseDollars(r.PostFormValue(field))
		if perr != nil && err == nil {
			err = badRequest(label + " must be an amount in dollars, such as 2500 or 2,500.00.")
		}
		return n
	}
	g.NormalCount = count("normal_count", "The normal number of transactions")
	g.AbnormalCount = count("abnormal_count", "The abnormal number of transactions")
	g.NormalAmount = amount("normal_amount", "The normal amount")
	g.AbnormalAmount = amount("abnormal_amount", "The abnormal amount")
	if err != nil {
		return g, err
	}
	if g.AbnormalCount < g.NormalCount || g.AbnormalAmount < g.NormalAmount {
		return g, badRequest("The abnormal limits must be at or above the normal ones.")
	}
	return g, nil
}

// parseDollars reads "2500", "2,500.5" or "$2,500.00" as minor units.
func parseDollars(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(s), "$"), ",", "")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasFrac && frac == "") {
		return 0, fmt.Errorf("not an amount: %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e13 {
		return 0, fmt.Errorf("not an amount: %q", s)
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("not an amount: %q", s)
	}
	return w*100 + f, nil
}
