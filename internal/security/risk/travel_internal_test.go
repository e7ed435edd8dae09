package risk

import (
	"math"
	"testing"
)

func TestHaversineKm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, within           float64
	}{
		{"same point", 44.9778, -93.2650, 44.9778, -93.2650, 0, 0.001},
		{"Minneapolis–San Francisco", 44.9778, -93.2650, 37.7749, -122.4194, 2545, 10},
		{"London–Moscow", 51.5074, -0.1278, 55.7558, 37.6173, 2500, 10},
		{"antipodes", 0, 0, 0, 180, math.Pi * earthRadiusKm, 0.01},
		{"across the date line", 0, 179.5, 0, -179.5, 111.2, 0.5},
	}
	for _, tt := range tests {
		got := haversineKm(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
		if math.Abs(got-tt.want) > tt.within {
			t.Errorf("%s: %.1f km, want %.1f ± %.1f", tt.name, got, tt.want, tt.within)
		}
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for minor, want := range map[int64]string{
		0: "$0.00", 5: "$0.05", 5000: "$50.00", 1_000_000: "$10,000.00",
		123_456_789: "$1,234,567.89", math.MaxInt64: "$92,233,720,368,547,758.07",
	} {
		if got := money(minor); got != want {
			t.Errorf("money(%d) = %q, want %q", minor, got, want)
		}
	}
}
