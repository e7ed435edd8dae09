package auth_test

import (
	"context"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// BenchmarkLoginPassword is a full password verification through the engine
// (account lookup, lockout count, argon2id at the default parameters, reset,
// audit event) on SQLite. Compare with BenchmarkRawArgon2id: the difference
// is what the engine costs on top of the hash.
func BenchmarkLoginPassword(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	bundle := setup(b, db, policy.Seed(), password.DefaultParams())
	bundle.member(b, "bench member", "Bench-Pass-2026")
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := bundle.engine.CheckPassword(ctx, "bench member", "Bench-Pass-2026", auth.Meta{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// BenchmarkRawArgon2id is argon2id alone at the engine's default parameters.
func BenchmarkRawArgon2id(b *testing.B) {
	p := password.DefaultParams()
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	for b.Loop() {
		argon2.IDKey([]byte("Bench-Pass-2026"), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}
