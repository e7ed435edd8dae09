package secretbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// vault is a test table with one encrypted column.
var vaultColumn = secretbox.Column{
	Table: "test_vault", IDColumn: "id", Column: "secret",
	AAD: func(id int64) []byte { return secretbox.RowAAD("test_vault", id, "secret") },
}

func createVault(t *testing.T, db *store.DB) {
	t.Helper()
	ddl := map[store.Dialect]string{
		store.SQLite:   `CREATE TABLE test_vault (id INTEGER PRIMARY KEY, secret BLOB)`,
		store.Postgres: `CREATE TABLE test_vault (id BIGINT PRIMARY KEY, secret BYTEA)`,
	}[db.Dialect()]
	if _, err := db.Writer().ExecContext(context.Background(), ddl); err != nil {
		t.Fatalf("create test table: %v", err)
	}
}

func plaintextOf(id int64) []byte { return fmt.Appendf(nil, "secret of row %d", id) }

// fillVault seals rows 1..n (and a NULL row n+1) with b.
func fillVault(t *testing.T, db *store.DB, b *secretbox.Box, n int) {
	t.Helper()
	for id := int64(1); id <= int64(n); id++ {
		ct := mustSeal(t, b, plaintextOf(id), vaultColumn.AAD(id))
		if _, err := db.Writer().ExecContext(context.Background(), `INSERT INTO test_vault (id, secret) VALUES ($1, $2)`, id, ct); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Writer().ExecContext(context.Background(), `INSERT INTO test_vault (id, secret) VALUES ($1, NULL)`, n+1); err != nil {
		t.Fatal(err)
	}
}

// vaultKeys opens every row with b and returns the key id of each, by row.
func vaultKeys(t *testing.T, db *store.DB, b *secretbox.Box) map[int64]uint32 {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(), `SELECT id, secret FROM test_vault WHERE secret IS NOT NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	keys := map[int64]uint32{}
	for rows.Next() {
		var id int64
		var ct []byte
		if err := rows.Scan(&id, &ct); err != nil {
			t.Fatal(err)
		}
		pt, err := b.Open(ct, vaultColumn.AAD(id))
		if err != nil || !bytes.Equal(pt, plaintextOf(id)) {
			t.Fatalf("row %d does not open to its value: %q, %v", id, pt, err)
		}
		keys[id] = keyID(t, ct)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestReencryptMovesEveryValueToThePrimaryThenDropInactive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		createVault(t, db)
		b, path := newBox(t, secretbox.WithBatchSize(3))
		oldID := b.PrimaryKeyID()
		fillVault(t, db, b, 10)
		cols := []secretbox.Column{vaultColumn}

		newID, err := b.Rotate()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.DropInactive(ctx, db.Reader(), cols); !errors.Is(err, secretbox.ErrKeyInUse) ||
			!strings.Contains(err.Error(), fmt.Sprintf("10 in test_vault.secret under key %d", oldID)) {
			t.Fatalf("DropInactive before re-encryption = %v; want ErrKeyInUse counting the 10 values under key %d", err, oldID)
		}

		reports, err := b.Reencrypt(ctx, db, cols)
		if err != nil {
			t.Fatal(err)
		}
		want := secretbox.ColumnReport{Column: "test_vault.secret", Scanned: 10, Reencrypted: 10}
		if len(reports) != 1 || reports[0] != want {
			t.Fatalf("Reencrypt reported %+v, want [%+v]", reports, want)
		}
		for id, k := range vaultKeys(t, db, b) {
			if k != newID {
				t.Fatalf("row %d is under key %d after re-encryption, want %d", id, k, newID)
			}
		}

		// A second run finds nothing to do.
		reports, err = b.Reencrypt(ctx, db, cols)
		want = secretbox.ColumnReport{Column: "test_vault.secret", Scanned: 10, Current: 10}
		if err != nil || len(reports) != 1 || reports[0] != want {
			t.Fatalf("second Reencrypt = %+v, %v; want [%+v]", reports, err, want)
		}

		dropped, err := b.DropInactive(ctx, db.Reader(), cols)
		if err != nil || len(dropped) != 1 || dropped[0] != oldID {
			t.Fatalf("DropInactive = %v, %v; want [%d]", dropped, err, oldID)
		}
		reopened, err := secretbox.Open(masterKey, path, false)
		if err != nil {
			t.Fatal(err)
		}
		if keys := reopened.Keys(); len(keys) != 1 || keys[0].ID != newID || !keys[0].Primary {
			t.Fatalf("after DropInactive the keyset file holds %+v, want only key %d", keys, newID)
		}
		if got := vaultKeys(t, db, reopened); len(got) != 10 {
			t.Fatalf("%d rows open after the drop, want 10", len(got))
		}
	})
}

// A run that stops part-way (here: the AAD function gives wrong data for
// row 8, so that row does not open) keeps the batches that committed, rolls
// back the one that failed, and leaves every row openable. Running again
// finishes the job.
func TestInterruptedReencryptLeavesEveryRowOpenable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		createVault(t, db)
		b, _ := newBox(t, secretbox.WithBatchSize(3))
		oldID := b.PrimaryKeyID()
		fillVault(t, db, b, 10)
		newID, err := b.Rotate()
		if err != nil {
			t.Fatal(err)
		}

		failing := vaultColumn
		failing.AAD = func(id int64) []byte {
			if id == 8 {
				return []byte("not the right row")
			}
			return vaultColumn.AAD(id)
		}
		reports, err := b.Reencrypt(ctx, db, []secretbox.Column{failing})
		if !errors.Is(err, secretbox.ErrDecrypt) || !strings.Contains(err.Error(), "test_vault.secret id=8") {
			t.Fatalf("Reencrypt with a failing row = %v; want ErrDecrypt naming row 8", err)
		}
		if strings.Contains(err.Error(), "secret of row") {
			t.Fatalf("the error %q contains a plaintext", err)
		}
		// Batches {1,2,3} and {4,5,6} committed; {7,8,9} rolled back.
		want := secretbox.ColumnReport{Column: "test_vault.secret", Scanned: 6, Reencrypted: 6}
		if len(reports) != 1 || reports[0] != want {
			t.Fatalf("partial Reencrypt reported %+v, want [%+v]", reports, want)
		}
		keys := vaultKeys(t, db, b)
		for id := int64(1); id <= 10; id++ {
			wantKey := oldID
			if id <= 6 {
				wantKey = newID
			}
			if keys[id] != wantKey {
				t.Fatalf("after the interrupted run row %d is under key %d, want %d", id, keys[id], wantKey)
			}
		}

		reports, err = b.Reencrypt(ctx, db, []secretbox.Column{vaultColumn})
		want = secretbox.ColumnReport{Column: "test_vault.secret", Scanned: 10, Reencrypted: 4, Current: 6}
		if err != nil || len(reports) != 1 || reports[0] != want {
			t.Fatalf("resumed Reencrypt = %+v, %v; want [%+v]", reports, err, want)
		}
		for id, k := range vaultKeys(t, db, b) {
			if k != newID {
				t.Fatalf("row %d still under key %d after the resumed run", id, k)
			}
		}
	})
}

// A value rewritten by the application between Reencrypt's read and its
// update is left as the application wrote it. Only PostgreSQL can show this:
// SQLite's single writer connection is held by Reencrypt's transaction.
func TestReencryptDoesNotOverwriteAConcurrentWrite(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.Postgres {
			t.Skip("needs a second writer connection")
		}
		ctx := context.Background()
		createVault(t, db)
		b, _ := newBox(t)
		fillVault(t, db, b, 3)
		if _, err := b.Rotate(); err != nil {
			t.Fatal(err)
		}
		var written []byte
		racing := vaultColumn
		racing.AAD = func(id int64) []byte {
			if id == 2 && written == nil {
				written = mustSeal(t, b, plaintextOf(2), vaultColumn.AAD(2))
				if _, err := db.Writer().ExecContext(ctx, `UPDATE test_vault SET secret = $1 WHERE id = 2`, written); err != nil {
					t.Errorf("concurrent update: %v", err)
				}
			}
			return vaultColumn.AAD(id)
		}
		reports, err := b.Reencrypt(ctx, db, []secretbox.Column{racing})
		want := secretbox.ColumnReport{Column: "test_vault.secret", Scanned: 3, Reencrypted: 2, Changed: 1}
		if err != nil || len(reports) != 1 || reports[0] != want {
			t.Fatalf("Reencrypt = %+v, %v; want [%+v]", reports, err, want)
		}
		var got []byte
		if err := db.Reader().QueryRowContext(ctx, `SELECT secret FROM test_vault WHERE id = 2`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, written) {
			t.Fatal("Reencrypt overwrote the value the application wrote meanwhile")
		}
		vaultKeys(t, db, b)
	})
}

func TestColumnNamesMustBePlainIdentifiers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		createVault(t, db)
		b, _ := newBox(t)
		bad := vaultColumn
		bad.Table = "test_vault; DROP TABLE test_vault"
		if _, err := b.Reencrypt(ctx, db, []secretbox.Column{bad}); err == nil || !strings.Contains(err.Error(), "not a plain SQL identifier") {
			t.Fatalf("Reencrypt with an injected table name = %v; want it refused", err)
		}
		if _, err := b.DropInactive(ctx, db.Reader(), []secretbox.Column{bad}); err == nil {
			t.Fatal("DropInactive accepted an injected table name")
		}
		var n int
		if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM test_vault`).Scan(&n); err != nil {
			t.Fatalf("the test table is gone: %v", err)
		}
	})
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	var reg secretbox.Registry
	if len(reg.Columns()) != 0 {
		t.Fatal("the zero Registry is not empty")
	}
	other := secretbox.Column{Table: "connection", IDColumn: "id", Column: "credentials",
		AAD: func(id int64) []byte { return secretbox.RowAAD("connection", id, "credentials") }}
	if err := reg.Add(vaultColumn, other); err != nil {
		t.Fatal(err)
	}
	if err := reg.Add(vaultColumn); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("adding test_vault.secret twice = %v; want refused", err)
	}
	noAAD := other
	noAAD.Column, noAAD.AAD = "state", nil
	for name, c := range map[string]secretbox.Column{
		"no AAD":       noAAD,
		"quoted name":  {Table: `"x"`, IDColumn: "id", Column: "c", AAD: vaultColumn.AAD},
		"empty id col": {Table: "x", Column: "c", AAD: vaultColumn.AAD},
	} {
		if err := reg.Add(c); err == nil {
			t.Errorf("%s: Add accepted %+v", name, c)
		}
	}
	cols := reg.Columns()
	if len(cols) != 2 || cols[0].Name() != "test_vault.secret" || cols[1].Name() != "connection.credentials" {
		t.Fatalf("Columns() = %v, want test_vault.secret and connection.credentials in order", cols)
	}
	cols[0].Table = "changed"
	if reg.Columns()[0].Table != "test_vault" {
		t.Fatal("Columns() exposes the registry's own slice")
	}
	if got := string(secretbox.RowAAD("connection", 42, "credentials")); got != "connection:42:credentials" {
		t.Fatalf("RowAAD = %q", got)
	}
}
