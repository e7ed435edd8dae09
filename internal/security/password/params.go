package password

import (
	"errors"
	"fmt"
)

// The OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2,
// p=1. Validate refuses production parameters below it. OWASP also lists
// equivalent trade-offs (46 MiB with t=1, 12 MiB with t=3, ...); they are
// deliberately not accepted, so that the floor is one line an auditor can read.
const (
	floorMemory  = 19 * 1024 // KiB
	floorTime    = 2
	floorThreads = 1
	floorSaltLen = 16 // bytes; RFC 9106 recommends 128-bit salts
	floorKeyLen  = 32 // bytes
)

// Upper bounds, for configured parameters and for parameters read back from a
// stored hash alike: a corrupted or planted hash must not make one
// verification allocate gigabytes or spin for minutes.
const (
	maxMemory  = 1 << 20 // KiB, 1 GiB
	maxTime    = 64
	maxSaltLen = 64
	maxKeyLen  = 64
)

// Params are argon2id cost parameters. They are written into every hash, so
// raising them later does not break existing hashes: Verify reports those as
// needing a rehash instead.
type Params struct {
	Memory  uint32 // memory cost in KiB
	Time    uint32 // number of passes over the memory
	Threads uint8  // degree of parallelism
	SaltLen uint32 // bytes of random salt per hash
	KeyLen  uint32 // bytes of derived key stored

	// testOnly marks parameters made by TestParams. Only this package can set
	// it, so cheap parameters cannot reach production by editing a config file.
	testOnly bool
}

// DefaultParams returns the production parameters: the OWASP minimum for
// argon2id (19 MiB, 2 passes, 1 thread) with a 16-byte salt and a 32-byte key.
// One hash holds 19 MiB and costs a few tens of milliseconds of one core
// (BenchmarkHashDefault measures it); size login capacity from that number.
// Institutions that can spare the memory may raise Memory or Time; Validate
// never accepts less.
func DefaultParams() Params {
	return Params{Memory: floorMemory, Time: floorTime, Threads: floorThreads, SaltLen: floorSaltLen, KeyLen: floorKeyLen}
}

// TestParams returns tiny parameters (64 KiB, 1 pass) that make a hash take
// microseconds. They are FOR TESTS ONLY: they give no protection to a stolen
// hash. Validate accepts them, and copies of them with other fields changed,
// only because they carry a mark that nothing outside this package can set;
// production wiring must use DefaultParams or something stronger.
func TestParams() Params {
	return Params{Memory: 64, Time: 1, Threads: 1, SaltLen: floorSaltLen, KeyLen: floorKeyLen, testOnly: true}
}

// Validate reports whether p may be used to create hashes: at or above the
// OWASP floor (m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte key) and within
// sane upper bounds. Parameters from TestParams skip the floor but not the
// sanity checks.
func (p Params) Validate() error {
	if err := p.sane(); err != nil {
		return err
	}
	if p.testOnly {
		return nil
	}
	var errs []error
	if p.Memory < floorMemory {
		errs = append(errs, fmt.Errorf("memory %d KiB is below the minimum of %d KiB", p.Memory, floorMemory))
	}
	if p.Time < floorTime {
		errs = append(errs, fmt.Errorf("time %d is below the minimum of %d passes", p.Time, floorTime))
	}
	if p.SaltLen < floorSaltLen {
		errs = append(errs, fmt.Errorf("salt length %d is below the minimum of %d bytes", p.SaltLen, floorSaltLen))
	}
	if p.KeyLen < floorKeyLen {
		errs = append(errs, fmt.Errorf("key length %d is below the minimum of %d bytes", p.KeyLen, floorKeyLen))
	}
	if len(errs) > 0 {
		return fmt.Errorf("password hashing parameters: %w", errors.Join(errs...))
	}
	return nil
}

// sane holds the checks every parameter set must pass, including those read
// from a stored hash: what argon2 itself needs, and the upper bounds.
func (p Params) sane() error {
	switch {
	case p.Threads < 1:
		return errors.New("password hashing parameters: threads must be at least 1")
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("password hashing parameters: time must be between 1 and %d passes", maxTime)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("password hashing parameters: memory must be between 8×threads and %d KiB", maxMemory)
	case p.SaltLen < 8 || p.SaltLen > maxSaltLen:
		return fmt.Errorf("password hashing parameters: salt length must be between 8 and %d bytes", maxSaltLen)
	case p.KeyLen < 16 || p.KeyLen > maxKeyLen:
		return fmt.Errorf("password hashing parameters: key length must be between 16 and %d bytes", maxKeyLen)
	}
	return nil
}

// weakerThan reports whether a hash made with p should be replaced by one made
// with cur: any cost parameter, the salt or the key is smaller.
func (p Params) weakerThan(cur Params) bool {
	return p.Memory < cur.Memory || p.Time < cur.Time || p.Threads < cur.Threads ||
		p.SaltLen < cur.SaltLen || p.KeyLen < cur.KeyLen
}
