// Package geotest builds small MaxMind-format City databases for tests, so
// that tests of geolocation and of anything that uses it (the risk engine,
// the institution server's login) run against a real .mmdb file without
// shipping or downloading one.
package geotest

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Entry is one network of a test database. Empty strings are left out of the
// record; Lat and Lon are written only when one of them is non-zero (no test
// member banks from 0°N 0°E).
type Entry struct {
	Network     netip.Prefix // e.g. netip.MustParsePrefix("127.0.0.0/24")
	Country     string       // ISO 3166-1 alpha-2, e.g. "US"
	Subdivision string       // ISO 3166-2 code without the country, e.g. "MN"
	City        string       // English name
	Lat, Lon    float64
	AccuracyKm  uint16 // accuracy radius; 0 leaves it out
}

// Sample returns the networks most security tests use:
//
//	127.0.0.0/24  US, Minnesota, Minneapolis
//	127.0.1.0/24  US, California, San Francisco
//	127.0.2.0/24  RU, Moscow
//	127.0.3.0/24  US, Minnesota, no city, no coordinates
//	10.9.0.0/16   GB, England, London
//
// Every other address is absent from the database.
func Sample() []Entry {
	return []Entry{
		{Network: netip.MustParsePrefix("127.0.0.0/24"), Country: "US", Subdivision: "MN", City: "Minneapolis", Lat: 44.9778, Lon: -93.2650, AccuracyKm: 5},
		{Network: netip.MustParsePrefix("127.0.1.0/24"), Country: "US", Subdivision: "CA", City: "San Francisco", Lat: 37.7749, Lon: -122.4194, AccuracyKm: 5},
		{Network: netip.MustParsePrefix("127.0.2.0/24"), Country: "RU", Subdivision: "MOW", City: "Moscow", Lat: 55.7558, Lon: 37.6173, AccuracyKm: 20},
		{Network: netip.MustParsePrefix("127.0.3.0/24"), Country: "US", Subdivision: "MN"},
		{Network: netip.MustParsePrefix("10.9.0.0/16"), Country: "GB", Subdivision: "ENG", City: "London", Lat: 51.5074, Lon: -0.1278, AccuracyKm: 10},
	}
}

// Write writes a GeoLite2-City-compatible database holding entries to path
// (typically under t.TempDir()) and fails the test if it cannot. Reserved
// networks such as 127.0.0.0/8 and 10.0.0.0/8 are allowed, so tests can use
// loopback and private addresses.
func Write(t testing.TB, path string, entries []Entry) {
	t.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            "GeoLite2-City",
		Description:             map[string]string{"en": "LedgerSync test database"},
		Languages:               []string{"en"},
		IncludeReservedNetworks: true,
		RecordSize:              28,
		BuildEpoch:              1700000000, // fixed, so the file is reproducible
	})
	if err != nil {
		t.Fatalf("geotest: new database: %v", err)
	}
	for _, e := range entries {
		if !e.Network.IsValid() {
			t.Fatalf("geotest: entry %+v has no valid network", e)
		}
		p := e.Network.Masked()
		addr := p.Addr().Unmap()
		bits := p.Bits()
		if p.Addr().Is4In6() {
			bits -= 96
		}
		ipnet := &net.IPNet{IP: net.IP(addr.AsSlice()), Mask: net.CIDRMask(bits, addr.BitLen())}
		if err := tree.Insert(ipnet, record(e)); err != nil {
			t.Fatalf("geotest: insert %s: %v", p, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("geotest: create directory for %s: %v", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatalf("geotest: create %s: %v", path, err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		_ = f.Close()
		t.Fatalf("geotest: write %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("geotest: close %s: %v", path, err)
	}
}

func record(e Entry) mmdbtype.Map {
	rec := mmdbtype.Map{}
	names := func(s string) mmdbtype.Map {
		return mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(s)}}
	}
	if e.Country != "" {
		c := names(e.Country)
		c["iso_code"] = mmdbtype.String(e.Country)
		rec["country"] = c
		rec["registered_country"] = c
	}
	if e.Subdivision != "" {
		s := names(e.Subdivision)
		s["iso_code"] = mmdbtype.String(e.Subdivision)
		rec["subdivisions"] = mmdbtype.Slice{s}
	}
	if e.City != "" {
		rec["city"] = names(e.City)
	}
	if e.Lat != 0 || e.Lon != 0 {
		loc := mmdbtype.Map{
			"latitude":  mmdbtype.Float64(e.Lat),
			"longitude": mmdbtype.Float64(e.Lon),
		}
		if e.AccuracyKm != 0 {
			loc["accuracy_radius"] = mmdbtype.Uint16(e.AccuracyKm)
		}
		rec["location"] = loc
	}
	return rec
}
