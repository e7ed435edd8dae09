package risk

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/geo"
)

// Controls are one member's layered controls, the "Personal Internet Branch"
// profile (S21). The zero value restricts nothing. A violation is a Deny
// whatever the score; the caller reports it to the member's message center.
type Controls struct {
	// GeoAllow, when not empty, lists the only places the member may use
	// online banking from. A place is a country ("US") or a state or other
	// ISO 3166-2 subdivision ("US-MN"); case does not matter. Cities are not
	// offered: their names are not stable identifiers.
	GeoAllow []string
	// GeoBlock lists places the member never uses online banking from. It
	// wins over GeoAllow.
	GeoBlock []string
	// PCRegistrationRequired refuses devices the member has not registered.
	PCRegistrationRequired bool
	// AvailableWindows, when not empty, are the only times the member may
	// use online banking, in TimeZone.
	AvailableWindows []Window
	// TimeZone is the member's time zone; required with AvailableWindows.
	TimeZone *time.Location
}

// Window is a range of hours on some days of the week: from StartHour
// (inclusive) to EndHour (exclusive), 0 ≤ StartHour < EndHour ≤ 24. A range
// across midnight is two windows.
type Window struct {
	Days      []time.Weekday
	StartHour int
	EndHour   int
}

// Validate checks the places and windows.
func (c Controls) Validate() error {
	var errs []error
	for _, list := range []struct {
		name   string
		places []string
	}{{"geo_allow", c.GeoAllow}, {"geo_block", c.GeoBlock}} {
		for _, p := range list.places {
			if !validPlace(p) {
				errs = append(errs, fmt.Errorf("risk: controls: %s: %q is not a country (US) or a subdivision (US-MN)", list.name, p))
			}
		}
	}
	for i, w := range c.AvailableWindows {
		if len(w.Days) == 0 {
			errs = append(errs, fmt.Errorf("risk: controls: available_windows[%d]: no days", i))
		}
		for _, d := range w.Days {
			if d < time.Sunday || d > time.Saturday {
				errs = append(errs, fmt.Errorf("risk: controls: available_windows[%d]: %d is not a day of the week", i, d))
			}
		}
		if w.StartHour < 0 || w.StartHour >= w.EndHour || w.EndHour > 24 {
			errs = append(errs, fmt.Errorf("risk: controls: available_windows[%d]: hours %d–%d are not 0 ≤ start < end ≤ 24", i, w.StartHour, w.EndHour))
		}
	}
	if len(c.AvailableWindows) > 0 && c.TimeZone == nil {
		errs = append(errs, errors.New("risk: controls: time_zone: required with available_windows"))
	}
	return errors.Join(errs...)
}

// validPlace accepts "CC" or "CC-S" with a two-letter country and a
// subdivision of one to three letters or digits.
func validPlace(p string) bool {
	country, sub, hasSub := strings.Cut(p, "-")
	if len(country) != 2 || !isAlnum(country, false) {
		return false
	}
	return !hasSub || (len(sub) >= 1 && len(sub) <= 3 && isAlnum(sub, true))
}

func isAlnum(s string, digits bool) bool {
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case digits && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// placeMatch is whether a location is in a place.
type placeMatch int

const (
	matchOutside placeMatch = iota
	matchInside
	matchUnknown // the location lacks the part the place needs
)

func matchPlace(loc geo.Location, place string) placeMatch {
	country, sub, hasSub := strings.Cut(place, "-")
	if loc.Country == "" {
		return matchUnknown
	}
	if !strings.EqualFold(loc.Country, country) {
		return matchOutside
	}
	if !hasSub {
		return matchInside
	}
	if loc.Subdivision == "" {
		return matchUnknown
	}
	if strings.EqualFold(loc.Subdivision, sub) {
		return matchInside
	}
	return matchOutside
}

// geoVerdict is the outcome of the geographic controls.
type geoVerdict int

const (
	geoAllowed geoVerdict = iota
	geoBlocked
	geoNotAllowed
	geoUnverified
)

// checkGeo applies the block list, then the allow list. It returns the
// verdict and, for a block, the place that matched.
func (c Controls) checkGeo(loc geo.Location) (geoVerdict, string) {
	for _, p := range c.GeoBlock {
		if matchPlace(loc, p) == matchInside {
			return geoBlocked, strings.ToUpper(p)
		}
	}
	if len(c.GeoAllow) == 0 {
		return geoAllowed, ""
	}
	unknown := false
	for _, p := range c.GeoAllow {
		switch matchPlace(loc, p) {
		case matchInside:
			return geoAllowed, ""
		case matchUnknown:
			unknown = true
		}
	}
	if unknown {
		return geoUnverified, ""
	}
	return geoNotAllowed, ""
}

// available reports whether now falls in one of the windows; with no
// windows, always.
func (c Controls) available(now time.Time) bool {
	if len(c.AvailableWindows) == 0 {
		return true
	}
	local := now.In(c.TimeZone)
	day, hour := local.Weekday(), local.Hour()
	for _, w := range c.AvailableWindows {
		if slices.Contains(w.Days, day) && hour >= w.StartHour && hour < w.EndHour {
			return true
		}
	}
	return false
}
