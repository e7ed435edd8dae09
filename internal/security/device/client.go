package device

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Machine clients (the OFX server's CLIENTUID, the JSON API's device token)
// name their device with a value they send rather than a cookie. Their
// records live beside the browsers', in the same table under the same
// rules: recognised by the SHA-256 of the value, registered by the member,
// revocable. Each kind of value is kept under its own prefix, so a CLIENTUID
// can never be taken for an API device token or a browser cookie.
const (
	// KindAPI prefixes the JSON API's device tokens.
	KindAPI = "api:"
	// KindOFX prefixes OFX CLIENTUIDs.
	KindOFX = "ofx:"
)

// NewToken returns a new random device token for a machine client: 256
// bits, URL-safe base64.
func NewToken() string {
	var raw [valueBytes]byte
	_, _ = rand.Read(raw[:]) // never fails: crypto/rand crashes the program instead
	return b64.EncodeToString(raw[:])
}

// RememberClient records that account signed in from the machine client
// named kind+value at now, labelled label, from ip: a new, unregistered
// record on first sight, or the existing record's last visit. A revoked
// record is ErrRevoked: the value is never recognised for the account
// again.
func RememberClient(ctx context.Context, q store.Querier, accountID int64, kind, value, label, ip string, now time.Time) (*Device, error) {
	if value == "" {
		return nil, errors.New("device: a machine client without an identifier cannot be remembered")
	}
	return upsert(ctx, q, accountID, hash(kind+value), label, ip, now.UTC())
}

// RecogniseClient returns account's record of the machine client named
// kind+value, whether registered or not. A value the account never used,
// or one revoked, is store.ErrNotFound.
func RecogniseClient(ctx context.Context, q store.Querier, accountID int64, kind, value string) (*Device, error) {
	if value == "" {
		return nil, fmt.Errorf("device: account %d: no client identifier: %w", accountID, store.ErrNotFound)
	}
	d, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_device
		WHERE account_id = $1 AND token_hash = $2 AND revoked_at IS NULL`, accountID, hash(kind+value)))
	if err != nil {
		return nil, fmt.Errorf("device: account %d: this client is not recognised: %w", accountID, store.Err(err))
	}
	return d, nil
}

// Get returns one of account's devices.
func Get(ctx context.Context, q store.Querier, accountID, deviceID int64) (*Device, error) {
	d, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM security_device WHERE id = $1 AND account_id = $2`, deviceID, accountID))
	if err != nil {
		return nil, fmt.Errorf("device: device %d of account %d: %w", deviceID, accountID, store.Err(err))
	}
	return d, nil
}
