package bankdata_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/blob"
)

// countingStore counts the writes that reach the store.
type countingStore struct {
	blob.Store
	puts atomic.Int32
}

func (c *countingStore) Put(ctx context.Context, key string, r io.Reader) (blob.Object, error) {
	c.puts.Add(1)
	return c.Store.Put(ctx, key, r)
}

func newBlobs(t *testing.T) *countingStore {
	t.Helper()
	local, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &countingStore{Store: local}
}

func TestStoreBlobTwiceIsOneObject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := newBlobs(t)
	pdf := []byte("%PDF-1.7 statement for March")
	sum := sha256.Sum256(pdf)
	wantSHA := hex.EncodeToString(sum[:])
	wantKey := "statements/" + wantSHA[:2] + "/" + wantSHA

	for i := range 2 {
		key, sha, err := bankdata.StoreBlob(ctx, blobs, bankdata.KindStatement, pdf)
		if err != nil {
			t.Fatalf("StoreBlob #%d: %v", i+1, err)
		}
		if key != wantKey || sha != wantSHA {
			t.Errorf("StoreBlob #%d = %s, %s; want %s, %s", i+1, key, sha, wantKey, wantSHA)
		}
	}
	if n := blobs.puts.Load(); n != 1 {
		t.Errorf("the store was written %d times, want once", n)
	}
	objs, err := blobs.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].Key != wantKey || objs[0].SHA256 != wantSHA {
		t.Fatalf("the store holds %+v, want the one object %s", objs, wantKey)
	}
	rc, _, err := blobs.Get(ctx, wantKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); !bytes.Equal(got, pdf) {
		t.Errorf("the stored content is %q, want %q", got, pdf)
	}
}

func TestStoreBlobKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := newBlobs(t)
	tests := []struct {
		name string
		kind string
		data []byte
	}{
		{"a statement", bankdata.KindStatement, []byte("%PDF january")},
		{"another statement", bankdata.KindStatement, []byte("%PDF february")},
		{"a check with a statement's bytes", bankdata.KindCheckImage, []byte("%PDF january")},
		{"an empty file", bankdata.KindCheckImage, nil},
	}
	keys := map[string]bool{}
	for _, tt := range tests {
		key, sha, err := bankdata.StoreBlob(ctx, blobs, tt.kind, tt.data)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !strings.HasPrefix(key, tt.kind+"/"+sha[:2]+"/") || !strings.HasSuffix(key, sha) {
			t.Errorf("%s: key %s is not under %s/ by its hash %s", tt.name, key, tt.kind, sha)
		}
		if keys[key] {
			t.Errorf("%s: key %s given twice", tt.name, key)
		}
		keys[key] = true
	}
	if objs, err := blobs.List(ctx, ""); err != nil || len(objs) != len(tests) {
		t.Errorf("the store holds %d objects (%v), want %d", len(objs), err, len(tests))
	}
}

func TestStoreBlobReplacesDamagedObject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	blobs := newBlobs(t)
	pdf := []byte("%PDF the real statement")
	key, sha, err := bankdata.StoreBlob(ctx, blobs, bankdata.KindStatement, pdf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Put(ctx, key, strings.NewReader("truncated")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := bankdata.StoreBlob(ctx, blobs, bankdata.KindStatement, pdf); err != nil {
		t.Fatal(err)
	}
	obj, err := blobs.Stat(ctx, key)
	if err != nil || obj.SHA256 != sha {
		t.Errorf("after storing again the object is %+v, %v; want hash %s", obj, err, sha)
	}
}

func TestStoreBlobRefusesBadKind(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"", "../etc", ".blob-x"} {
		_, _, err := bankdata.StoreBlob(context.Background(), newBlobs(t), kind, []byte("x"))
		if !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("StoreBlob(kind %q): err = %v, want blob.ErrInvalidKey", kind, err)
		}
	}
}
