package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// shaMetaKey is the user metadata entry holding the content's SHA-256; S3
// sends it as the header "x-amz-meta-sha256".
const shaMetaKey = "Sha256"

// S3Config says how to reach an S3-compatible bucket.
type S3Config struct {
	// Endpoint is the server as host or host:port, without a scheme, e.g.
	// "s3.eu-central-1.amazonaws.com" or "minio.internal:9000".
	Endpoint string
	// Bucket holds the objects; NewS3 creates it when it is missing.
	Bucket string
	// AccessKey and SecretKey are the credentials. The package never puts
	// them in an error.
	AccessKey string
	SecretKey string
	// Region is the bucket's region; empty lets the client discover it.
	Region string
	// UseTLS selects https. Only a server on a trusted local network should
	// be reached without it.
	UseTLS bool
	// Prefix, when set, is a folder prepended to every key, so several
	// deployments can share one bucket. It follows the key rules.
	Prefix string
}

// S3 stores objects in an S3-compatible bucket (AWS S3, MinIO, ...) through
// minio-go. An object's name is the configured prefix plus its key, and its
// SHA-256 is kept as user metadata ("x-amz-meta-sha256"). S3 itself makes a
// PUT replace an object atomically.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
}

// NewS3 connects to the bucket cfg describes and creates it if it is
// missing.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("blob: S3 storage needs an endpoint")
	}
	if cfg.Bucket == "" {
		return nil, errors.New("blob: S3 storage needs a bucket")
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		if err := ValidateKey(prefix); err != nil {
			return nil, fmt.Errorf("blob: S3 prefix: %w", err)
		}
		prefix += "/"
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseTLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("blob: S3 endpoint %q: %w", cfg.Endpoint, err)
	}
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: check S3 bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if !exists {
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if err != nil && minio.ToErrorResponse(err).Code != minio.BucketAlreadyOwnedByYou {
			return nil, fmt.Errorf("blob: create S3 bucket %q at %s: %w", cfg.Bucket, cfg.Endpoint, err)
		}
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: prefix}, nil
}

// Put implements Store.
//
// The content is first spooled to a temp file (in os.TempDir) while it is
// hashed, then uploaded with its size known. S3 takes metadata when an
// upload starts but the hash is only known at the end of the stream, so
// streaming straight through would need a second request to attach it,
// leaving a window where the object has no hash. The spool also keeps
// memory flat (minio-go buffers a whole part in memory for uploads of
// unknown size) and gives minio-go a seekable source it can resend on a
// retry. The price is one local disk write per Put.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) (Object, error) {
	if err := ValidateKey(key); err != nil {
		return Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return Object{}, fmt.Errorf("blob: put %q: %w", key, err)
	}
	spool, err := os.CreateTemp("", "ledgersync-blob-*")
	if err != nil {
		return Object{}, fmt.Errorf("blob: put %q: create spool file: %w", key, err)
	}
	defer func() {
		spool.Close()
		os.Remove(spool.Name())
	}()
	size, sum, err := copyHashed(ctx, spool, r)
	if err != nil {
		return Object{}, fmt.Errorf("blob: put %q: %w", key, err)
	}
	name := s.prefix + key
	_, err = s.client.PutObject(ctx, s.bucket, name, io.NewSectionReader(spool, 0, size), size, minio.PutObjectOptions{
		ContentType:  "application/octet-stream",
		UserMetadata: map[string]string{shaMetaKey: sum},
		// Over plain HTTP minio-go signs the payload chunk by chunk; for
		// an empty payload that request goes out without a Content-Length,
		// which S3 servers refuse. An empty body has nothing to sign.
		DisableContentSha256: size == 0,
	})
	if err != nil {
		return Object{}, fmt.Errorf("blob: put %q: %w", key, err)
	}
	// A single-request PUT does not report the object's Last-Modified.
	info, err := s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return Object{}, fmt.Errorf("blob: put %q: stored, but reading back its time failed: %w", key, err)
	}
	return Object{Key: key, Size: size, SHA256: sum, ModTime: info.LastModified.UTC()}, nil
}

// Get implements Store. The returned reader streams from the server and
// stops working once ctx is done.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Object, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, Object{}, fmt.Errorf("blob: get %q: %w", key, err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.prefix+key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Object{}, s3Error("get", key, err)
	}
	// GetObject is lazy; Stat sends the request, so a missing key shows
	// up here rather than on the caller's first Read.
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, Object{}, s3Error("get", key, err)
	}
	return obj, s3Object(key, info, info.UserMetadata), nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Object, error) {
	if err := ValidateKey(key); err != nil {
		return Object{}, err
	}
	if err := ctx.Err(); err != nil {
		return Object{}, fmt.Errorf("blob: stat %q: %w", key, err)
	}
	info, err := s.client.StatObject(ctx, s.bucket, s.prefix+key, minio.StatObjectOptions{})
	if err != nil {
		return Object{}, s3Error("stat", key, err)
	}
	return s3Object(key, info, info.UserMetadata), nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	err := s.client.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		return fmt.Errorf("blob: delete %q: %w", key, err)
	}
	return nil
}

// List implements Store. It asks for metadata in the listing, which MinIO
// returns; other servers (AWS S3 among them) do not, and for those each
// object's hash costs one extra HEAD request.
func (s *S3) List(ctx context.Context, prefix string) ([]Object, error) {
	if err := validatePrefix(prefix); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("blob: list %q: %w", prefix, err)
	}
	// Cancelling stops minio-go's listing goroutine if we return early.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	objects := []Object{}
	listing := s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{
		Prefix:       s.prefix + prefix,
		Recursive:    true,
		WithMetadata: true,
	})
	for info := range listing {
		if info.Err != nil {
			return nil, fmt.Errorf("blob: list %q: %w", prefix, info.Err)
		}
		key := strings.TrimPrefix(info.Key, s.prefix)
		if ValidateKey(key) != nil {
			continue // not addressable through this package, e.g. a folder marker "x/"
		}
		meta := info.UserMetadataStripped
		if shaFromMeta(meta) == "" {
			st, err := s.client.StatObject(ctx, s.bucket, info.Key, minio.StatObjectOptions{})
			if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
				continue // deleted since it was listed
			}
			if err != nil {
				return nil, fmt.Errorf("blob: list %q: %q: %w", prefix, key, err)
			}
			info, meta = st, st.UserMetadata
		}
		objects = append(objects, s3Object(key, info, meta))
	}
	// S3 lists in key order already; sorting keeps the contract explicit
	// for servers that do not.
	slices.SortFunc(objects, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return objects, nil
}

// s3Object describes an object from what the server reported.
func s3Object(key string, info minio.ObjectInfo, meta map[string]string) Object {
	return Object{Key: key, Size: info.Size, SHA256: shaFromMeta(meta), ModTime: info.LastModified.UTC()}
}

// shaFromMeta returns the hash recorded in user metadata, or "" when there
// is none (an object this package did not write).
func shaFromMeta(meta map[string]string) string {
	for k, v := range meta {
		if strings.EqualFold(k, shaMetaKey) && isSHA256Hex(v) {
			return v
		}
	}
	return ""
}

// s3Error wraps err for op on key, turning a missing object into ErrNotFound.
func s3Error(op, key string, err error) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return fmt.Errorf("blob: %s %q: %w", op, key, ErrNotFound)
	}
	return fmt.Errorf("blob: %s %q: %w", op, key, err)
}
