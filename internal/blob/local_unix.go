//go:build unix

package blob

import (
	"io/fs"
	"os"
	"syscall"
)

// fileID returns the file's inode number, which tells two versions of a
// key's file apart even when their size and modification time match.
func fileID(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}

// syncDir fsyncs a folder so the renames into it survive a power cut.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if closeErr := d.Close(); err == nil {
		err = closeErr
	}
	return err
}

// removeEmptyDir removes dir only if it is an empty folder. Unlike
// os.Remove it never unlinks a file, even one that has just replaced the
// folder.
func removeEmptyDir(dir string) error {
	return syscall.Rmdir(dir)
}
