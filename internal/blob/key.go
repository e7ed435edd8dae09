package blob

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxKeyLen is the longest key ValidateKey accepts, in bytes: the S3 limit
// on object names.
const MaxKeyLen = 1024

// ErrInvalidKey is wrapped by every error ValidateKey returns, so callers can
// tell a bad key (the caller's mistake) from a storage failure.
var ErrInvalidKey = errors.New("blob: invalid key")

// reservedPrefix starts the names of the files the Local backend keeps for
// itself (temp files and hash sidecars). No key segment may start with it, so
// a key can never collide with one of those files or be hidden by List.
const reservedPrefix = ".blob-"

// ValidateKey reports why key cannot name an object, or nil if it can. A key
// is a slash-separated relative path of valid UTF-8, at most MaxKeyLen bytes,
// with no leading '/', no empty, "." or ".." segments, no backslash, no
// control characters, and no segment starting with ".blob-" (reserved for
// the store's own files). These rules make every key a safe relative path
// on any backend, so a key can never reach outside the store.
//
// The error wraps ErrInvalidKey and names the key and the rule it breaks.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w %q: must not be empty", ErrInvalidKey, key)
	}
	if rule := checkPath(key, false); rule != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, rule)
	}
	return nil
}

// validatePrefix checks a List prefix: "" lists everything; otherwise the
// prefix must be the start of some valid key, so every segment before its
// last '/' follows the key rules and the last, partial segment is free.
func validatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if rule := checkPath(prefix, true); rule != "" {
		return fmt.Errorf("%w prefix %q: %s", ErrInvalidKey, prefix, rule)
	}
	return nil
}

// checkPath returns the first key rule s breaks, or "". With partialLast the
// final segment may be anything a key segment could start with.
func checkPath(s string, partialLast bool) string {
	if len(s) > MaxKeyLen {
		return fmt.Sprintf("is %d bytes long, over the %d-byte limit", len(s), MaxKeyLen)
	}
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	if strings.HasPrefix(s, "/") {
		return "must be a relative path, not start with '/'"
	}
	if strings.Contains(s, `\`) {
		return `must not contain a backslash ("\"); separate folders with '/'`
	}
	for i, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("must not contain control characters (%U at byte %d)", r, i)
		}
	}
	segments := strings.Split(s, "/")
	if partialLast {
		segments = segments[:len(segments)-1]
	}
	for _, seg := range segments {
		switch {
		case seg == "":
			return `must not contain empty segments ("//" or a trailing '/')`
		case seg == "." || seg == "..":
			return fmt.Sprintf("must not contain a %q segment", seg)
		case strings.HasPrefix(seg, reservedPrefix):
			return fmt.Sprintf("segment %q starts with %q, which is reserved for the store's own files", seg, reservedPrefix)
		}
	}
	return ""
}
