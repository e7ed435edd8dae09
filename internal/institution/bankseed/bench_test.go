package bankseed_test

import (
	"context"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution/bankseed"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// BenchmarkGenerate measures the reference size, 50 members × 13 months,
// on SQLite: go test -run '^$' -bench Generate ./internal/institution/bankseed/
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := storetest.Open(b, store.SQLite)
		b.StartTimer()
		sum, err := bankseed.Generate(context.Background(), db, bankseed.Options{Members: 50, Months: 13, Seed: 7, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Transactions), "transactions/op")
	}
}
