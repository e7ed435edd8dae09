// Package geo owns IP geolocation for the security core: it turns the
// address a request came from into a country, a subdivision (state), a city
// and approximate coordinates, from a MaxMind-format City database
// (GeoLite2-City, GeoIP2-City, DB-IP City Lite and compatible files) opened
// with Open.
//
// Geolocation is advisory. An address the database does not cover, a private
// or reserved address, or an institution that configured no database at all
// (the None locator) yields a Location with Known false, and the risk engine
// treats that as neutral, never as risky. Lookup returns an error only when
// the database itself cannot be read.
//
// Place codes are ISO 3166: Country is the alpha-2 code ("US"), Subdivision
// the part after the hyphen of the ISO 3166-2 code ("MN" of "US-MN"), and
// SubdivisionCode joins them, so a state is never confused with a country
// that has the same two letters ("CA" California vs "CA" Canada).
package geo

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"

	"github.com/oschwald/geoip2-golang/v2"
)

// Location is where an address appears to be. The zero value is an unknown
// location.
type Location struct {
	// Country is the ISO 3166-1 alpha-2 code in upper case, e.g. "US";
	// empty when unknown.
	Country string
	// Subdivision is the largest subdivision's ISO 3166-2 code without the
	// country prefix, e.g. "MN" for Minnesota; empty when unknown.
	Subdivision string
	// City is the English city name, e.g. "Minneapolis"; empty when unknown.
	// City names are for people to read, not for rules to compare.
	City string
	// Lat and Lon are the approximate coordinates in degrees; meaningful
	// only when HasCoordinates is true.
	Lat, Lon float64
	// HasCoordinates says Lat and Lon were in the database.
	HasCoordinates bool
	// AccuracyKm is the database's accuracy radius around the coordinates
	// in kilometres (0 when the database gives none).
	AccuracyKm int
	// Known is true when the database had a record for the address.
	Known bool
}

// SubdivisionCode returns the full ISO 3166-2 code of the subdivision, e.g.
// "US-MN", or "" when the country or the subdivision is unknown.
func (l Location) SubdivisionCode() string {
	if l.Country == "" || l.Subdivision == "" {
		return ""
	}
	return l.Country + "-" + l.Subdivision
}

// String describes the location for staff, e.g. "Minneapolis, US-MN", or
// "unknown location".
func (l Location) String() string {
	place := l.SubdivisionCode()
	if place == "" {
		place = l.Country
	}
	switch {
	case l.City != "" && place != "":
		return l.City + ", " + place
	case place != "":
		return place
	case l.City != "":
		return l.City
	default:
		return "unknown location"
	}
}

// Locator finds where an address is. Both *DB and None implement it.
type Locator interface {
	// Lookup returns the address's location; an address the locator does
	// not cover is a Location with Known false and a nil error.
	Lookup(ip netip.Addr) (Location, error)
}

// None is the locator used when no geolocation database is configured:
// every address is an unknown location (Known false) and no lookup fails.
// Geographic controls cannot be enforced with it, and location-based risk
// signals stay silent.
type None struct{}

// Lookup returns an unknown location for every address.
func (None) Lookup(netip.Addr) (Location, error) { return Location{}, nil }

// DB is an open MaxMind-format City database. It is safe for concurrent use
// and must be closed with Close.
type DB struct {
	reader *geoip2.Reader
	path   string
}

var (
	_ Locator = (*DB)(nil)
	_ Locator = None{}
)

// Open opens the City (or Country) database at path. A database of another
// kind, such as an ASN database, is refused.
func Open(path string) (*DB, error) {
	reader, err := geoip2.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geo: open database %s: %w", path, err)
	}
	// Country databases answer City lookups with country fields only;
	// anything else (ASN, ISP, anonymous-IP…) cannot locate an address.
	if _, err := reader.City(netip.IPv4Unspecified()); err != nil {
		var invalid geoip2.InvalidMethodError
		if errors.As(err, &invalid) {
			_ = reader.Close()
			return nil, fmt.Errorf("geo: database %s is a %q database, not a City database", path, reader.Metadata().DatabaseType)
		}
		_ = reader.Close()
		return nil, fmt.Errorf("geo: read database %s: %w", path, err)
	}
	return &DB{reader: reader, path: path}, nil
}

// Lookup returns the location of ip. An invalid address, or one the
// database has no record for, is an unknown location with a nil error.
// IPv4-mapped IPv6 addresses are looked up as IPv4.
func (d *DB) Lookup(ip netip.Addr) (Location, error) {
	if !ip.IsValid() {
		return Location{}, nil
	}
	ip = ip.Unmap().WithZone("")
	rec, err := d.reader.City(ip)
	if err != nil {
		return Location{}, fmt.Errorf("geo: look up %s in %s: %w", ip, d.path, err)
	}
	if !rec.HasData() {
		return Location{}, nil
	}
	loc := Location{
		Country: strings.ToUpper(strings.TrimSpace(rec.Country.ISOCode)),
		City:    strings.TrimSpace(rec.City.Names.English),
		Known:   true,
	}
	if len(rec.Subdivisions) > 0 {
		loc.Subdivision = strings.ToUpper(strings.TrimSpace(rec.Subdivisions[0].ISOCode))
	}
	if lat, lon := rec.Location.Latitude, rec.Location.Longitude; lat != nil && lon != nil && validCoordinates(*lat, *lon) {
		loc.Lat, loc.Lon, loc.HasCoordinates = *lat, *lon, true
		loc.AccuracyKm = int(rec.Location.AccuracyRadius)
	}
	return loc, nil
}

// Close releases the database.
func (d *DB) Close() error {
	if err := d.reader.Close(); err != nil {
		return fmt.Errorf("geo: close database %s: %w", d.path, err)
	}
	return nil
}

func validCoordinates(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) &&
		lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}
