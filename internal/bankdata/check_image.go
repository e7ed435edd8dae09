package bankdata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
)

// CheckImage is one side of a check's image, in blob storage under BlobKey.
type CheckImage struct {
	ID            int64
	TransactionID int64
	Side          connector.Side
	BlobKey       string
	SHA256        string // lowercase hex of the image
	Size          int64  // bytes
	FetchedAt     time.Time
}

// UpsertCheckImage records that one side of the check of one of the firm's
// transactions is stored at blobKey (see StoreBlob). Like UpsertStatement it
// is idempotent: a side already stored is kept and created is false.
//
// It returns store.ErrNotFound when the transaction is not the firm's.
func UpsertCheckImage(ctx context.Context, q store.Querier, firmID, transactionID int64, side connector.Side,
	blobKey, sha256 string, size int64, now time.Time) (created bool, err error) {
	if err := checkSide(side); err != nil {
		return false, fmt.Errorf("bankdata: store check image of transaction %d: %w", transactionID, err)
	}
	if blobKey == "" || sha256 == "" {
		return false, fmt.Errorf("bankdata: store check image (%s) of transaction %d: it needs a stored file", side, transactionID)
	}
	var one int
	err = q.QueryRowContext(ctx, `SELECT 1 FROM synced_transaction WHERE id = $1 AND firm_id = $2`, transactionID, firmID).Scan(&one)
	if err != nil {
		return false, fmt.Errorf("bankdata: store check image (%s) of transaction %d: %w", side, transactionID, store.Err(err))
	}
	var id int64
	err = q.QueryRowContext(ctx, `
		INSERT INTO synced_check_image (firm_id, transaction_id, side, blob_key, sha256, size, fetched_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (transaction_id, side) DO NOTHING
		RETURNING id`,
		firmID, transactionID, string(side), blobKey, sha256, size, dbTime(now)).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows): // already there
		return false, nil
	case err != nil:
		return false, fmt.Errorf("bankdata: store check image (%s) of transaction %d: %w", side, transactionID, store.Err(err))
	}
	return true, nil
}

// HasCheckImage says whether one of the firm's transactions has that side
// of its check stored, so the refresh need not download it again.
func HasCheckImage(ctx context.Context, q store.Querier, firmID, transactionID int64, side connector.Side) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM synced_check_image WHERE firm_id = $1 AND transaction_id = $2 AND side = $3`,
		firmID, transactionID, string(side)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("bankdata: look for check image (%s) of transaction %d: %w", side, transactionID, err)
	}
	return n > 0, nil
}

// GetCheckImage returns one side of the check of one of the firm's
// transactions, or store.ErrNotFound.
func GetCheckImage(ctx context.Context, q store.Querier, firmID, transactionID int64, side connector.Side) (CheckImage, error) {
	var c CheckImage
	var s string
	err := q.QueryRowContext(ctx, `
		SELECT id, transaction_id, side, blob_key, sha256, size, fetched_at FROM synced_check_image
		WHERE firm_id = $1 AND transaction_id = $2 AND side = $3`, firmID, transactionID, string(side),
	).Scan(&c.ID, &c.TransactionID, &s, &c.BlobKey, &c.SHA256, &c.Size, &c.FetchedAt)
	if err != nil {
		return CheckImage{}, fmt.Errorf("bankdata: check image (%s) of transaction %d: %w", side, transactionID, store.Err(err))
	}
	c.Side, c.FetchedAt = connector.Side(s), c.FetchedAt.UTC()
	return c, nil
}

func checkSide(side connector.Side) error {
	if side != connector.Front && side != connector.Back {
		return fmt.Errorf("check side %q is neither %q nor %q", side, connector.Front, connector.Back)
	}
	return nil
}
