package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// monthLayout is how a month travels in the picker and the URL.
const monthLayout = "2006-01"

// activityPage is the abnormal-activity report (S30).
type activityPage struct {
	Month    string // "2026-10"
	MaxMonth string
	Label    string // "October 2026"
	Rows     []institution.ActivityRow
	Counts   map[string]int
	Groups   []institution.ActivityGroup
	CanEdit  bool
}

// activityReport rates every member's month of activity against their
// group's ranges: normal, abnormal, high risk, riskiest first. The month
// defaults to the last complete one.
func (c *Console) activityReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := c.app.Clock.Now()
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	month := thisMonth.AddDate(0, -1, 0)
	if s := strings.TrimSpace(r.URL.Query().Get("month")); s != "" {
		t, err := time.Parse(monthLayout, s)
		if err != nil {
			return badRequest("Choose a month as year and month, for example 2026-10.")
		}
		if t.After(thisMonth) {
			return badRequest("That month has not started yet. Choose this month or an earlier one.")
		}
		month = t
	}
	rows, err := institution.ActivityReport(ctx, c.app.DB.Reader(), month.Year(), month.Month())
	if err != nil {
		return err
	}
	groups, err := activityGroups(ctx, c.app.DB.Reader())
	if err != nil {
		return err
	}
	p := activityPage{
		Month: month.Format(monthLayout), MaxMonth: thisMonth.Format(monthLayout), Label: month.Format("January 2006"),
		Rows: rows, Counts: map[string]int{}, Groups: groups,
		CanEdit: staffFrom(ctx).Role == institution.Admin,
	}
	for _, row := range rows {
		p.Counts[string(row.Rating)]++
	}
	v := &view{Title: "Abnormal activity", Nav: "activity", Data: p}
	if r.URL.Query().Get("notice") == "saved" {
		v.Notice = "The group's ranges are saved."
	}
	return c.render(w, r, http.StatusOK, "activity.html", v)
}
