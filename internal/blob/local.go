package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

const (
	// sidecarPrefix names the file holding a key's hash record, next to the
	// key's file: "2026-01.pdf" has ".blob-sha256.2026-01.pdf".
	sidecarPrefix = reservedPrefix + "sha256."
	// tempPattern names temp files, in the folder they will be renamed into.
	tempPattern = reservedPrefix + "tmp-*"
	// maxNameLen is the longest file name common filesystems accept; the
	// sidecar name must fit too.
	maxNameLen = 255
	// sidecarVersion starts every hash record so the format can change.
	sidecarVersion = "v1"
)

// Local stores objects as files under a root directory, each at its key's
// path (key "clients/7/2026-01.pdf" is <root>/clients/7/2026-01.pdf), so the
// tree can be backed up and inspected with ordinary tools. Folders are
// created 0700 and files 0600: the content is clients' bank data.
//
// Writes are atomic: content goes to a temp file in the destination folder,
// is fsynced and closed, then renamed over the key's file. The SHA-256 is
// kept in a sidecar file ".blob-sha256.<name>" next to it, written the same
// way, so Stat and List need not read the content. Two renames cannot happen
// as one, so the sidecar also records the size, modification time and file
// id (inode) of the file it describes; when those do not match (a crash
// between the renames, concurrent Puts finishing in a different order, a
// file replaced by hand) the hash is recomputed from the content instead of
// trusted. Temp files and sidecars start with ".blob-", a prefix ValidateKey
// refuses in keys, so List never shows them and no key can collide with
// them.
//
// Because a key is a path, Local cannot hold both "a" and "a/b"; the second
// Put fails and says why. Delete removes the folders it leaves empty, so "a"
// can become an object again once nothing is left under "a/". Local also
// needs the last segment of a key to leave room for the sidecar prefix in a
// 255-byte file name.
type Local struct {
	root string // absolute and clean
}

// NewLocal returns a Local store rooted at dir, creating dir (mode 0700) and
// its parents if they are missing.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("blob: local storage needs a directory")
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: local storage directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("blob: create local storage directory: %w", err)
	}
	return &Local{root: root}, nil
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) (Object, error) {
	if err := ValidateKey(key); err != nil {
		return Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return Object{}, fmt.Errorf("blob: put %q: %w", key, err)
	}
	path := l.path(key)
	dir, name := filepath.Dir(path), filepath.Base(path)
	if len(sidecarPrefix)+len(name) > maxNameLen {
		return Object{}, fmt.Errorf("%w %q: local storage allows at most %d bytes in the last segment",
			ErrInvalidKey, key, maxNameLen-len(sidecarPrefix))
	}

	var size int64
	var sum string
	fi, err := writeAtomic(dir, path, func(f *os.File) error {
		var err error
		size, sum, err = copyHashed(ctx, f, r)
		return err
	})
	if err != nil {
		err = explainPutError(key, path, err)
		l.pruneEmpty(dir) // folders created for a new key that never arrived
		return Object{}, fmt.Errorf("blob: put %q: %w", key, err)
	}
	record := newStamp(sum, fi).String()
	if _, err := writeAtomic(dir, sidecarPath(path), func(f *os.File) error {
		_, err := f.WriteString(record)
		return err
	}); err != nil {
		// The content is in place; readers will recompute its hash.
		return Object{}, fmt.Errorf("blob: put %q: content stored but its hash record was not: %w", key, err)
	}
	if err := syncDir(dir); err != nil {
		return Object{}, fmt.Errorf("blob: put %q: flush folder to disk: %w", key, err)
	}
	return Object{Key: key, Size: size, SHA256: sum, ModTime: fi.ModTime().UTC()}, nil
}

// explainPutError rewords the two failures a path-shaped key can cause, so
// the error says which keys are in the way rather than just "not a
// directory".
func explainPutError(key, path string, err error) error {
	if errors.Is(err, syscall.ENOTDIR) {
		return fmt.Errorf("part of its path is already stored as an object, so it cannot also be a folder: %w", err)
	}
	if fi, statErr := os.Lstat(path); statErr == nil && fi.IsDir() {
		return fmt.Errorf("other keys are stored under %q, so it cannot also be an object: %w", key+"/", err)
	}
	return err
}

// Get implements Store. The returned reader is the open file; it keeps
// returning the content that was current when Get opened it even if the
// key is overwritten or deleted meanwhile.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, Object{}, fmt.Errorf("blob: get %q: %w", key, err)
	}
	f, obj, err := l.open(ctx, key)
	if err != nil {
		return nil, Object{}, fmt.Errorf("blob: get %q: %w", key, err)
	}
	return f, obj, nil
}

// Stat implements Store.
func (l *Local) Stat(ctx context.Context, key string) (Object, error) {
	if err := ValidateKey(key); err != nil {
		return Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return Object{}, fmt.Errorf("blob: stat %q: %w", key, err)
	}
	f, obj, err := l.open(ctx, key)
	if err != nil {
		return Object{}, fmt.Errorf("blob: stat %q: %w", key, err)
	}
	f.Close()
	return obj, nil
}

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	path := l.path(key)
	fi, err := os.Lstat(path)
	switch {
	case isNotExist(err):
		return nil
	case err != nil:
		return fmt.Errorf("blob: delete %q: %w", key, err)
	case fi.IsDir():
		return nil // a folder of other keys, not an object
	}
	if err := os.Remove(path); err != nil && !isNotExist(err) {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	if err := os.Remove(sidecarPath(path)); err != nil && !isNotExist(err) {
		return fmt.Errorf("blob: delete %q: content removed but its hash record was not: %w", key, err)
	}
	l.pruneEmpty(filepath.Dir(path))
	return nil
}

// List implements Store. It walks only the folder named by the part of
// prefix up to its last '/'.
func (l *Local) List(ctx context.Context, prefix string) ([]Object, error) {
	if err := validatePrefix(prefix); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: list %q: %w", prefix, err)
	}
	start := l.root
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = l.path(prefix[:i])
	}
	objects := []Object{}
	err := filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if isNotExist(err) {
				return nil // no such folder, or removed during the walk
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if path == start {
			return nil
		}
		rel, err := filepath.Rel(l.root, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(d.Name(), reservedPrefix):
			return nil // a temp file or sidecar
		case d.IsDir():
			if strings.HasPrefix(key+"/", prefix) || strings.HasPrefix(prefix, key+"/") {
				return nil
			}
			return filepath.SkipDir
		case !d.Type().IsRegular() || !strings.HasPrefix(key, prefix) || ValidateKey(key) != nil:
			return nil
		}
		f, obj, err := l.open(ctx, key)
		if errors.Is(err, ErrNotFound) {
			return nil // deleted since the walk saw it
		}
		if err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
		f.Close()
		objects = append(objects, obj)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("blob: list %q: %w", prefix, err)
	}
	// WalkDir's order is not key order: "a/b" comes before "a.txt" on disk
	// but after it as a string.
	slices.SortFunc(objects, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return objects, nil
}

// path maps a validated key to its file.
func (l *Local) path(key string) string {
	return filepath.Join(l.root, filepath.FromSlash(key))
}

// open opens key's file and describes it. The hash comes from the sidecar
// when its stamp matches the open file and is recomputed from the open file
// otherwise, so it always matches the bytes a reader of the file will see.
func (l *Local) open(ctx context.Context, key string) (*os.File, Object, error) {
	path := l.path(key)
	f, err := os.Open(path)
	if err != nil {
		if isNotExist(err) {
			return nil, Object{}, ErrNotFound
		}
		return nil, Object{}, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = ErrNotFound // a folder of other keys, not an object
	}
	if err != nil {
		f.Close()
		return nil, Object{}, err
	}
	sum, ok := readSidecar(sidecarPath(path), fi)
	if !ok {
		_, sum, err = copyHashed(ctx, io.Discard, f)
		if err == nil {
			_, err = f.Seek(0, io.SeekStart)
		}
		if err != nil {
			f.Close()
			return nil, Object{}, fmt.Errorf("hash content: %w", err)
		}
	}
	return f, Object{Key: key, Size: fi.Size(), SHA256: sum, ModTime: fi.ModTime().UTC()}, nil
}

// pruneEmpty removes dir and then its parents, up to but not including the
// root, while they are empty folders, so a key whose folder has emptied can
// be an object again. removeEmptyDir refuses anything but an empty folder,
// so a concurrent Put's temp file keeps its folder alive; a Put that loses
// the race before creating its temp file retries in createTemp.
func (l *Local) pruneEmpty(dir string) {
	for strings.HasPrefix(dir, l.root+string(filepath.Separator)) {
		if removeEmptyDir(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// writeAtomic replaces path with a new file: write fills a temp file in dir,
// which is then fsynced, closed and renamed over path. On any error the temp
// file is removed and path is left as it was. It returns the file's info
// from after the fsync, which the renamed file keeps.
func writeAtomic(dir, path string, write func(*os.File) error) (fs.FileInfo, error) {
	f, err := createTemp(dir)
	if err != nil {
		return nil, err
	}
	fi, err := func() (fs.FileInfo, error) {
		if err := write(f); err != nil {
			return nil, err
		}
		if err := f.Sync(); err != nil {
			return nil, err
		}
		return f.Stat()
	}()
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return fi, nil
}

// createTemp creates dir if needed and a temp file in it. It retries when
// the folder disappears in between, which a concurrent Delete pruning empty
// folders can cause.
func createTemp(dir string) (*os.File, error) {
	for attempt := 1; ; attempt++ {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		f, err := os.CreateTemp(dir, tempPattern)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || attempt == 3 {
			return f, err
		}
	}
}

// sidecarPath is where the hash record of the file at path lives.
func sidecarPath(path string) string {
	return filepath.Join(filepath.Dir(path), sidecarPrefix+filepath.Base(path))
}

// stamp is a hash record: the hash plus what identifies the file version it
// was computed from.
type stamp struct {
	sha256 string
	size   int64
	mtime  int64 // nanoseconds since the Unix epoch
	fileID uint64
}

func newStamp(sum string, fi fs.FileInfo) stamp {
	return stamp{sha256: sum, size: fi.Size(), mtime: fi.ModTime().UnixNano(), fileID: fileID(fi)}
}

func (s stamp) String() string {
	return fmt.Sprintf("%s %s %d %d %d\n", sidecarVersion, s.sha256, s.size, s.mtime, s.fileID)
}

// readSidecar returns the hash recorded at path if the record describes the
// file fi; ok is false when there is no usable record.
func readSidecar(path string, fi fs.FileInfo) (sum string, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	var version string
	var got stamp
	if _, err := fmt.Sscanf(string(b), "%s %s %d %d %d\n", &version, &got.sha256, &got.size, &got.mtime, &got.fileID); err != nil {
		return "", false
	}
	if version != sidecarVersion || !isSHA256Hex(got.sha256) || got != newStamp(got.sha256, fi) {
		return "", false
	}
	return got.sha256, true
}

// isNotExist reports a missing file, including one "missing" because a
// parent on its path is a file.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
