package password

import "testing"

func TestDefaultParamsMeetOWASPFloor(t *testing.T) {
	t.Parallel()
	p := DefaultParams()
	if p.Memory < 19456 || p.Time < 2 || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 32 {
		t.Fatalf("DefaultParams() = %+v, below m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte key", p)
	}
	if p.testOnly {
		t.Fatal("DefaultParams() is marked test-only")
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("DefaultParams().Validate() = %v", err)
	}
}

func TestParamsValidate(t *testing.T) {
	t.Parallel()
	withDefault := func(f func(*Params)) Params { p := DefaultParams(); f(&p); return p }
	withTest := func(f func(*Params)) Params { p := TestParams(); f(&p); return p }
	tests := []struct {
		name string
		p    Params
		ok   bool
	}{
		{"default", DefaultParams(), true},
		{"stronger", withDefault(func(p *Params) { p.Memory, p.Time, p.Threads = 64*1024, 3, 4 }), true},
		{"test params", TestParams(), true},
		{"test params tweaked", withTest(func(p *Params) { p.Memory = 128 }), true},
		{"memory below floor", withDefault(func(p *Params) { p.Memory = 19455 }), false},
		{"time below floor", withDefault(func(p *Params) { p.Time = 1 }), false},
		{"zero threads", withDefault(func(p *Params) { p.Threads = 0 }), false},
		{"short salt", withDefault(func(p *Params) { p.SaltLen = 8 }), false},
		{"short key", withDefault(func(p *Params) { p.KeyLen = 16 }), false},
		{"memory above cap", withDefault(func(p *Params) { p.Memory = maxMemory + 1 }), false},
		{"time above cap", withDefault(func(p *Params) { p.Time = maxTime + 1 }), false},
		{"zero value", Params{}, false},
		{"tiny without test mark", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, false},
		{"test params still sane", withTest(func(p *Params) { p.Threads = 0 }), false},
		{"test params memory under 8 per thread", withTest(func(p *Params) { p.Memory, p.Threads = 8, 2 }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.p.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate(%+v) = %v, want ok=%v", tt.p, err, tt.ok)
			}
			if _, err := NewHasher(tt.p, 1); (err == nil) != tt.ok {
				t.Fatalf("NewHasher(%+v) error = %v, want ok=%v", tt.p, err, tt.ok)
			}
		})
	}
}
