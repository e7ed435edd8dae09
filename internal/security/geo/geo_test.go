package geo_test

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/geo/geotest"
)

func openSample(t *testing.T) *geo.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "city.mmdb")
	geotest.Write(t, path, geotest.Sample())
	db, err := geo.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestLookup(t *testing.T) {
	t.Parallel()
	db := openSample(t)

	minneapolis := geo.Location{Country: "US", Subdivision: "MN", City: "Minneapolis", Lat: 44.9778, Lon: -93.2650, HasCoordinates: true, AccuracyKm: 5, Known: true}
	tests := []struct {
		name string
		ip   netip.Addr
		want geo.Location
	}{
		{"Minneapolis", netip.MustParseAddr("127.0.0.1"), minneapolis},
		{"Minneapolis, last address of the /24", netip.MustParseAddr("127.0.0.255"), minneapolis},
		{"IPv4-mapped IPv6 is looked up as IPv4", netip.MustParseAddr("::ffff:127.0.0.9"), minneapolis},
		{"San Francisco", netip.MustParseAddr("127.0.1.7"), geo.Location{Country: "US", Subdivision: "CA", City: "San Francisco", Lat: 37.7749, Lon: -122.4194, HasCoordinates: true, AccuracyKm: 5, Known: true}},
		{"Moscow", netip.MustParseAddr("127.0.2.200"), geo.Location{Country: "RU", Subdivision: "MOW", City: "Moscow", Lat: 55.7558, Lon: 37.6173, HasCoordinates: true, AccuracyKm: 20, Known: true}},
		{"London, anywhere in the /16", netip.MustParseAddr("10.9.200.3"), geo.Location{Country: "GB", Subdivision: "ENG", City: "London", Lat: 51.5074, Lon: -0.1278, HasCoordinates: true, AccuracyKm: 10, Known: true}},
		{"state only, no coordinates", netip.MustParseAddr("127.0.3.1"), geo.Location{Country: "US", Subdivision: "MN", Known: true}},
		{"address not in the database", netip.MustParseAddr("127.0.4.1"), geo.Location{}},
		{"next to London's /16", netip.MustParseAddr("10.10.0.1"), geo.Location{}},
		{"public address not in the database", netip.MustParseAddr("203.0.113.7"), geo.Location{}},
		{"IPv6 not in the database", netip.MustParseAddr("2001:db8::1"), geo.Location{}},
		{"zero address", netip.Addr{}, geo.Location{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := db.Lookup(tt.ip)
			if err != nil {
				t.Fatalf("Lookup(%v): %v", tt.ip, err)
			}
			if got != tt.want {
				t.Errorf("Lookup(%v) = %+v, want %+v", tt.ip, got, tt.want)
			}
		})
	}
}

func TestNoneKnowsNothing(t *testing.T) {
	t.Parallel()
	var loc geo.Locator = geo.None{}
	for _, s := range []string{"127.0.0.1", "8.8.8.8", "2001:db8::1"} {
		got, err := loc.Lookup(netip.MustParseAddr(s))
		if err != nil || got != (geo.Location{}) {
			t.Errorf("None.Lookup(%s) = %+v, %v; want unknown location, nil", s, got, err)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	garbage := filepath.Join(dir, "garbage.mmdb")
	if err := os.WriteFile(garbage, []byte("this is not a MaxMind database"), 0o600); err != nil {
		t.Fatal(err)
	}

	asn := filepath.Join(dir, "asn.mmdb")
	tree, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: "GeoLite2-ASN", IncludeReservedNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := tree.Insert(&net.IPNet{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(24, 32)},
		mmdbtype.Map{"autonomous_system_number": mmdbtype.Uint32(64500)}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(asn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		path    string
		errPart string
	}{
		{"missing file", filepath.Join(dir, "missing.mmdb"), "missing.mmdb"},
		{"not a database", garbage, "garbage.mmdb"},
		{"ASN database", asn, "not a City database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, err := geo.Open(tt.path)
			if err == nil {
				_ = db.Close()
				t.Fatalf("Open(%s) succeeded, want an error", tt.path)
			}
			if !strings.HasPrefix(err.Error(), "geo: ") || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("Open(%s) error = %q, want prefix \"geo: \" and %q", tt.path, err, tt.errPart)
			}
		})
	}
}

func TestLocationNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		loc      geo.Location
		wantCode string
		wantStr  string
	}{
		{geo.Location{Country: "US", Subdivision: "MN", City: "Minneapolis"}, "US-MN", "Minneapolis, US-MN"},
		{geo.Location{Country: "CA", Subdivision: "ON"}, "CA-ON", "CA-ON"},
		{geo.Location{Country: "RU", City: "Moscow"}, "", "Moscow, RU"},
		{geo.Location{Subdivision: "MN"}, "", "unknown location"},
		{geo.Location{City: "Springfield"}, "", "Springfield"},
		{geo.Location{}, "", "unknown location"},
	}
	for _, tt := range tests {
		if got := tt.loc.SubdivisionCode(); got != tt.wantCode {
			t.Errorf("%+v.SubdivisionCode() = %q, want %q", tt.loc, got, tt.wantCode)
		}
		if got := tt.loc.String(); got != tt.wantStr {
			t.Errorf("%+v.String() = %q, want %q", tt.loc, got, tt.wantStr)
		}
	}
}
