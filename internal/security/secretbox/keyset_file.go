package secretbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// fileFormat names the layout of the keyset file; it is also the start of
// the associated data the keyset is encrypted with.
const fileFormat = "ledgersync-keyset-1"

// keysetFile is the JSON on disk. Only EncryptedKeyset holds key material,
// encrypted under the master key; Keys is readable metadata (ids and
// creation times), authenticated because it is part of the associated data
// the keyset is encrypted with, so editing it makes the file fail to open.
type keysetFile struct {
	Format          string    `json:"format"`
	Note            string    `json:"note"`
	Keys            []fileKey `json:"keys"`
	EncryptedKeyset string    `json:"encrypted_keyset"` // base64 of Tink's binary EncryptedKeyset
}

type fileKey struct {
	ID      uint32    `json:"id"`
	Created time.Time `json:"created"`
}

const fileNote = "LedgerSync data keys, encrypted under the master key. Back this file up; " +
	"without it and the master key the stored secrets cannot be decrypted. Do not edit."

// keysetAAD binds the encrypted keyset to the format and the metadata
// listed beside it. Times are rendered in UTC so that any equivalent
// spelling of the same instant yields the same bytes.
func keysetAAD(keys []fileKey) []byte {
	var sb strings.Builder
	sb.WriteString(fileFormat)
	for _, k := range keys {
		sb.WriteString("\n")
		sb.WriteString(strconv.FormatUint(uint64(k.ID), 10))
		sb.WriteString(" ")
		sb.WriteString(k.Created.UTC().Format(time.RFC3339Nano))
	}
	return []byte(sb.String())
}

// encodeKeysetFile renders h encrypted under kek, with the creation times.
func encodeKeysetFile(h *keyset.Handle, created map[uint32]time.Time, kek tink.AEAD) ([]byte, error) {
	f := keysetFile{Format: fileFormat, Note: fileNote}
	for i := range h.Len() {
		e, err := h.Entry(i)
		if err != nil {
			return nil, fmt.Errorf("secretbox: encode keyset: %w", err)
		}
		f.Keys = append(f.Keys, fileKey{ID: e.KeyID(), Created: created[e.KeyID()].UTC()})
	}
	var enc bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&enc), kek, keysetAAD(f.Keys)); err != nil {
		return nil, fmt.Errorf("secretbox: encrypt keyset: %w", err)
	}
	f.EncryptedKeyset = base64.StdEncoding.EncodeToString(enc.Bytes())
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("secretbox: encode keyset: %w", err)
	}
	return append(data, '\n'), nil
}

// decodeKeysetFile parses and decrypts a keyset file's contents.
func decodeKeysetFile(data []byte, kek tink.AEAD) (*keyset.Handle, map[uint32]time.Time, error) {
	var f keysetFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, nil, fmt.Errorf("secretbox: keyset file is not valid JSON: %w", err)
	}
	if f.Format != fileFormat {
		return nil, nil, fmt.Errorf("secretbox: keyset file format %q is not %q", f.Format, fileFormat)
	}
	enc, err := base64.StdEncoding.DecodeString(f.EncryptedKeyset)
	if err != nil || len(enc) == 0 {
		return nil, nil, errors.New("secretbox: keyset file has no valid encrypted_keyset")
	}
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(enc)), kek, keysetAAD(f.Keys))
	if err != nil {
		// Tink's message adds nothing an operator can act on; the cause is
		// the master key or an edited file.
		return nil, nil, ErrKeysetLocked
	}
	created := make(map[uint32]time.Time, len(f.Keys))
	for _, k := range f.Keys {
		created[k.ID] = k.Created.UTC()
	}
	var ids []uint32
	for i := range h.Len() {
		e, err := h.Entry(i)
		if err != nil {
			return nil, nil, fmt.Errorf("secretbox: keyset: %w", err)
		}
		ids = append(ids, e.KeyID())
	}
	slices.Sort(ids)
	if listed := slices.Sorted(maps.Keys(created)); !slices.Equal(ids, listed) || len(f.Keys) != len(ids) {
		return nil, nil, errors.New("secretbox: keyset file lists other keys than it holds")
	}
	return h, created, nil
}

// publishNew writes a file that must not exist yet: the data goes to a
// synced temporary file that is then hard-linked into place, which fails
// with os.ErrExist when another process got there first. On a file system
// without hard links it falls back to an exclusive create.
func publishNew(path string, data []byte) error {
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("secretbox: create keyset file: %w", err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return fmt.Errorf("secretbox: write keyset file: %w", err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("secretbox: sync keyset file: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("secretbox: write keyset file: %w", err)
		}
	}
	return syncDir(filepath.Dir(path))
}

// replaceFile atomically replaces the keyset file with data (temporary file,
// fsync, rename, fsync of the directory) provided it still holds what this
// process last read or wrote (sum); otherwise it is ErrKeysetChanged.
func replaceFile(path string, data []byte, sum [sha256.Size]byte) error {
	current, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("secretbox: read keyset before replacing it: %w", err)
	}
	if sha256.Sum256(current) != sum {
		return ErrKeysetChanged
	}
	tmp, err := writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("secretbox: replace keyset file: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes data to a new 0600 file beside path and syncs it.
func writeTemp(path string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("secretbox: write keyset file: %w", err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", fmt.Errorf("secretbox: write keyset file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("secretbox: write keyset file: %w", err)
	}
	return name, nil
}

// syncDir makes a rename or link in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("secretbox: sync keyset directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("secretbox: sync keyset directory: %w", err)
	}
	return nil
}
