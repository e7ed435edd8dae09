//go:build !unix

package blob

import (
	"io/fs"
	"os"
)

// fileID is unknown here; hash records then rely on size and modification
// time alone.
func fileID(fs.FileInfo) uint64 { return 0 }

// syncDir does nothing: folders cannot be fsynced on this platform, and
// renames are made durable by the filesystem itself.
func syncDir(string) error { return nil }

// removeEmptyDir removes dir only if it is an empty folder. There is a
// window between the check and the removal that the unix version does not
// have.
func removeEmptyDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return &fs.PathError{Op: "rmdir", Path: dir, Err: fs.ErrInvalid}
	}
	return os.Remove(dir)
}
