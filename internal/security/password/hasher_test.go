package password

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"
)

func newTestHasher(t testing.TB, maxConcurrent int) *Hasher {
	t.Helper()
	h, err := NewHasher(TestParams(), maxConcurrent)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newTestHasher(t, 0)
	tests := []struct {
		name, password, attempt string
		want                    bool
	}{
		{"same", "correct horse battery staple", "correct horse battery staple", true},
		{"wrong", "correct horse battery staple", "correct horse battery stapler", false},
		{"case-sensitive", "Tr0ub4dor&3", "tr0ub4dor&3", false},
		{"spaces matter", "two words", "twowords", false},
		{"empty attempt", "something", "", false},
		{"max length", strings.Repeat("x", MaxBytes), strings.Repeat("x", MaxBytes), true},
		{"unicode", "пароль密码🔑", "пароль密码🔑", true},
		// NFC "é" and NFD "e"+U+0301 are one password after normalisation.
		{"normalised", "caf\u00e9 au lait", "cafe\u0301 au lait", true},
		{"full-width is ASCII", "ＡＢＣ１２３", "ABC123", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			enc, err := h.Hash(ctx, tt.password)
			if err != nil {
				t.Fatalf("Hash: %v", err)
			}
			ok, rehash, err := h.Verify(ctx, enc, tt.attempt)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != tt.want {
				t.Fatalf("Verify ok = %v, want %v", ok, tt.want)
			}
			if rehash {
				t.Fatal("Verify with the hasher's own parameters reported needsRehash")
			}
		})
	}
}

func TestHashFormatAndUniqueness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newTestHasher(t, 0)
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	seen := map[string]bool{}
	salts := map[string]bool{}
	for range 20 {
		enc, err := h.Hash(ctx, "same password")
		if err != nil {
			t.Fatal(err)
		}
		if !phc.MatchString(enc) {
			t.Fatalf("Hash() = %q, not a PHC argon2id string with m=64,t=1,p=1", enc)
		}
		if seen[enc] {
			t.Fatal("two hashes of the same password are equal: salt is not random")
		}
		seen[enc] = true
		salts[strings.Split(enc, "$")[4]] = true

		// The stored key is plain argon2id of the password and stored salt.
		p, salt, key, err := decodePHC(enc)
		if err != nil {
			t.Fatal(err)
		}
		if got := argon2.IDKey([]byte("same password"), salt, p.Time, p.Memory, p.Threads, p.KeyLen); string(got) != string(key) {
			t.Fatal("stored key is not argon2.IDKey(password, salt, params)")
		}
	}
	if len(salts) != 20 {
		t.Fatalf("%d distinct salts in 20 hashes", len(salts))
	}
}

func TestVerifyNeedsRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := newTestHasher(t, 0)
	enc, err := old.Hash(ctx, "a password to upgrade")
	if err != nil {
		t.Fatal(err)
	}
	stronger := func(f func(*Params)) *Hasher {
		p := TestParams()
		f(&p)
		h, err := NewHasher(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name       string
		h          *Hasher
		attempt    string
		wantOK     bool
		wantRehash bool
	}{
		{"same params", old, "a password to upgrade", true, false},
		{"more memory", stronger(func(p *Params) { p.Memory = 128 }), "a password to upgrade", true, true},
		{"more passes", stronger(func(p *Params) { p.Time = 2 }), "a password to upgrade", true, true},
		{"more threads", stronger(func(p *Params) { p.Threads = 2 }), "a password to upgrade", true, true},
		{"longer key", stronger(func(p *Params) { p.KeyLen = 64 }), "a password to upgrade", true, true},
		{"wrong password never asks for a rehash", stronger(func(p *Params) { p.Memory = 128 }), "wrong", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, rehash, err := tt.h.Verify(ctx, enc, tt.attempt)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.wantOK || rehash != tt.wantRehash {
				t.Fatalf("Verify = (%v, %v), want (%v, %v)", ok, rehash, tt.wantOK, tt.wantRehash)
			}
		})
	}
}

// TestVerifyReferenceVector checks interoperability with the argon2 reference
// implementation (phc-winner-argon2, src/test.c): its argon2id test vector
// verifies. Its 8-byte salt is shorter than ours, so it asks for a rehash
// although its cost parameters are far higher than TestParams.
func TestVerifyReferenceVector(t *testing.T) {
	t.Parallel()
	const ref = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	ok, rehash, err := newTestHasher(t, 0).Verify(context.Background(), ref, "password")
	if err != nil || !ok || !rehash {
		t.Fatalf("Verify(reference vector) = (%v, %v, %v), want (true, true, nil)", ok, rehash, err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newTestHasher(t, 0)
	const secret = "Sup3r-Secret-Passphrase"
	valid, err := h.Hash(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(valid, "$") // "", alg, v, params, salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := map[string]string{
		"empty":               "",
		"plain text":          "not a hash",
		"only dollars":        "$$$$$",
		"bcrypt":              "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":             with(1, "argon2i"),
		"argon2d":             with(1, "argon2d"),
		"old version":         with(2, "v=16"),
		"no version":          "$argon2id$" + strings.Join(parts[3:], "$"),
		"params out of order": with(3, "t=1,m=64,p=1"),
		"missing param":       with(3, "m=64,t=1"),
		"extra param":         with(3, "m=64,t=1,p=1,keyid=abc"),
		"empty param":         with(3, "m=,t=1,p=1"),
		"negative":            with(3, "m=-64,t=1,p=1"),
		"plus sign":           with(3, "m=+64,t=1,p=1"),
		"leading zero":        with(3, "m=064,t=1,p=1"),
		"hex":                 with(3, "m=0x40,t=1,p=1"),
		"overflow":            with(3, "m=99999999999999999999,t=1,p=1"),
		"memory too large":    with(3, "m=4294967295,t=1,p=1"),
		"time zero":           with(3, "m=64,t=0,p=1"),
		"time too large":      with(3, "m=64,t=100000,p=1"),
		"threads zero":        with(3, "m=64,t=1,p=0"),
		"threads over 255":    with(3, "m=64,t=1,p=256"),
		"memory under 8p":     with(3, "m=8,t=1,p=2"),
		"salt not base64":     with(4, "!!!!"),
		"salt padded":         with(4, parts[4]+"=="),
		"salt too short":      with(4, "c2FsdA"),
		"salt empty":          with(4, ""),
		"key not base64":      with(5, "*"+parts[5][1:]),
		"key too short":       with(5, "aGFzaA"),
		"key empty":           with(5, ""),
		"key non-canonical":   with(5, parts[5][:len(parts[5])-1]+"B"),
		"key with newline":    with(5, parts[5][:4]+"\n"+parts[5][4:]),
		"salt with CR":        with(4, parts[4][:4]+"\r"+parts[4][4:]),
		"trailing dollar":     valid + "$",
		"leading text":        "x" + valid,
		"password as hash":    secret,
	}
	for name, enc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ok, rehash, err := h.Verify(ctx, enc, secret)
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("Verify error = %v, want ErrMalformedHash", err)
			}
			if ok || rehash {
				t.Fatalf("Verify = (%v, %v) with a malformed hash", ok, rehash)
			}
			if msg := err.Error(); strings.Contains(msg, secret) || (len(enc) > 8 && strings.Contains(msg, enc)) {
				t.Fatalf("error %q repeats the password or the stored hash", msg)
			}
		})
	}
}

func TestTooLong(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newTestHasher(t, 0)
	valid, err := h.Hash(ctx, "short")
	if err != nil {
		t.Fatal(err)
	}
	called := false
	h2 := newTestHasher(t, 0)
	h2.kdf = func(pw, salt []byte, p Params) []byte { called = true; return make([]byte, p.KeyLen) }
	tests := map[string]string{
		"257 ASCII bytes":         strings.Repeat("a", MaxBytes+1),
		"129 two-byte characters": strings.Repeat("é", 129),
		"a megabyte":              strings.Repeat("x", 1<<20),
		// U+FDFA is 3 bytes but 33 after NFKC: under the limit as typed, over it once normalised.
		"expands past limit": strings.Repeat("\ufdfa", 10),
	}
	if raw := tests["expands past limit"]; len(raw) > MaxBytes || len(normalize(raw)) <= MaxBytes {
		t.Fatalf("test input is %d bytes, %d after NFKC; want <= and > %d", len(raw), len(normalize(raw)), MaxBytes)
	}
	for name, pw := range tests {
		if _, err := h2.Hash(ctx, pw); !errors.Is(err, ErrTooLong) {
			t.Errorf("%s: Hash error = %v, want ErrTooLong", name, err)
		}
		if ok, _, err := h2.Verify(ctx, valid, pw); !errors.Is(err, ErrTooLong) || ok {
			t.Errorf("%s: Verify = (%v, %v), want ErrTooLong", name, ok, err)
		}
	}
	if called {
		t.Fatal("the KDF ran for an oversized password")
	}
}

// TestConcurrencyCap runs six hashes through a hasher with two slots. The
// KDF is replaced by one that blocks until released, so the test knows, with
// no timing, that exactly two got in and four queued.
func TestConcurrencyCap(t *testing.T) {
	t.Parallel()
	const n, slots = 6, 2
	h := newTestHasher(t, slots)
	var (
		mu              sync.Mutex
		active, maxSeen int
		entered         = make(chan struct{}, n)
		queued          = make(chan struct{}, n)
		release         = make(chan struct{})
	)
	h.kdf = func(pw, salt []byte, p Params) []byte {
		mu.Lock()
		active++
		maxSeen = max(maxSeen, active)
		mu.Unlock()
		entered <- struct{}{}
		<-release
		mu.Lock()
		active--
		mu.Unlock()
		return make([]byte, p.KeyLen)
	}
	h.onQueue = func() { queued <- struct{}{} }
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open) // lets blocked goroutines finish if the test fails early

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := h.Hash(context.Background(), "flood")
			errs <- err
		})
	}
	var in, waiting int
	for in+waiting < n {
		select {
		case <-entered:
			in++
		case <-queued:
			waiting++
		}
	}
	if in != slots || waiting != n-slots {
		t.Fatalf("%d hashes running and %d queued, want %d and %d", in, waiting, slots, n-slots)
	}
	open()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if maxSeen > slots {
		t.Fatalf("%d hashes ran at once, cap is %d", maxSeen, slots)
	}
}

func TestContextCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, 1)
	entered, queued, release := make(chan struct{}, 2), make(chan struct{}, 1), make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open)
	h.kdf = func(pw, salt []byte, p Params) []byte {
		entered <- struct{}{}
		<-release
		return make([]byte, p.KeyLen)
	}
	h.onQueue = func() { queued <- struct{}{} }

	first := make(chan error, 1)
	go func() { _, err := h.Hash(context.Background(), "holds the only slot"); first <- err }()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() {
		_, _, err := h.Verify(ctx, "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "waits")
		second <- err
	}()
	select {
	case <-queued:
	case <-entered:
		t.Fatal("a second call got a slot while the only one was taken")
	}
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify while waiting, then cancelled: error = %v, want context.Canceled", err)
	}
	open()
	if err := <-first; err != nil {
		t.Fatalf("the hash holding the slot failed: %v", err)
	}

	// A context that is already over never takes a slot.
	if _, err := h.Hash(ctx, "late"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with a cancelled context: error = %v, want context.Canceled", err)
	}
}

// BenchmarkHashDefault reports the cost of one hash at DefaultParams, the
// number to size login capacity with: a verification costs the same.
func BenchmarkHashDefault(b *testing.B) {
	h, err := NewHasher(DefaultParams(), 1)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
