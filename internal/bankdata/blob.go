package bankdata

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/ledgersync/ledgersync/internal/blob"
)

// The kinds of file StoreBlob keeps, each a folder of the blob store.
const (
	KindStatement  = "statements"
	KindCheckImage = "checks"
)

// StoreBlob stores data in blobs under a key made of its kind and its
// SHA-256 ("statements/ab/ab12…"), and returns the key and the hex hash.
// Because the key is the content, a refresh that crashed after writing its
// files and is run again finds them and writes nothing: StoreBlob writes only
// when no object with that content is there (one with other content under
// the key, a damaged file, is replaced).
func StoreBlob(ctx context.Context, blobs blob.Store, kind string, data []byte) (key, sha256hex string, err error) {
	sum := sha256.Sum256(data)
	sha256hex = hex.EncodeToString(sum[:])
	key = kind + "/" + sha256hex[:2] + "/" + sha256hex
	if err := blob.ValidateKey(key); err != nil {
		return "", "", fmt.Errorf("bankdata: store a file of kind %q: %w", kind, err)
	}
	obj, err := blobs.Stat(ctx, key)
	switch {
	case err == nil && obj.SHA256 == sha256hex && obj.Size == int64(len(data)):
		return key, sha256hex, nil
	case err != nil && !errors.Is(err, blob.ErrNotFound):
		return "", "", fmt.Errorf("bankdata: look for file %s in storage: %w", key, err)
	}
	obj, err = blobs.Put(ctx, key, bytes.NewReader(data))
	if err != nil {
		return "", "", fmt.Errorf("bankdata: store file %s: %w", key, err)
	}
	if obj.SHA256 != sha256hex {
		return "", "", fmt.Errorf("bankdata: store file %s: storage recorded hash %s, not the file's", key, obj.SHA256)
	}
	return key, sha256hex, nil
}
