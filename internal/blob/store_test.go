package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/ledgersync/ledgersync/internal/blob"
)

// testStore runs the conformance suite every backend must pass unchanged.
// newStore returns a fresh, empty store for one test.
func testStore(t *testing.T, newStore func(t *testing.T) blob.Store) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, s blob.Store)
	}{
		{"PutThenGet", testPutThenGet},
		{"OverwriteReplacesContentAndHash", testOverwrite},
		{"StatDescribesObject", testStat},
		{"MissingKeyIsNotFound", testMissingKey},
		{"Delete", testDelete},
		{"KeyBecomesObjectAfterItsFolderEmpties", testFolderThenObject},
		{"ListByPrefix", testList},
		{"InvalidKeysRefused", testInvalidKeys},
		{"InvalidPrefixesRefused", testInvalidPrefixes},
		{"FailedReadKeepsPreviousObject", testFailedRead},
		{"CancelledContext", testCancelledContext},
		{"CancelDuringPutKeepsPreviousObject", testCancelDuringPut},
		{"ConcurrentPutsStayConsistent", testConcurrentPuts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newStore(t))
		})
	}
}

func testPutThenGet(t *testing.T, s blob.Store) {
	tests := []struct {
		name string
		key  string
		data []byte
	}{
		{"empty", "empty.txt", nil},
		{"text", "clients/7/note.txt", []byte("opening balance 1,024.00\n")},
		{"binary", "clients/7/check-0001.png", payload(64<<10, 1)},
		{"5MiB", "clients/7/statements/2026-01.pdf", payload(5<<20, 2)},
		{"unicode key", "clients/Müller & Söhne/Kontoauszug 01.pdf", payload(100, 3)},
		{"dotted names", "a/..b/c../.hidden", payload(10, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			put, err := s.Put(ctx, tt.key, bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			checkObject(t, "Put", put, tt.key, tt.data)
			if put.ModTime.IsZero() {
				t.Error("Put returned a zero ModTime")
			}
			got, obj := get(t, s, tt.key)
			if !bytes.Equal(got, tt.data) {
				t.Errorf("Get returned %d bytes (sha256 %s), want the %d put (sha256 %s)", len(got), sum(got), len(tt.data), sum(tt.data))
			}
			checkObject(t, "Get", obj, tt.key, tt.data)
			if !obj.ModTime.Equal(put.ModTime) {
				t.Errorf("Get ModTime = %v, Put said %v", obj.ModTime, put.ModTime)
			}
		})
	}
}

func testOverwrite(t *testing.T, s blob.Store) {
	ctx := t.Context()
	v1, v2 := payload(10_000, 1), []byte("shorter second version")
	mustPut(t, s, "doc.pdf", v1)
	put := mustPut(t, s, "doc.pdf", v2)
	checkObject(t, "second Put", put, "doc.pdf", v2)

	got, obj := get(t, s, "doc.pdf")
	if !bytes.Equal(got, v2) {
		t.Errorf("Get after overwrite = %q, want %q", got, v2)
	}
	checkObject(t, "Get", obj, "doc.pdf", v2)
	st, err := s.Stat(ctx, "doc.pdf")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkObject(t, "Stat", st, "doc.pdf", v2)
	list, err := s.List(ctx, "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != 1 {
		t.Fatalf("List after overwrite = %v, want one object", keys(list))
	}
	checkObject(t, "List", list[0], "doc.pdf", v2)
}

func testStat(t *testing.T, s blob.Store) {
	data := payload(3000, 7)
	put := mustPut(t, s, "a/b.pdf", data)
	st, err := s.Stat(t.Context(), "a/b.pdf")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if st != put {
		t.Errorf("Stat = %+v, Put returned %+v", st, put)
	}
}

func testMissingKey(t *testing.T, s blob.Store) {
	ctx := t.Context()
	mustPut(t, s, "folder/object", []byte("x"))
	for _, key := range []string{
		"never-put",
		"folder",               // a folder of other keys is not an object
		"folder/object/deeper", // an object is not a folder
	} {
		if _, _, err := s.Get(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Get(%q) error = %v, want ErrNotFound", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat(%q) error = %v, want ErrNotFound", key, err)
		}
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := t.Context()
	mustPut(t, s, "x/gone.pdf", []byte("bye"))
	mustPut(t, s, "x/kept.pdf", []byte("stay"))
	mustPut(t, s, "folder/object", []byte("inside"))

	if err := s.Delete(ctx, "x/gone.pdf"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, _, err := s.Get(ctx, "x/gone.pdf"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Get after Delete error = %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, "x/gone.pdf"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after Delete error = %v, want ErrNotFound", err)
	}
	for _, key := range []string{"x/gone.pdf", "never-existed", "folder"} {
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q) of a missing key = %v, want nil", key, err)
		}
	}
	list, err := s.List(ctx, "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if want := []string{"folder/object", "x/kept.pdf"}; !slices.Equal(keys(list), want) {
		t.Errorf("List after deletes = %q, want %q", keys(list), want)
	}
}

func testFolderThenObject(t *testing.T, s blob.Store) {
	ctx := t.Context()
	mustPut(t, s, "a/b/c", []byte("deep"))
	if err := s.Delete(ctx, "a/b/c"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustPut(t, s, "a", []byte("now an object"))
	if got, _ := get(t, s, "a"); string(got) != "now an object" {
		t.Errorf("Get(a) = %q", got)
	}
}

func testList(t *testing.T, s blob.Store) {
	stored := map[string][]byte{}
	for i, key := range []string{
		"clients/1/a.pdf",
		"clients/1/b.pdf",
		"clients/10/c.pdf",
		"clients/2/d.pdf",
		"clients/1-x/e.pdf",
		"clients.txt",
		"other/f.pdf",
	} {
		stored[key] = payload(100+i, uint64(i))
		mustPut(t, s, key, stored[key])
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		// Byte order: '-' < '.' < '/' < '0', which a directory walk does not give.
		{"", []string{"clients.txt", "clients/1-x/e.pdf", "clients/1/a.pdf", "clients/1/b.pdf", "clients/10/c.pdf", "clients/2/d.pdf", "other/f.pdf"}},
		{"clients/1/", []string{"clients/1/a.pdf", "clients/1/b.pdf"}},
		{"clients/1", []string{"clients/1-x/e.pdf", "clients/1/a.pdf", "clients/1/b.pdf", "clients/10/c.pdf"}},
		{"clients/1/a", []string{"clients/1/a.pdf"}},
		{"clients", []string{"clients.txt", "clients/1-x/e.pdf", "clients/1/a.pdf", "clients/1/b.pdf", "clients/10/c.pdf", "clients/2/d.pdf"}},
		{"other", []string{"other/f.pdf"}},
		{"clients/3/", nil},
		{"nothing/here/", nil},
		{"clients.txt/", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix=%q", tt.prefix), func(t *testing.T) {
			t.Parallel()
			list, err := s.List(t.Context(), tt.prefix)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if !slices.Equal(keys(list), tt.want) {
				t.Fatalf("List(%q) = %q, want %q", tt.prefix, keys(list), tt.want)
			}
			for _, obj := range list {
				checkObject(t, "List", obj, obj.Key, stored[obj.Key])
				if obj.ModTime.IsZero() {
					t.Errorf("List: %q has a zero ModTime", obj.Key)
				}
			}
		})
	}
}

func testInvalidKeys(t *testing.T, s blob.Store) {
	ctx := t.Context()
	for _, key := range []string{
		"",
		"/abs",
		"../x",
		"a/../b",
		"..",
		".",
		"a//b",
		"a/./b",
		"a/",
		`a\b`,
		"a\x00b",
		"a\nb",
		"a\x7fb",
		"bad\xffutf8",
		strings.Repeat("k", blob.MaxKeyLen+1),
		"x/.blob-tmp-123",
		".blob-sha256.a",
	} {
		check := func(op string, err error) {
			t.Helper()
			if !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("%s(%q) error = %v, want ErrInvalidKey", op, key, err)
				return
			}
			if quoted := fmt.Sprintf("%q", key); !strings.Contains(err.Error(), quoted) {
				t.Errorf("%s(%q) error %q does not name the key", op, key, err)
			}
		}
		_, err := s.Put(ctx, key, strings.NewReader("data"))
		check("Put", err)
		_, _, err = s.Get(ctx, key)
		check("Get", err)
		_, err = s.Stat(ctx, key)
		check("Stat", err)
		check("Delete", s.Delete(ctx, key))
	}
	if list, err := s.List(ctx, ""); err != nil || len(list) != 0 {
		t.Errorf("List after refused Puts = %q, %v; want nothing stored", keys(list), err)
	}
}

func testInvalidPrefixes(t *testing.T, s blob.Store) {
	for _, prefix := range []string{"/abs", "../", "a/../", "a//", `a\b`, "./x", "a\x00"} {
		if _, err := s.List(t.Context(), prefix); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("List(%q) error = %v, want ErrInvalidKey", prefix, err)
		}
	}
}

var errBrokenUpload = errors.New("connection reset halfway through the upload")

func testFailedRead(t *testing.T, s blob.Store) {
	v1 := payload(4000, 1)
	mustPut(t, s, "doc.pdf", v1)
	v2 := payload(200_000, 2)
	broken := io.MultiReader(bytes.NewReader(v2[:100_000]), iotest.ErrReader(errBrokenUpload))
	if _, err := s.Put(t.Context(), "doc.pdf", broken); !errors.Is(err, errBrokenUpload) {
		t.Fatalf("Put with a failing reader error = %v, want it to wrap %v", err, errBrokenUpload)
	}
	got, obj := get(t, s, "doc.pdf")
	if !bytes.Equal(got, v1) {
		t.Errorf("after a failed Put, Get returned %d bytes, want the previous %d", len(got), len(v1))
	}
	checkObject(t, "Get", obj, "doc.pdf", v1)

	broken = io.MultiReader(bytes.NewReader(v2[:100_000]), iotest.ErrReader(errBrokenUpload))
	if _, err := s.Put(t.Context(), "new/doc.pdf", broken); !errors.Is(err, errBrokenUpload) {
		t.Fatalf("Put of a new key with a failing reader error = %v", err)
	}
	list, err := s.List(t.Context(), "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if want := []string{"doc.pdf"}; !slices.Equal(keys(list), want) {
		t.Errorf("List after failed Puts = %q, want %q", keys(list), want)
	}
}

func testCancelledContext(t *testing.T, s blob.Store) {
	mustPut(t, s, "kept.pdf", []byte("before"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	_, err := s.Put(ctx, "new.pdf", strings.NewReader("never stored"))
	checkCanceled(t, "Put", err)
	_, err = s.Put(ctx, "kept.pdf", strings.NewReader("never stored"))
	checkCanceled(t, "Put over existing", err)
	_, _, err = s.Get(ctx, "kept.pdf")
	checkCanceled(t, "Get", err)
	_, err = s.Stat(ctx, "kept.pdf")
	checkCanceled(t, "Stat", err)
	checkCanceled(t, "Delete", s.Delete(ctx, "kept.pdf"))
	_, err = s.List(ctx, "")
	checkCanceled(t, "List", err)

	if _, err := s.Stat(t.Context(), "new.pdf"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of a key put with a cancelled context = %v, want ErrNotFound", err)
	}
	if got, _ := get(t, s, "kept.pdf"); string(got) != "before" {
		t.Errorf("after cancelled calls, kept.pdf = %q, want %q", got, "before")
	}
}

func testCancelDuringPut(t *testing.T, s blob.Store) {
	v1 := []byte("version one")
	mustPut(t, s, "doc.pdf", v1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := &cancelAfterRead{r: bytes.NewReader(payload(1<<20, 9)), cancel: cancel}
	_, err := s.Put(ctx, "doc.pdf", r)
	checkCanceled(t, "Put cancelled mid-stream", err)
	if got, _ := get(t, s, "doc.pdf"); !bytes.Equal(got, v1) {
		t.Errorf("after a cancelled Put, Get returned %d bytes, want the previous %q", len(got), v1)
	}
}

func testConcurrentPuts(t *testing.T, s blob.Store) {
	// Same size on purpose: nothing but content tells the versions apart.
	versions := make([][]byte, 8)
	for i := range versions {
		versions[i] = payload(32<<10, uint64(100+i))
	}
	var wg sync.WaitGroup
	for _, v := range versions {
		wg.Go(func() {
			if _, err := s.Put(t.Context(), "race.pdf", bytes.NewReader(v)); err != nil {
				t.Errorf("concurrent Put: %v", err)
			}
		})
	}
	wg.Wait()

	got, obj := get(t, s, "race.pdf")
	if !slices.ContainsFunc(versions, func(v []byte) bool { return bytes.Equal(v, got) }) {
		t.Fatalf("Get returned content no Put wrote (%d bytes)", len(got))
	}
	checkObject(t, "Get", obj, "race.pdf", got)
	st, err := s.Stat(t.Context(), "race.pdf")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	checkObject(t, "Stat", st, "race.pdf", got)
}

// cancelAfterRead cancels its context after the first read, as a client
// disconnecting mid-upload would.
type cancelAfterRead struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (c *cancelAfterRead) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.cancel()
	return n, err
}

// payload returns n deterministic pseudo-random bytes.
func payload(n int, seed uint64) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}).Read(b)
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func mustPut(t *testing.T, s blob.Store, key string, data []byte) blob.Object {
	t.Helper()
	obj, err := s.Put(t.Context(), key, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return obj
}

func get(t *testing.T, s blob.Store, key string) ([]byte, blob.Object) {
	t.Helper()
	rc, obj, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return data, obj
}

// checkObject checks that obj describes data stored under key.
func checkObject(t *testing.T, op string, obj blob.Object, key string, data []byte) {
	t.Helper()
	if obj.Key != key || obj.Size != int64(len(data)) || obj.SHA256 != sum(data) {
		t.Errorf("%s = {Key:%q Size:%d SHA256:%s}, want {Key:%q Size:%d SHA256:%s}",
			op, obj.Key, obj.Size, obj.SHA256, key, len(data), sum(data))
	}
}

func checkCanceled(t *testing.T, op string, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s with a cancelled context: error = %v, want context.Canceled", op, err)
	}
}

func keys(objects []blob.Object) []string {
	var out []string
	for _, o := range objects {
		out = append(out, o.Key)
	}
	return out
}
