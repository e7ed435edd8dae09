// Package blob owns the files LedgerSync keeps outside the database:
// statement PDFs, check images and other documents. It stores them by key
// with a SHA-256 content hash, on a local directory (Local) or in an
// S3-compatible bucket (S3), behind one small Store interface; Open picks the
// backend from a storage URL.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned (wrapped) by Get and Stat when no object has the key.
var ErrNotFound = errors.New("blob: not found")

// Object describes one stored object.
type Object struct {
	// Key names the object; see ValidateKey for what a key may be.
	Key string
	// Size is the length of the content in bytes.
	Size int64
	// SHA256 is the lowercase hex SHA-256 of the content. It is empty only
	// for an S3 object written by something other than this package.
	SHA256 string
	// ModTime is when the content was last written, as the backend records it.
	ModTime time.Time
}

// Store keeps objects by key. Every method validates the key with
// ValidateKey first and returns an error wrapping ErrInvalidKey for a bad
// one, and every method stops early with the context's error once ctx is
// done.
type Store interface {
	// Put stores everything read from r under key, streaming it and hashing
	// it on the way. It replaces an existing object atomically: readers see
	// the old content or the new, never a mix, and if Put fails the old
	// content stays.
	Put(ctx context.Context, key string, r io.Reader) (Object, error)
	// Get opens the object's content; the caller must close it. It returns
	// ErrNotFound when no object has the key.
	Get(ctx context.Context, key string) (io.ReadCloser, Object, error)
	// Stat describes the object, or returns ErrNotFound.
	Stat(ctx context.Context, key string) (Object, error)
	// Delete removes the object. Deleting a key that does not exist is not
	// an error.
	Delete(ctx context.Context, key string) error
	// List returns the objects whose keys start with prefix, sorted by key.
	// The prefix is a plain string prefix, so "clients/1" matches
	// "clients/1/a.pdf" and "clients/10/b.pdf"; end it with "/" to list
	// one folder.
	List(ctx context.Context, prefix string) ([]Object, error)
}

var (
	_ Store = (*Local)(nil)
	_ Store = (*S3)(nil)
)
