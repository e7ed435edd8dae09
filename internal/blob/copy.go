package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
)

// copyHashed copies src to dst and returns the number of bytes copied and
// their lowercase hex SHA-256. It checks ctx before every read, so a
// cancelled context stops a long upload at the next chunk; a Read that
// blocks forever is the reader's to unblock.
func copyHashed(ctx context.Context, dst io.Writer, src io.Reader) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(dst, h), ctxReader{ctx: ctx, r: src})
	if err != nil {
		return n, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader fails reads once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// isSHA256Hex reports whether s looks like a lowercase hex SHA-256.
func isSHA256Hex(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
