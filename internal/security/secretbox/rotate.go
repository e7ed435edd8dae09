package secretbox

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/ledgersync/ledgersync/internal/store"
)

// Rotate adds a fresh AES-256-GCM data key, makes it the primary and
// rewrites the keyset file atomically. Values sealed from now on use the new
// key; values sealed before still open. It returns the new key's id. Run
// Reencrypt next to move the stored values onto it.
func (b *Box) Rotate() (uint32, error) {
	if _, err := b.current(); err != nil {
		return 0, fmt.Errorf("secretbox: rotate: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	m := keyset.NewManagerFromHandle(b.handle)
	id, err := m.Add(aead.AES256GCMKeyTemplate())
	if err != nil {
		return 0, fmt.Errorf("secretbox: rotate: add key: %w", err)
	}
	if err := m.SetPrimary(id); err != nil {
		return 0, fmt.Errorf("secretbox: rotate: %w", err)
	}
	h, err := m.Handle()
	if err != nil {
		return 0, fmt.Errorf("secretbox: rotate: %w", err)
	}
	created := maps.Clone(b.created)
	created[id] = b.clock.Now().UTC()
	if err := b.write(h, created, b.kek); err != nil {
		return 0, fmt.Errorf("secretbox: rotate: %w", err)
	}
	return id, nil
}

// Rewrap re-encrypts the keyset file under newMasterKey (32 bytes) without
// changing any data key, so no stored value needs re-encrypting. From then
// on the file opens only with the new master key: configure it before the
// next start.
func (b *Box) Rewrap(newMasterKey []byte) error {
	kek, err := newKEK(newMasterKey)
	if err != nil {
		return err
	}
	if _, err := b.current(); err != nil {
		return fmt.Errorf("secretbox: rewrap: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.write(b.handle, b.created, kek); err != nil {
		return fmt.Errorf("secretbox: rewrap: %w", err)
	}
	b.kek = kek
	return nil
}

// DropInactive removes every data key but the primary from the keyset file,
// after checking that no value in cols is still sealed under one of them
// (ErrKeyInUse otherwise: run Reencrypt first). It returns the ids dropped.
//
// It can only check the columns it is given: a value in a column that was
// never registered and is sealed under a dropped key is lost. Stop the
// servers, or make sure they restarted after the rotation, before dropping:
// a process still holding the old keyset could seal under an old key
// between the check and the drop.
func (b *Box) DropInactive(ctx context.Context, q store.Querier, cols []Column) ([]uint32, error) {
	if _, err := b.current(); err != nil {
		return nil, fmt.Errorf("secretbox: drop inactive keys: %w", err)
	}
	primary := b.PrimaryKeyID()
	var inUse []string
	for _, c := range cols {
		if err := c.validate(); err != nil {
			return nil, err
		}
		counts, unprefixed, err := countByKey(ctx, q, c)
		if err != nil {
			return nil, err
		}
		for _, id := range slices.Sorted(maps.Keys(counts)) {
			if id != primary {
				inUse = append(inUse, fmt.Sprintf("%d in %s under key %d", counts[id], c.Name(), id))
			}
		}
		if unprefixed > 0 {
			inUse = append(inUse, fmt.Sprintf("%d in %s not sealed by this keyset at all", unprefixed, c.Name()))
		}
	}
	if len(inUse) > 0 {
		return nil, fmt.Errorf("%w: %s: re-encrypt first (ledgersync keys reencrypt)", ErrKeyInUse, strings.Join(inUse, ", "))
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := b.handle.Primary()
	if err != nil || p.KeyID() != primary {
		return nil, fmt.Errorf("secretbox: drop inactive keys: the primary key changed during the check; run it again")
	}
	m := keyset.NewManagerFromHandle(b.handle)
	var dropped []uint32
	for i := range b.handle.Len() {
		e, err := b.handle.Entry(i)
		if err != nil {
			return nil, fmt.Errorf("secretbox: drop inactive keys: %w", err)
		}
		if e.KeyID() == primary {
			continue
		}
		if err := m.Delete(e.KeyID()); err != nil {
			return nil, fmt.Errorf("secretbox: drop key %d: %w", e.KeyID(), err)
		}
		dropped = append(dropped, e.KeyID())
	}
	if len(dropped) == 0 {
		return dropped, nil
	}
	h, err := m.Handle()
	if err != nil {
		return nil, fmt.Errorf("secretbox: drop inactive keys: %w", err)
	}
	created := map[uint32]time.Time{primary: b.created[primary]}
	if err := b.write(h, created, b.kek); err != nil {
		return nil, fmt.Errorf("secretbox: drop inactive keys: %w", err)
	}
	return dropped, nil
}

// countByKey counts c's non-NULL values by the key id in their prefix, and
// apart those without a Tink prefix (which no key opens).
func countByKey(ctx context.Context, q store.Querier, c Column) (counts map[uint32]int, unprefixed int, err error) {
	rows, err := q.QueryContext(ctx, `SELECT `+c.Column+` FROM `+c.Table+` WHERE `+c.Column+` IS NOT NULL`)
	if err != nil {
		return nil, 0, fmt.Errorf("secretbox: scan %s: %w", c.Name(), err)
	}
	defer rows.Close()
	counts = map[uint32]int{}
	for rows.Next() {
		var ct []byte
		if err := rows.Scan(&ct); err != nil {
			return nil, 0, fmt.Errorf("secretbox: scan %s: %w", c.Name(), err)
		}
		if id, ok := KeyID(ct); ok {
			counts[id]++
		} else {
			unprefixed++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("secretbox: scan %s: %w", c.Name(), err)
	}
	return counts, unprefixed, nil
}

// write encrypts h under kek, checks the result opens, replaces the keyset
// file and makes h current. The caller holds b.mu for writing.
func (b *Box) write(h *keyset.Handle, created map[uint32]time.Time, kek tink.AEAD) error {
	data, err := encodeKeysetFile(h, created, kek)
	if err != nil {
		return err
	}
	if _, _, err := decodeKeysetFile(data, kek); err != nil {
		return fmt.Errorf("the new keyset file does not open, nothing written: %w", err)
	}
	if err := replaceFile(b.path, data, b.fileSum); err != nil {
		return err
	}
	fi, _ := os.Stat(b.path)
	if err := b.install(h, created, data); err != nil {
		return err
	}
	b.fileInfo = fi
	return nil
}
