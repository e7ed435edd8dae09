package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/crypto/argon2"
)

// MaxBytes is the longest input, in bytes of UTF-8, that Hash and Verify
// accept. Longer inputs are refused before any work is done, so a request
// carrying megabytes of "password" costs nothing. Rules.Check reports a
// password over this limit as too_long whatever Rules.MaxLength says.
const MaxBytes = 256

// ErrTooLong is returned by Hash and Verify for a password longer than
// MaxBytes bytes. Treat it at login exactly like a wrong password.
var ErrTooLong = errors.New("password: longer than 256 bytes")

// Hasher hashes and verifies passwords with argon2id. Each hash holds
// Params.Memory KiB while it runs, so the number running at once is capped: a
// flood of logins queues for a slot instead of exhausting memory. A Hasher is
// safe for concurrent use.
type Hasher struct {
	params Params
	slots  chan struct{} // semaphore: one token per hash in progress

	// Test hooks; nil in production.
	kdf     func(password, salt []byte, p Params) []byte // replaces argon2.IDKey
	onQueue func()                                       // called when a caller must wait for a slot
}

// NewHasher returns a Hasher that makes new hashes with p and runs at most
// maxConcurrent hashes or verifications at once (runtime.NumCPU() when
// maxConcurrent <= 0). With the default parameters each slot holds 19 MiB.
func NewHasher(p Params, maxConcurrent int) (*Hasher, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if maxConcurrent <= 0 {
		maxConcurrent = runtime.NumCPU()
	}
	return &Hasher{params: p, slots: make(chan struct{}, maxConcurrent)}, nil
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the PHC string for password, with a fresh random salt:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<base64 salt>$<base64 hash>
//
// It waits for a free slot, giving up with ctx's error if ctx ends first.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	pw, err := prepare(password)
	if err != nil {
		return "", err
	}
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: reading random salt: %w", err)
	}
	key, err := h.derive(ctx, pw, salt, h.params)
	if err != nil {
		return "", err
	}
	return encodePHC(h.params, salt, key), nil
}

// Verify reports whether password matches encoded, a PHC string made by Hash
// (with any parameters, old or new). needsRehash is true when the password
// matched but encoded was made with weaker parameters than this Hasher's (less
// memory, fewer passes or threads, a shorter salt or key): the caller should
// then store a fresh Hash of the same password. Stored parameters above sane
// bounds (more than 1 GiB, more than 64 passes) count as malformed.
//
// A malformed encoded string gives an error wrapping ErrMalformedHash; a
// password over MaxBytes gives ErrTooLong. Neither error contains the
// password or the stored string.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (ok, needsRehash bool, err error) {
	pw, err := prepare(password)
	if err != nil {
		return false, false, err
	}
	p, salt, want, err := decodePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got, err := h.derive(ctx, pw, salt, p)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p.weakerThan(h.params), nil
}

// prepare refuses oversized input before any work, then normalises it. The
// limit is checked again after normalisation because NFKC can lengthen a few
// characters (a ligature becomes two letters).
func prepare(password string) ([]byte, error) {
	if len(password) > MaxBytes {
		return nil, ErrTooLong
	}
	pw := normalize(password)
	if len(pw) > MaxBytes {
		return nil, ErrTooLong
	}
	return []byte(pw), nil
}

// derive runs the KDF in a slot.
func (h *Hasher) derive(ctx context.Context, pw, salt []byte, p Params) ([]byte, error) {
	if err := h.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-h.slots }()
	if h.kdf != nil {
		return h.kdf(pw, salt, p), nil
	}
	return argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("password: waiting for a hashing slot: %w", err)
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	if h.onQueue != nil {
		h.onQueue()
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("password: waiting for a hashing slot: %w", ctx.Err())
	}
}
