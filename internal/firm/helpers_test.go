package firm_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/secretbox"
	"github.com/ledgersync/ledgersync/internal/store"
)

var (
	t0        = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	masterKey = bytes.Repeat([]byte{0x42}, secretbox.MasterKeySize)
)

func newBox(t *testing.T) *secretbox.Box {
	t.Helper()
	b, err := secretbox.Open(masterKey, filepath.Join(t.TempDir(), secretbox.KeysetFileName), true, secretbox.WithClock(clock.NewFake(t0)))
	if err != nil {
		t.Fatalf("open keyset: %v", err)
	}
	return b
}

func newFirm(t *testing.T, db *store.DB, name string) *firm.Firm {
	t.Helper()
	f, err := firm.Create(context.Background(), db.Writer(), name, "", t0)
	if err != nil {
		t.Fatalf("create firm: %v", err)
	}
	return f
}

func newAccount(t *testing.T, db *store.DB, realm, email string) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), db.Writer(), realm, email, t0)
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	return a.ID
}

func newClient(t *testing.T, db *store.DB, firmID int64, name string) *firm.Client {
	t.Helper()
	c, err := firm.CreateClient(context.Background(), db.Writer(), firmID, firm.ClientDetails{Name: name}, t0)
	if err != nil {
		t.Fatalf("create client: %v", err)
	}
	return c
}

func ofxInstitution(name string) firm.Institution {
	return firm.Institution{Name: name, Kind: connector.OFX, OFXURL: "https://ofx.example.com/ofx", OFXOrg: "EXAMPLE", OFXFID: "1234"}
}

func newInstitution(t *testing.T, db *store.DB, name string) *firm.Institution {
	t.Helper()
	in, err := firm.AddInstitution(context.Background(), db.Writer(), ofxInstitution(name), t0)
	if err != nil {
		t.Fatalf("add institution: %v", err)
	}
	return in
}

// newConnection connects the client to the institution with a password
// and a shared answer derived from tag, so each connection's secrets are
// distinct.
func newConnection(t *testing.T, db *store.DB, box firm.Sealer, firmID, clientID, institutionID int64, tag string) *firm.Connection {
	t.Helper()
	c, err := firm.CreateConnection(context.Background(), db, box, firmID, firm.NewConnection{
		ClientID: clientID, InstitutionID: institutionID, Label: "Checking " + tag,
		Credentials:   connector.Credentials{Username: "user-" + tag, Password: "pw-" + tag + "-Tr0ub4dor&3"},
		SharedAnswers: map[string]string{"Favorite color?": "answer-" + tag + "-periwinkle"},
	}, t0)
	if err != nil {
		t.Fatalf("create connection: %v", err)
	}
	return c
}

// fieldErrors returns the fields err's *firm.FieldError refusals name.
func fieldErrors(err error) []string {
	var fields []string
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*firm.FieldError); ok {
			fields = append(fields, fe.Field)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if e := errors.Unwrap(err); e != nil {
			walk(e)
		}
	}
	walk(err)
	return fields
}

// dump renders every row of table as text: each value as printed, and each
// byte string also in hex and base64, so a secret stored in any of those
// forms shows up.
func dump(t *testing.T, db *store.DB, table string) string {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(), `SELECT * FROM `+table+` ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			switch v := v.(type) {
			case []byte:
				fmt.Fprintf(&b, "%s=%s|%s|%s\n", cols[i], v, hex.EncodeToString(v), base64.StdEncoding.EncodeToString(v))
			case time.Time:
				fmt.Fprintf(&b, "%s=%s\n", cols[i], v.UTC().Format(time.RFC3339Nano))
			default:
				fmt.Fprintf(&b, "%s=%v\n", cols[i], v)
			}
		}
		b.WriteString("--\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
