package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/ledgersync/ledgersync/internal/app"
	"github.com/ledgersync/ledgersync/internal/blob"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/connector/instapi"
	"github.com/ledgersync/ledgersync/internal/connector/ofxconn"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
)

// blobStore opens the configured blob store: a local directory, or S3.
func (e *env) blobStore(ctx context.Context) (blob.Store, error) {
	if s3 := e.cfg.BlobS3; s3 != nil {
		return blob.NewS3(ctx, blob.S3Config{
			Endpoint: s3.Endpoint, Bucket: s3.Bucket, Prefix: s3.Prefix, Region: s3.Region, UseTLS: s3.TLS,
			AccessKey: e.cfg.BlobS3AccessKey, SecretKey: e.cfg.BlobS3SecretKey,
		})
	}
	return blob.NewLocal(e.cfg.BlobDir)
}

// newApp assembles LedgerSync on db. demo allows a generated master key;
// workers makes this process run refresh jobs.
func (e *env) newApp(ctx context.Context, db *store.DB, demo, workers bool) (*app.App, error) {
	masterKey, err := e.masterKey(demo)
	if err != nil {
		return nil, err
	}
	box, err := secretbox.Open(masterKey, filepath.Join(e.cfg.DataDir, secretbox.KeysetFileName), true, secretbox.WithClock(e.clock))
	if err != nil {
		return nil, err
	}
	blobs, err := e.blobStore(ctx)
	if err != nil {
		return nil, err
	}
	hasher, err := password.NewHasher(password.DefaultParams(), 0)
	if err != nil {
		return nil, err
	}
	a, err := app.New(ctx, app.Config{
		DB: db, Clock: e.clock, Logger: e.logger, Box: box, Blobs: blobs, Hasher: hasher, Workers: workers, MaxWorkers: e.cfg.Workers,
		Connectors: map[connector.Kind]connector.Connector{
			connector.InstAPI: instapi.New(instapi.Options{Clock: e.clock}),
			connector.OFX:     ofxconn.New(ofxconn.Options{Clock: e.clock}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("assemble LedgerSync: %w", err)
	}
	return a, nil
}

// startApp starts a's refresh workers; stop stops them, letting running
// jobs finish for up to the shutdown timeout (a job cut off runs again
// elsewhere).
func (e *env) startApp(ctx context.Context, a *app.App) (stop func(), err error) {
	if err := a.Start(ctx); err != nil {
		return nil, err
	}
	return func() {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.ShutdownTimeout)
		defer cancel()
		if err := a.Close(stopCtx); err != nil {
			e.logger.Warn("refresh workers stopped before their jobs finished", "err", err)
		}
	}, nil
}
