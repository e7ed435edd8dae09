package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// branchForm is the data of the Personal Internet Branch page (S21).
type branchForm struct {
	Allow, Block    string
	PCRequired      bool
	ThisRegistered  bool
	Days            []dayBox
	Start, End      int
	Hours           []int
	TimeZone        string
	TimeZones       []string
	HasConfirmation bool
	Problems        []string
}

type dayBox struct {
	Day     int
	Name    string
	Checked bool
}

// timeZones are the zones the days-and-hours control is offered in.
func timeZones() []string {
	return []string{"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
		"America/Anchorage", "Pacific/Honolulu", "UTC"}
}

func newBranchForm(c risk.Controls) branchForm {
	f := branchForm{
		Allow: strings.Join(c.GeoAllow, ", "), Block: strings.Join(c.GeoBlock, ", "), PCRequired: c.PCRegistrationRequired,
		Start: 6, End: 23, TimeZone: "America/New_York", TimeZones: timeZones(),
	}
	for h := 0; h <= 24; h++ {
		f.Hours = append(f.Hours, h)
	}
	var days []time.Weekday
	if len(c.AvailableWindows) > 0 {
		w := c.AvailableWindows[0]
		days, f.Start, f.End = w.Days, w.StartHour, w.EndHour
	}
	if c.TimeZone != nil {
		f.TimeZone = c.TimeZone.String()
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		f.Days = append(f.Days, dayBox{Day: int(d), Name: d.String(), Checked: slices.Contains(days, d)})
	}
	return f
}

// controlsOf reads the form into the member's controls. No day ticked
// means no restriction by day and hour.
func controlsOf(r *http.Request) (risk.Controls, []string) {
	var c risk.Controls
	var problems []string
	places := func(field string) []string {
		var out []string
		for _, p := range strings.FieldsFunc(r.PostFormValue(field), func(c rune) bool { return c == ',' || c == ' ' || c == ';' }) {
			out = append(out, strings.ToUpper(p))
		}
		return out
	}
	c.GeoAllow, c.GeoBlock = places("allow"), places("block")
	c.PCRegistrationRequired = r.PostFormValue("pc_required") == "on"
	if err := r.ParseForm(); err == nil && len(r.PostForm["day"]) > 0 {
		var w risk.Window
		for _, d := range r.PostForm["day"] {
			n, err := strconv.Atoi(d)
			if err != nil || n < 0 || n > 6 {
				problems = append(problems, "Choose days of the week from the list.")
				break
			}
			w.Days = append(w.Days, time.Weekday(n))
		}
		w.StartHour, _ = strconv.Atoi(r.PostFormValue("start"))
		w.EndHour, _ = strconv.Atoi(r.PostFormValue("end"))
		c.AvailableWindows = []risk.Window{w}
		zone := r.PostFormValue("time_zone")
		if !slices.Contains(timeZones(), zone) {
			problems = append(problems, "Choose your time zone from the list.")
		} else if loc, err := time.LoadLocation(zone); err != nil {
			problems = append(problems, fmt.Sprintf("The time zone %s is not known on this server.", zone))
		} else {
			c.TimeZone = loc
		}
	}
	if err := c.Validate(); err != nil {
		problems = append(problems, "Check the places and hours: places are a country code such as US, or a state such as US-MN; the hours must start before they end.")
	}
	return c, problems
}
