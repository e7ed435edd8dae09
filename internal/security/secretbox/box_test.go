package secretbox_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	aesgcmpb "github.com/tink-crypto/tink-go/v2/proto/aes_gcm_go_proto"
	"google.golang.org/protobuf/proto"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
)

var (
	t0         = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	masterKey  = bytes.Repeat([]byte{0x42}, 32)
	otherKey   = bytes.Repeat([]byte{0x17}, 32)
	credential = []byte("bank-password: correct horse battery staple")
)

// newBox opens a fresh keyset in a temporary directory.
func newBox(t *testing.T, opts ...secretbox.Option) (*secretbox.Box, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", secretbox.KeysetFileName)
	opts = append([]secretbox.Option{secretbox.WithClock(clock.NewFake(t0))}, opts...)
	b, err := secretbox.Open(masterKey, path, true, opts...)
	if err != nil {
		t.Fatalf("create keyset: %v", err)
	}
	return b, path
}

func mustSeal(t *testing.T, b *secretbox.Box, pt, aad []byte) []byte {
	t.Helper()
	ct, err := b.Seal(pt, aad)
	if err != nil {
		t.Fatalf("seal: %v", err)
	}
	return ct
}

func keyID(t *testing.T, ct []byte) uint32 {
	t.Helper()
	id, ok := secretbox.KeyID(ct)
	if !ok {
		t.Fatalf("ciphertext %x has no Tink key-id prefix", ct[:min(len(ct), 5)])
	}
	return id
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	b, _ := newBox(t)
	aad := secretbox.RowAAD("connection", 42, "credentials")
	for name, pt := range map[string][]byte{
		"empty":      {},
		"credential": credential,
		"binary":     bytes.Repeat([]byte{0, 255, 7}, 5000),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ct := mustSeal(t, b, pt, aad)
			if len(pt) > 0 && bytes.Contains(ct, pt) {
				t.Fatal("the ciphertext contains the plaintext")
			}
			if keyID(t, ct) != b.PrimaryKeyID() {
				t.Fatalf("sealed under key %d, want the primary %d", keyID(t, ct), b.PrimaryKeyID())
			}
			got, err := b.Open(ct, aad)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("Open = %q, %v; want the plaintext back", got, err)
			}
		})
	}
	if a, c := mustSeal(t, b, credential, aad), mustSeal(t, b, credential, aad); bytes.Equal(a, c) {
		t.Fatal("sealing the same value twice gave the same ciphertext: the nonce is not random")
	}
}

// A ciphertext is bound to its row and column: moved anywhere else it does
// not open, and the error does not carry the secret.
func TestWrongAssociatedDataFails(t *testing.T) {
	t.Parallel()
	b, _ := newBox(t)
	ct := mustSeal(t, b, credential, secretbox.RowAAD("connection", 42, "credentials"))
	for _, aad := range [][]byte{
		secretbox.RowAAD("connection", 43, "credentials"),
		secretbox.RowAAD("connection", 42, "state"),
		secretbox.RowAAD("institution", 42, "credentials"),
		nil,
	} {
		pt, err := b.Open(ct, aad)
		if !errors.Is(err, secretbox.ErrDecrypt) || pt != nil {
			t.Errorf("Open with AAD %q = %q, %v; want ErrDecrypt", aad, pt, err)
		}
		if err != nil && strings.Contains(err.Error(), "horse") {
			t.Errorf("the error %q contains the plaintext", err)
		}
	}
}

func TestTamperedCiphertextFails(t *testing.T) {
	t.Parallel()
	b, _ := newBox(t)
	aad := secretbox.RowAAD("connection", 1, "credentials")
	ct := mustSeal(t, b, credential, aad)
	flip := func(i int) []byte {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		return c
	}
	for name, bad := range map[string][]byte{
		"prefix byte":    flip(0),
		"key id":         flip(3),
		"nonce":          flip(8),
		"body":           flip(len(ct) / 2),
		"tag":            flip(len(ct) - 1),
		"truncated":      ct[:len(ct)-1],
		"prefix only":    ct[:5],
		"empty":          {},
		"appended bytes": append(bytes.Clone(ct), 0),
	} {
		if pt, err := b.Open(bad, aad); !errors.Is(err, secretbox.ErrDecrypt) || pt != nil {
			t.Errorf("%s: Open = %q, %v; want ErrDecrypt", name, pt, err)
		}
	}
}

func TestOpeningTheKeysetNeedsTheRightMasterKey(t *testing.T) {
	t.Parallel()
	b, path := newBox(t)
	ct := mustSeal(t, b, credential, nil)

	_, err := secretbox.Open(otherKey, path, false)
	if !errors.Is(err, secretbox.ErrKeysetLocked) || !strings.Contains(err.Error(), "master key") {
		t.Fatalf("Open with another master key = %v; want ErrKeysetLocked saying the master key is wrong", err)
	}
	// create=true must not paper over a wrong key with a fresh keyset.
	if _, err := secretbox.Open(otherKey, path, true); !errors.Is(err, secretbox.ErrKeysetLocked) {
		t.Fatalf("Open(create) with another master key = %v; want ErrKeysetLocked", err)
	}
	for _, key := range [][]byte{nil, masterKey[:16], append(bytes.Clone(masterKey), 1)} {
		if _, err := secretbox.Open(key, path, false); !errors.Is(err, secretbox.ErrNoMasterKey) {
			t.Errorf("Open with a %d-byte master key = %v; want ErrNoMasterKey", len(key), err)
		}
	}
	missing := filepath.Join(t.TempDir(), "keyset.json")
	if _, err := secretbox.Open(masterKey, missing, false); !errors.Is(err, secretbox.ErrNoKeyset) {
		t.Fatalf("Open of a missing keyset without create = %v; want ErrNoKeyset", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open without create wrote %s", missing)
	}

	again, err := secretbox.Open(masterKey, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := again.Open(ct, nil); err != nil || !bytes.Equal(pt, credential) {
		t.Fatalf("the reopened keyset does not open an earlier value: %v", err)
	}
}

// The file holds the data keys only encrypted: none of their raw bytes, in
// any common encoding, appears in it. Its readable metadata is
// authenticated: editing it makes the file fail to open.
func TestKeysetFileHoldsNoKeyMaterial(t *testing.T) {
	t.Parallel()
	b, path := newBox(t)
	if _, err := b.Rotate(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ks := b.KeysetMaterial()
	if len(ks.GetKey()) != 2 {
		t.Fatalf("keyset holds %d keys, want 2", len(ks.GetKey()))
	}
	for _, k := range ks.GetKey() {
		var aesKey aesgcmpb.AesGcmKey
		if err := proto.Unmarshal(k.GetKeyData().GetValue(), &aesKey); err != nil {
			t.Fatal(err)
		}
		raw := aesKey.GetKeyValue()
		if len(raw) != 32 {
			t.Fatalf("key %d has %d bytes, want 32 (AES-256)", k.GetKeyId(), len(raw))
		}
		for name, enc := range map[string]string{
			"raw":       string(raw),
			"serial":    string(k.GetKeyData().GetValue()),
			"base64":    base64.StdEncoding.EncodeToString(raw),
			"base64raw": base64.RawStdEncoding.EncodeToString(raw),
			"base64url": base64.RawURLEncoding.EncodeToString(raw),
			"hex":       hex.EncodeToString(raw),
		} {
			if bytes.Contains(file, []byte(enc)) {
				t.Errorf("the keyset file contains key %d in %s form", k.GetKeyId(), name)
			}
		}
	}
	if bytes.Contains(file, []byte(base64.StdEncoding.EncodeToString(masterKey))) {
		t.Error("the keyset file contains the master key")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("keyset file mode %v, want 0600", fi.Mode().Perm())
	}

	edited := bytes.Replace(file, []byte(`"created": "2026-11-23T10:00:00Z"`), []byte(`"created": "2020-01-01T00:00:00Z"`), 1)
	if bytes.Equal(edited, file) {
		t.Fatalf("test setup: no creation time to edit in\n%s", file)
	}
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := secretbox.Open(masterKey, path, false); !errors.Is(err, secretbox.ErrKeysetLocked) {
		t.Fatalf("Open of a keyset file with edited metadata = %v; want ErrKeysetLocked", err)
	}
}

func TestRotateKeepsOldCiphertextsOpen(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(t0)
	path := filepath.Join(t.TempDir(), secretbox.KeysetFileName)
	b, err := secretbox.Open(masterKey, path, true, secretbox.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	aad := secretbox.RowAAD("connection", 7, "credentials")
	oldID := b.PrimaryKeyID()
	old := mustSeal(t, b, credential, aad)

	rotatedAt := clk.Advance(90 * 24 * time.Hour)
	newID, err := b.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if newID == oldID || b.PrimaryKeyID() != newID {
		t.Fatalf("after Rotate the primary is %d (was %d, Rotate said %d)", b.PrimaryKeyID(), oldID, newID)
	}
	fresh := mustSeal(t, b, credential, aad)
	if keyID(t, old) != oldID || keyID(t, fresh) != newID {
		t.Fatalf("key-id prefixes %d then %d; want %d then %d", keyID(t, old), keyID(t, fresh), oldID, newID)
	}
	if bytes.Equal(old[:5], fresh[:5]) {
		t.Fatal("the 5-byte key prefix did not change with rotation")
	}

	// The file on disk holds the rotation: a new Box sees both keys.
	reopened, err := secretbox.Open(masterKey, path, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, box := range []*secretbox.Box{b, reopened} {
		for _, ct := range [][]byte{old, fresh} {
			if pt, err := box.Open(ct, aad); err != nil || !bytes.Equal(pt, credential) {
				t.Fatalf("after rotation, key %d ciphertext does not open: %v", keyID(t, ct), err)
			}
		}
	}
	want := []secretbox.KeyInfo{
		{ID: oldID, Primary: false, Status: "enabled", Created: t0},
		{ID: newID, Primary: true, Status: "enabled", Created: rotatedAt},
	}
	if got := reopened.Keys(); !sameKeys(got, want) {
		t.Fatalf("Keys() = %+v, want %+v", got, want)
	}
}

func sameKeys(a, b []secretbox.KeyInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Primary != b[i].Primary || a[i].Status != b[i].Status || !a[i].Created.Equal(b[i].Created) {
			return false
		}
	}
	return true
}

// A server's Box picks up a rotation another process wrote to the file:
// it opens values under the new key and seals new ones with it.
func TestBoxFollowsRotationByAnotherProcess(t *testing.T) {
	t.Parallel()
	server, path := newBox(t)
	cli, err := secretbox.Open(masterKey, path, false)
	if err != nil {
		t.Fatal(err)
	}
	newID, err := cli.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	byCLI := mustSeal(t, cli, credential, nil)
	if pt, err := server.Open(byCLI, nil); err != nil || !bytes.Equal(pt, credential) {
		t.Fatalf("the server's Box does not open a value under the key another process added: %v", err)
	}
	if got := keyID(t, mustSeal(t, server, credential, nil)); got != newID {
		t.Fatalf("the server's Box seals under key %d, want the new primary %d", got, newID)
	}
	// Its own rotation does not clobber the file: it rotates on top of it.
	if _, err := server.Rotate(); err != nil {
		t.Fatal(err)
	}
	if n := len(server.Keys()); n != 3 {
		t.Fatalf("after two rotations in two processes the keyset has %d keys, want 3", n)
	}
}

// Two processes starting at once on a missing keyset end with one keyset.
func TestConcurrentCreateYieldsOneKeyset(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), secretbox.KeysetFileName)
	boxes := make([]*secretbox.Box, 8)
	errs := make([]error, len(boxes))
	var wg sync.WaitGroup
	for i := range boxes {
		wg.Go(func() { boxes[i], errs[i] = secretbox.Open(masterKey, path, true) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		if boxes[i].PrimaryKeyID() != boxes[0].PrimaryKeyID() {
			t.Fatalf("concurrent creators got different keysets: key %d and %d", boxes[i].PrimaryKeyID(), boxes[0].PrimaryKeyID())
		}
	}
}

func TestRewrapUnderANewMasterKey(t *testing.T) {
	t.Parallel()
	b, path := newBox(t)
	before := mustSeal(t, b, credential, nil)
	if _, err := b.Rotate(); err != nil {
		t.Fatal(err)
	}
	keys := b.Keys()

	if err := b.Rewrap(masterKey[:31]); !errors.Is(err, secretbox.ErrNoMasterKey) {
		t.Fatalf("Rewrap with a short key = %v, want ErrNoMasterKey", err)
	}
	if err := b.Rewrap(otherKey); err != nil {
		t.Fatal(err)
	}
	if _, err := secretbox.Open(masterKey, path, false); !errors.Is(err, secretbox.ErrKeysetLocked) {
		t.Fatalf("after rewrap the old master key still opens the keyset: %v", err)
	}
	rewrapped, err := secretbox.Open(otherKey, path, false)
	if err != nil {
		t.Fatalf("the new master key does not open the rewrapped keyset: %v", err)
	}
	if got := rewrapped.Keys(); !sameKeys(got, keys) {
		t.Fatalf("rewrap changed the data keys: %+v, want %+v", got, keys)
	}
	for _, box := range []*secretbox.Box{b, rewrapped} {
		if pt, err := box.Open(before, nil); err != nil || !bytes.Equal(pt, credential) {
			t.Fatalf("a value sealed before the rewrap does not open: %v", err)
		}
	}
	// The Box that rewrapped keeps working with the file it wrote.
	if _, err := b.Rotate(); err != nil {
		t.Fatalf("rotate after rewrap: %v", err)
	}
	if _, err := secretbox.Open(otherKey, path, false); err != nil {
		t.Fatalf("the keyset rotated after rewrap does not open with the new master key: %v", err)
	}
}

func TestDecodeMasterKey(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 11)[:32]
	for _, tc := range []struct {
		name, text string
		ok         bool
	}{
		{"standard with newline", base64.StdEncoding.EncodeToString(key) + "\n", true},
		{"unpadded", base64.RawStdEncoding.EncodeToString(key), true},
		{"url-safe", base64.URLEncoding.EncodeToString(key), true},
		{"url-safe unpadded", "  " + base64.RawURLEncoding.EncodeToString(key) + " ", true},
		{"16 bytes", base64.StdEncoding.EncodeToString(key[:16]), false},
		{"not base64", "this is not a key!", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := secretbox.DecodeMasterKey([]byte(tc.text))
			if tc.ok != (err == nil) || tc.ok && !bytes.Equal(got, key) {
				t.Fatalf("DecodeMasterKey = %x, %v; want ok=%v", got, err, tc.ok)
			}
			if err != nil && tc.text != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.text)) {
				t.Fatalf("the error %q repeats the key text", err)
			}
		})
	}
}
