// Package secretbox owns the encryption of secrets at rest: bank credentials,
// shared challenge answers a connector must replay, connector state and TOTP
// secrets. It is envelope encryption built on Tink: a master key from the
// configuration (the key-encryption key, KEK) encrypts a Tink AEAD keyset of
// data-encryption keys (DEKs) kept in a file next to the data, never in the
// database and never in the clear; the DEKs seal the values the domain
// packages store.
//
// Every sealed value is bound to where it lives by associated data (RowAAD:
// "table:id:column"), so a ciphertext copied to another row or column does
// not open. The package also owns key rotation: Rotate adds a new primary
// DEK, Reencrypt moves every registered column onto it in committed batches,
// DropInactive removes the old DEKs once no registered value needs them, and
// Rewrap re-encrypts the keyset file under a new master key.
//
// Losing the master key (or the keyset file) makes every sealed value
// unrecoverable. That is by design: nothing here can decrypt without both.
package secretbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/aead/subtle"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/ledgersync/ledgersync/internal/clock"
)

// MasterKeySize is the length in bytes of the master key (AES-256).
const MasterKeySize = 32

// KeysetFileName is the keyset file's name inside the data directory.
const KeysetFileName = "keyset.json"

// DefaultBatchSize is how many rows Reencrypt handles per transaction.
const DefaultBatchSize = 500

var (
	// ErrNoMasterKey means no master key was configured, or it is not 32
	// bytes.
	ErrNoMasterKey = errors.New("secretbox: no usable master key: set LEDGERSYNC_MASTER_KEY or LEDGERSYNC_MASTER_KEY_FILE to the base64 of 32 random bytes (openssl rand -base64 32)")
	// ErrNoKeyset means the keyset file does not exist and Open was not asked
	// to create it.
	ErrNoKeyset = errors.New("secretbox: no keyset file")
	// ErrKeysetLocked means the keyset file could not be decrypted: the
	// master key is not the one it was written under, or the file was
	// altered.
	ErrKeysetLocked = errors.New("secretbox: cannot decrypt the keyset file: the master key is not the one it was written with, or the file was altered")
	// ErrKeysetChanged means another process rewrote the keyset file since
	// this Box read it; writing now would lose that process's keys.
	ErrKeysetChanged = errors.New("secretbox: the keyset file changed on disk since it was loaded (another rotation?): reopen and retry")
	// ErrDecrypt means a ciphertext did not open: it was sealed under a key
	// this keyset does not hold, with other associated data (another row or
	// column), or it was altered.
	ErrDecrypt = errors.New("secretbox: cannot decrypt: unknown key, wrong associated data (row or column), or altered ciphertext")
	// ErrKeyInUse means DropInactive found registered values still sealed
	// under a key other than the primary.
	ErrKeyInUse = errors.New("secretbox: inactive keys still seal stored values")
)

// DefaultKeysetPath is where the keyset lives for a data directory.
func DefaultKeysetPath(dataDir string) string { return filepath.Join(dataDir, KeysetFileName) }

// DecodeMasterKey parses a master key as written in LEDGERSYNC_MASTER_KEY or
// the file LEDGERSYNC_MASTER_KEY_FILE names: standard or URL-safe base64,
// padded or not, surrounding whitespace ignored, 32 bytes once decoded. The
// error never repeats the input.
func DecodeMasterKey(text []byte) ([]byte, error) {
	s := strings.TrimSpace(string(text))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != MasterKeySize {
				return nil, fmt.Errorf("secretbox: master key decodes to %d bytes, want %d (make one with: openssl rand -base64 32)", len(key), MasterKeySize)
			}
			return key, nil
		}
	}
	return nil, errors.New("secretbox: master key is not base64 (make one with: openssl rand -base64 32)")
}

// RowAAD is the associated data that binds a sealed value to its place:
// "table:id:column", e.g. "connection:42:credentials". Domain packages seal
// and open with it, and register the same function in their Column.
func RowAAD(table string, id int64, column string) []byte {
	return []byte(table + ":" + strconv.FormatInt(id, 10) + ":" + column)
}

// Option adjusts a Box.
type Option func(*Box)

// WithClock sets the clock that dates new keys (default clock.Real).
func WithClock(c clock.Clock) Option { return func(b *Box) { b.clock = c } }

// WithBatchSize sets how many rows Reencrypt handles per transaction
// (default DefaultBatchSize).
func WithBatchSize(n int) Option {
	return func(b *Box) {
		if n > 0 {
			b.batchSize = n
		}
	}
}

// Box seals and opens secrets with the data keyset. It is safe for
// concurrent use.
type Box struct {
	path      string
	clock     clock.Clock
	batchSize int

	mu       sync.RWMutex
	kek      tink.AEAD
	handle   *keyset.Handle
	aead     tink.AEAD
	created  map[uint32]time.Time // key id → when it was added
	fileSum  [sha256.Size]byte    // of the keyset file as last read or written
	fileInfo os.FileInfo          // its stat then; nil when unknown
}

// KeyInfo describes one data key, without its material.
type KeyInfo struct {
	ID      uint32
	Primary bool      // new values are sealed with it
	Status  string    // "enabled", "disabled" or "destroyed"
	Created time.Time // zero when unknown
}

// Open loads the data keyset from keysetPath, decrypting it with masterKey.
// When the file is missing and create is true it makes a keyset with one
// fresh AES-256-GCM key and writes it there (mode 0600, directory 0700); when
// create is false a missing file is ErrNoKeyset. A master key that does not
// decrypt the file is ErrKeysetLocked.
func Open(masterKey []byte, keysetPath string, create bool, opts ...Option) (*Box, error) {
	kek, err := newKEK(masterKey)
	if err != nil {
		return nil, err
	}
	b := &Box{path: keysetPath, clock: clock.Real{}, batchSize: DefaultBatchSize, kek: kek}
	for _, o := range opts {
		o(b)
	}
	fi, _ := os.Stat(keysetPath) // before reading: a later change is then seen as one
	data, err := os.ReadFile(keysetPath)
	switch {
	case err == nil:
		if err := b.load(data); err != nil {
			return nil, err
		}
		b.fileInfo = fi
		return b, nil
	case errors.Is(err, os.ErrNotExist) && create:
		if err := b.create(); err != nil {
			return nil, err
		}
		return b, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("%w at %s: it is created on the first start of the server, or by `ledgersync keys init`; if secrets were already stored, restore the keyset file from backup instead", ErrNoKeyset, keysetPath)
	default:
		return nil, fmt.Errorf("secretbox: read keyset: %w", err)
	}
}

// newKEK builds the key-encryption AEAD from the raw master key. Tink's
// subtle AES-GCM is used rather than the stdlib because it already is the
// tink.AEAD that keyset encryption takes (random 96-bit nonce, 128-bit tag)
// and it checks the key length; an stdlib cipher.AEAD would need an adapter
// doing the same nonce handling by hand.
func newKEK(masterKey []byte) (tink.AEAD, error) {
	if len(masterKey) != MasterKeySize {
		return nil, ErrNoMasterKey
	}
	kek, err := subtle.NewAESGCM(masterKey)
	if err != nil {
		return nil, fmt.Errorf("secretbox: master key: %w", err)
	}
	return kek, nil
}

// create makes a fresh keyset and publishes it without overwriting a file
// another process created meanwhile (that one is loaded instead).
func (b *Box) create() error {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return fmt.Errorf("secretbox: generate keyset: %w", err)
	}
	p, err := h.Primary()
	if err != nil {
		return fmt.Errorf("secretbox: generate keyset: %w", err)
	}
	created := map[uint32]time.Time{p.KeyID(): b.clock.Now().UTC()}
	data, err := encodeKeysetFile(h, created, b.kek)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(b.path), 0o700); err != nil {
		return fmt.Errorf("secretbox: create keyset directory: %w", err)
	}
	switch err := publishNew(b.path, data); {
	case errors.Is(err, os.ErrExist): // another process created it first
		fi, _ := os.Stat(b.path)
		existing, rerr := os.ReadFile(b.path)
		if rerr != nil {
			return fmt.Errorf("secretbox: read keyset: %w", rerr)
		}
		b.fileInfo = fi
		return b.load(existing)
	case err != nil:
		return err
	}
	b.fileInfo, _ = os.Stat(b.path)
	return b.install(h, created, data)
}

// load decrypts a keyset file's contents and makes them current.
func (b *Box) load(data []byte) error {
	h, created, err := decodeKeysetFile(data, b.kek)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, b.path)
	}
	return b.install(h, created, data)
}

// install makes h the current keyset. The caller holds b.mu for writing, or
// b is not yet shared.
func (b *Box) install(h *keyset.Handle, created map[uint32]time.Time, file []byte) error {
	a, err := aead.New(h)
	if err != nil {
		return fmt.Errorf("secretbox: keyset primitive: %w", err)
	}
	b.handle, b.aead, b.created, b.fileSum = h, a, created, sha256.Sum256(file)
	return nil
}

// Seal encrypts plaintext with the primary key, bound to associatedData
// (use RowAAD). The result starts with the key's 5-byte Tink prefix. When
// another process replaced the keyset file (`ledgersync keys rotate`), Seal
// first loads it, so new values use the new primary and never a key that
// was dropped; if the new file cannot be read Seal fails rather than seal
// under a key that may be gone.
func (b *Box) Seal(plaintext, associatedData []byte) ([]byte, error) {
	a, err := b.current()
	if err != nil {
		return nil, fmt.Errorf("secretbox: seal: %w", err)
	}
	ct, err := a.Encrypt(plaintext, associatedData)
	if err != nil {
		return nil, fmt.Errorf("secretbox: seal: %w", err)
	}
	return ct, nil
}

// Open decrypts a ciphertext sealed by Seal with the same associated data,
// under any key of the keyset (reloaded first if another process replaced
// the file). Failure is ErrDecrypt; the error never holds plaintext.
func (b *Box) Open(ciphertext, associatedData []byte) ([]byte, error) {
	a, _ := b.current() // on a reload failure the keys in memory still open what they sealed
	pt, err := a.Decrypt(ciphertext, associatedData)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// current returns the AEAD of the keyset on disk: when the file was
// replaced since this Box read or wrote it (every write renames a new file
// into place), it is read again. It always returns a usable AEAD (the one in
// memory when reloading fails) and says why reloading failed.
func (b *Box) current() (tink.AEAD, error) {
	b.mu.RLock()
	a, seen := b.aead, b.fileInfo
	b.mu.RUnlock()
	fi, err := os.Stat(b.path)
	if err != nil || seen != nil && sameFileVersion(fi, seen) {
		return a, nil // a missing file is the operator's to restore; keep serving
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fileInfo != nil && sameFileVersion(fi, b.fileInfo) {
		return b.aead, nil // another goroutine reloaded meanwhile
	}
	data, err := os.ReadFile(b.path)
	if err != nil {
		return b.aead, fmt.Errorf("secretbox: read keyset: %w", err)
	}
	if sha256.Sum256(data) != b.fileSum {
		if err := b.load(data); err != nil {
			return b.aead, fmt.Errorf("the keyset file was replaced and cannot be loaded (restart with the current master key): %w", err)
		}
	}
	b.fileInfo = fi
	return b.aead, nil
}

func sameFileVersion(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// KeyID returns the id of the key that sealed ciphertext, read from its
// 5-byte Tink prefix (0x01 then the id, big-endian); ok is false when the
// ciphertext has no such prefix.
func KeyID(ciphertext []byte) (id uint32, ok bool) {
	const tinkStartByte = 0x01
	if len(ciphertext) < 5 || ciphertext[0] != tinkStartByte {
		return 0, false
	}
	return binary.BigEndian.Uint32(ciphertext[1:5]), true
}

// PrimaryKeyID is the id of the key new values are sealed with.
func (b *Box) PrimaryKeyID() uint32 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	p, err := b.handle.Primary()
	if err != nil { // a loaded keyset always has a primary
		return 0
	}
	return p.KeyID()
}

// Keys lists the data keys in keyset order, without their material.
func (b *Box) Keys() []KeyInfo {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var keys []KeyInfo
	for i := range b.handle.Len() {
		e, err := b.handle.Entry(i)
		if err != nil {
			continue
		}
		keys = append(keys, KeyInfo{
			ID:      e.KeyID(),
			Primary: e.IsPrimary(),
			Status:  strings.ToLower(e.KeyStatus().String()),
			Created: b.created[e.KeyID()],
		})
	}
	return keys
}

// Path is the keyset file this Box reads and writes.
func (b *Box) Path() string { return b.path }
