package blob_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ledgersync/ledgersync/internal/blob"
)

func TestLocal(t *testing.T) {
	t.Parallel()
	testStore(t, func(t *testing.T) blob.Store { return newLocal(t, t.TempDir()) })
}

func newLocal(t *testing.T, dir string) *blob.Local {
	t.Helper()
	s, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	return s
}

// TestLocalFailedPutLeavesNoTrace checks the disk itself after Puts that
// fail: the previous content and hash record stay, and no temp file or
// empty folder is left behind.
func TestLocalFailedPutLeavesNoTrace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := newLocal(t, dir)
	v1 := []byte("first statement")
	mustPut(t, s, "docs/a.pdf", v1)
	want := []string{"docs/", "docs/.blob-sha256.a.pdf", "docs/a.pdf"}
	if got := walk(t, dir); !slices.Equal(got, want) {
		t.Fatalf("after Put, directory holds %q, want %q", got, want)
	}

	tests := []struct {
		name string
		key  string
	}{
		{"overwrite", "docs/a.pdf"},
		{"new key in existing folder", "docs/b.pdf"},
		{"new key in new folders", "new/deeper/c.pdf"},
	}
	for _, tt := range tests {
		broken := io.MultiReader(bytes.NewReader(payload(300_000, 1)), iotest.ErrReader(errBrokenUpload))
		if _, err := s.Put(t.Context(), tt.key, broken); !errors.Is(err, errBrokenUpload) {
			t.Fatalf("%s: Put error = %v, want %v", tt.name, err, errBrokenUpload)
		}
		if got := walk(t, dir); !slices.Equal(got, want) {
			t.Errorf("%s: after a failed Put, directory holds %q, want %q", tt.name, got, want)
		}
	}
	got, obj := get(t, s, "docs/a.pdf")
	if !bytes.Equal(got, v1) {
		t.Errorf("content after failed Puts = %q, want %q", got, v1)
	}
	checkObject(t, "Get", obj, "docs/a.pdf", v1)
}

func TestLocalLayout(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "not", "yet", "there")
	s := newLocal(t, dir)
	checkMode(t, dir, fs.ModeDir|0o700)

	data := []byte("%PDF-1.7 statement")
	mustPut(t, s, "clients/7/2026-01.pdf", data)
	path := filepath.Join(dir, "clients", "7", "2026-01.pdf")
	onDisk, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(onDisk, data) {
		t.Fatalf("file at the key's path = %q, %v; want %q", onDisk, err, data)
	}
	checkMode(t, path, 0o600)
	checkMode(t, filepath.Join(dir, "clients", "7"), fs.ModeDir|0o700)
	record, err := os.ReadFile(filepath.Join(dir, "clients", "7", ".blob-sha256.2026-01.pdf"))
	if err != nil || !strings.Contains(string(record), sum(data)) {
		t.Errorf("hash record = %q, %v; want it to hold %s", record, err, sum(data))
	}

	if err := s.Delete(t.Context(), "clients/7/2026-01.pdf"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got := walk(t, dir); len(got) != 0 {
		t.Errorf("after deleting the only object, directory holds %q, want nothing", got)
	}
}

// TestLocalHashFollowsContent changes files behind the store's back, as a
// crash between the content and hash-record renames or a manual restore
// would, and checks the reported hash still matches the bytes.
func TestLocalHashFollowsContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, path string) []byte
	}{
		{"file replaced by rename", func(t *testing.T, path string) []byte {
			data := payload(1000, 2) // same size as the original
			tmp := path + ".restore"
			writeFile(t, tmp, data)
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
			return data
		}},
		{"file rewritten in place", func(t *testing.T, path string) []byte {
			data := []byte("edited by hand")
			writeFile(t, path, data)
			return data
		}},
		{"hash record missing", func(t *testing.T, path string) []byte {
			if err := os.Remove(filepath.Join(filepath.Dir(path), ".blob-sha256.doc.pdf")); err != nil {
				t.Fatal(err)
			}
			return payload(1000, 1)
		}},
		{"hash record garbled", func(t *testing.T, path string) []byte {
			writeFile(t, filepath.Join(filepath.Dir(path), ".blob-sha256.doc.pdf"), []byte("v1 not-a-hash 1 2 3\n"))
			return payload(1000, 1)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := newLocal(t, dir)
			mustPut(t, s, "doc.pdf", payload(1000, 1))
			data := tt.change(t, filepath.Join(dir, "doc.pdf"))

			st, err := s.Stat(t.Context(), "doc.pdf")
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			checkObject(t, "Stat", st, "doc.pdf", data)
			got, obj := get(t, s, "doc.pdf")
			if !bytes.Equal(got, data) {
				t.Errorf("Get returned %d bytes, want the %d on disk", len(got), len(data))
			}
			checkObject(t, "Get", obj, "doc.pdf", data)
			list, err := s.List(t.Context(), "")
			if err != nil || len(list) != 1 {
				t.Fatalf("List = %q, %v; want doc.pdf", keys(list), err)
			}
			checkObject(t, "List", list[0], "doc.pdf", data)
		})
	}
}

// TestLocalListSkipsLeftovers plants what a crash can leave behind.
func TestLocalListSkipsLeftovers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := newLocal(t, dir)
	mustPut(t, s, "docs/a.pdf", []byte("a"))
	writeFile(t, filepath.Join(dir, "docs", ".blob-tmp-12345"), []byte("half a file"))
	writeFile(t, filepath.Join(dir, ".blob-tmp-67890"), []byte("half a file"))
	writeFile(t, filepath.Join(dir, "docs", ".blob-sha256.gone.pdf"), []byte("v1 orphan"))

	list, err := s.List(t.Context(), "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if want := []string{"docs/a.pdf"}; !slices.Equal(keys(list), want) {
		t.Errorf("List = %q, want %q", keys(list), want)
	}
}

func TestLocalKeyAndFolderConflict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		first, then string
		wantInError string
	}{
		{"object under an object", "a", "a/b", "part of its path is already stored as an object"},
		{"object over a folder", "x/y", "x", `other keys are stored under "x/"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := newLocal(t, dir)
			mustPut(t, s, tt.first, []byte("first"))
			_, err := s.Put(t.Context(), tt.then, strings.NewReader("second"))
			if err == nil || !strings.Contains(err.Error(), tt.wantInError) {
				t.Fatalf("Put(%q) after Put(%q) error = %v, want one saying %q", tt.then, tt.first, err, tt.wantInError)
			}
			if got, _ := get(t, s, tt.first); string(got) != "first" {
				t.Errorf("%q = %q after the refused Put", tt.first, got)
			}
			if got := walk(t, dir); slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, ".blob-tmp-") }) {
				t.Errorf("temp file left behind: %q", got)
			}
		})
	}
}

func TestLocalRefusesSegmentTooLongForHashRecord(t *testing.T) {
	t.Parallel()
	s := newLocal(t, t.TempDir())
	key := "docs/" + strings.Repeat("n", 250)
	if _, err := s.Put(t.Context(), key, strings.NewReader("x")); !errors.Is(err, blob.ErrInvalidKey) {
		t.Errorf("Put of a 250-byte segment error = %v, want ErrInvalidKey", err)
	}
}

// walk lists every file and folder under dir, relative and slash-separated,
// folders with a trailing slash.
func walk(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return out
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode() & (fs.ModeDir | fs.ModePerm); got != want {
		t.Errorf("%s mode = %v, want %v", path, got, want)
	}
}
