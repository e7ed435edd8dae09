package blob_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/ledgersync/ledgersync/internal/blob"
)

const (
	testBucket    = "ledgersync-test"
	testAccessKey = "test-access-key"
	testSecretKey = "test-secret-key-do-not-print"
)

func TestS3(t *testing.T) {
	t.Parallel()
	testStore(t, func(t *testing.T) blob.Store {
		return newS3(t, fakeS3(t), "tenant-1")
	})
}

// fakeS3 starts an in-memory S3 server for one test and returns its
// host:port.
func fakeS3(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func newS3(t *testing.T, endpoint, prefix string) *blob.S3 {
	t.Helper()
	s, err := blob.NewS3(t.Context(), s3Config(endpoint, prefix))
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	return s
}

func s3Config(endpoint, prefix string) blob.S3Config {
	return blob.S3Config{
		Endpoint:  endpoint,
		Bucket:    testBucket,
		AccessKey: testAccessKey,
		SecretKey: testSecretKey,
		Region:    "us-east-1",
		Prefix:    prefix,
	}
}

// rawClient talks to the fake server directly, to see what the store did.
func rawClient(t *testing.T, endpoint string) *minio.Client {
	t.Helper()
	c, err := minio.New(endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(testAccessKey, testSecretKey, ""),
		Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func rawKeys(t *testing.T, c *minio.Client) []string {
	t.Helper()
	var out []string
	for info := range c.ListObjectsIter(t.Context(), testBucket, minio.ListObjectsOptions{Recursive: true}) {
		if info.Err != nil {
			t.Fatalf("raw list: %v", info.Err)
		}
		out = append(out, info.Key)
	}
	return out
}

func TestNewS3CreatesBucket(t *testing.T) {
	t.Parallel()
	endpoint := fakeS3(t)
	raw := rawClient(t, endpoint)
	if ok, err := raw.BucketExists(t.Context(), testBucket); err != nil || ok {
		t.Fatalf("before NewS3, BucketExists = %v, %v; want false", ok, err)
	}
	newS3(t, endpoint, "")
	if ok, err := raw.BucketExists(t.Context(), testBucket); err != nil || !ok {
		t.Fatalf("after NewS3, BucketExists = %v, %v; want true", ok, err)
	}
	newS3(t, endpoint, "") // an existing bucket is fine
}

func TestS3PrefixSeparatesStores(t *testing.T) {
	t.Parallel()
	endpoint := fakeS3(t)
	a, b := newS3(t, endpoint, "tenant-a"), newS3(t, endpoint, "/tenant-b/")
	mustPut(t, a, "doc.pdf", []byte("from a"))
	mustPut(t, b, "doc.pdf", []byte("from b"))

	for _, tt := range []struct {
		store blob.Store
		want  string
	}{{a, "from a"}, {b, "from b"}} {
		if got, _ := get(t, tt.store, "doc.pdf"); string(got) != tt.want {
			t.Errorf("Get = %q, want %q", got, tt.want)
		}
		list, err := tt.store.List(t.Context(), "")
		if err != nil || !slices.Equal(keys(list), []string{"doc.pdf"}) {
			t.Errorf("List = %q, %v; want only this store's doc.pdf", keys(list), err)
		}
	}
	if got, want := rawKeys(t, rawClient(t, endpoint)), []string{"tenant-a/doc.pdf", "tenant-b/doc.pdf"}; !slices.Equal(got, want) {
		t.Errorf("bucket holds %q, want %q", got, want)
	}
}

func TestS3StoresHashAsMetadata(t *testing.T) {
	t.Parallel()
	endpoint := fakeS3(t)
	s := newS3(t, endpoint, "")
	data := payload(1000, 5)
	mustPut(t, s, "doc.pdf", data)
	info, err := rawClient(t, endpoint).StatObject(t.Context(), testBucket, "doc.pdf", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Metadata.Get("X-Amz-Meta-Sha256"); got != sum(data) {
		t.Errorf("x-amz-meta-sha256 = %q, want %s", got, sum(data))
	}
}

// TestS3ForeignObject covers objects another tool wrote: they are listed
// and readable, with an empty hash rather than a wrong one.
func TestS3ForeignObject(t *testing.T) {
	t.Parallel()
	endpoint := fakeS3(t)
	s := newS3(t, endpoint, "p")
	if _, err := rawClient(t, endpoint).PutObject(t.Context(), testBucket, "p/foreign.pdf", strings.NewReader("abc"), 3, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stat(t.Context(), "foreign.pdf")
	if err != nil || st.SHA256 != "" || st.Size != 3 {
		t.Errorf("Stat = %+v, %v; want size 3 and no hash", st, err)
	}
	list, err := s.List(t.Context(), "")
	if err != nil || len(list) != 1 || list[0].SHA256 != "" {
		t.Errorf("List = %+v, %v; want foreign.pdf without a hash", list, err)
	}
}

func TestNewS3RefusesBadConfig(t *testing.T) {
	t.Parallel()
	endpoint := fakeS3(t)
	tests := []struct {
		name   string
		modify func(*blob.S3Config)
	}{
		{"no endpoint", func(c *blob.S3Config) { c.Endpoint = "" }},
		{"no bucket", func(c *blob.S3Config) { c.Bucket = "" }},
		{"bad prefix", func(c *blob.S3Config) { c.Prefix = "../escape" }},
		{"server unreachable", func(c *blob.S3Config) { c.Endpoint = "127.0.0.1:1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := s3Config(endpoint, "")
			tt.modify(&cfg)
			// minio-go retries an unreachable server for seconds; the
			// deadline cuts that short and checks NewS3 honours it.
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			_, err := blob.NewS3(ctx, cfg)
			if err == nil {
				t.Fatal("NewS3 succeeded, want an error")
			}
			if strings.Contains(err.Error(), testSecretKey) {
				t.Errorf("error %q reveals the secret key", err)
			}
		})
	}
}
