package risk

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/geo"
)

// Login is one earlier successful login.
type Login struct {
	At       time.Time
	IP       netip.Addr
	Location geo.Location
}

// History is what the member usually looks like. The usual sets may cover a
// longer period than Logins (a caller may aggregate them in SQL); an empty
// set means "not learned yet" and silences the signal that uses it.
type History struct {
	// Logins are recent successful logins, in any order.
	Logins []Login
	// UsualCountries are ISO 3166-1 alpha-2 codes, e.g. "US".
	UsualCountries []string
	// UsualSubdivisions are ISO 3166-2 codes, e.g. "US-MN".
	UsualSubdivisions []string
	// UsualNetworks are networks the member logs in from; an address inside
	// any of them is usual. NetworkOf gives the prefix the engine uses.
	UsualNetworks []netip.Prefix
	// UsualHours are hours of the day, 0–23, in UTC. Hours outside 0–23 are
	// ignored.
	UsualHours []int
}

// MinLoginsForHours is how many logins NewHistory needs before it fills
// UsualHours: with fewer, every other hour would look unusual.
const MinLoginsForHours = 5

// NewHistory derives a History from logins: every country, state and
// network seen is usual, and, once there are MinLoginsForHours logins, every
// UTC hour seen. Logins with an invalid address or an unknown location add
// nothing to the corresponding set.
func NewHistory(logins []Login) History {
	h := History{Logins: slices.Clone(logins)}
	slices.SortStableFunc(h.Logins, func(a, b Login) int { return b.At.Compare(a.At) })
	var hours [24]bool
	for _, l := range h.Logins {
		if c := l.Location.Country; c != "" && !slices.Contains(h.UsualCountries, c) {
			h.UsualCountries = append(h.UsualCountries, c)
		}
		if s := l.Location.SubdivisionCode(); s != "" && !slices.Contains(h.UsualSubdivisions, s) {
			h.UsualSubdivisions = append(h.UsualSubdivisions, s)
		}
		if n := NetworkOf(l.IP); n.IsValid() && !slices.Contains(h.UsualNetworks, n) {
			h.UsualNetworks = append(h.UsualNetworks, n)
		}
		hours[l.At.UTC().Hour()] = true
	}
	if len(h.Logins) >= MinLoginsForHours {
		for hour, seen := range hours {
			if seen {
				h.UsualHours = append(h.UsualHours, hour)
			}
		}
	}
	slices.Sort(h.UsualCountries)
	slices.Sort(h.UsualSubdivisions)
	slices.SortFunc(h.UsualNetworks, func(a, b netip.Prefix) int {
		return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
	})
	return h
}

// NetworkOf returns the network an address is judged by: its /24 for IPv4
// (and IPv4-mapped IPv6), its /48 for IPv6 (a typical site allocation), or
// the zero Prefix for an invalid address. A /24 needs no ASN database and
// is usually one household's or office's provider block.
func NetworkOf(ip netip.Addr) netip.Prefix {
	if !ip.IsValid() {
		return netip.Prefix{}
	}
	ip = ip.Unmap().WithZone("")
	bits := 48
	if ip.Is4() {
		bits = 24
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}

func (h History) empty() bool {
	return len(h.Logins) == 0 && len(h.UsualCountries) == 0 && len(h.UsualSubdivisions) == 0 &&
		len(h.UsualNetworks) == 0 && len(h.UsualHours) == 0
}

// lastLocated returns the most recent login at or before now whose location
// has coordinates.
func (h History) lastLocated(now time.Time) (Login, bool) {
	var best Login
	found := false
	for _, l := range h.Logins {
		if !l.Location.HasCoordinates || !validCoordinates(l.Location.Lat, l.Location.Lon) || l.At.After(now) {
			continue
		}
		if !found || l.At.After(best.At) {
			best, found = l, true
		}
	}
	return best, found
}

// usualHour reports whether hour, or an hour either side of it, is usual;
// the slack absorbs daylight-saving shifts and an early or late evening.
func (h History) usualHour(hour int) bool {
	for _, u := range h.UsualHours {
		if u < 0 || u > 23 {
			continue
		}
		d := (hour - u + 24) % 24
		if d == 0 || d == 1 || d == 23 {
			return true
		}
	}
	return false
}

func (h History) hoursLearned() bool {
	for _, u := range h.UsualHours {
		if u >= 0 && u <= 23 {
			return true
		}
	}
	return false
}
