package otp_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// dump renders every row of table as text: each value as printed, and each
// byte string also raw, in hex and in base64, so a secret stored in any of
// those forms shows up.
func dump(t *testing.T, db *store.DB, table string) (string, int) {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n := 0
	for rows.Next() {
		n++
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
				fmt.Fprintf(&b, "%s=%s\n", cols[i], v.Format(time.RFC3339Nano))
			default:
				fmt.Fprintf(&b, "%s=%v\n", cols[i], v)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String(), n
}

func TestNoPlaintextSecretIsStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		codes := newCodes(t)
		member := newAccount(t, db, "member")
		staff := newAccount(t, db, "advisor")
		ph := newPhone(t, db, member)
		w := db.Writer()

		var secrets []string
		for i := range 3 {
			code, _, err := codes.Issue(ctx, w, otp.Issue{AccountID: member, FlowID: fmt.Sprintf("flow-%d", i), Purpose: "login", Channel: otp.SMS, PhoneID: ph}, now)
			if err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, code)
		}
		// One code is used, one is wrong-guessed, one waits.
		if err := codes.Verify(ctx, w, member, "flow-0", "login", secrets[0], now); err != nil {
			t.Fatal(err)
		}
		if err := codes.Verify(ctx, w, member, "flow-1", "login", wrong(secrets[1]), now); err == nil {
			t.Fatal("a wrong code was accepted")
		} else {
			mustNotContain(t, "a wrong-code error", err.Error(), secrets[1], wrong(secrets[1]))
		}

		access, _, err := otp.IssueAccessCode(ctx, w, otp.AccessCodeRequest{AccountID: member, IssuedBy: staff, Reason: "lost phone"}, now)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, access, strings.ReplaceAll(access, "-", ""))

		recovery, err := codes.GenerateRecoveryCodes(ctx, w, member, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range recovery {
			secrets = append(secrets, c, strings.ReplaceAll(c, "-", ""))
		}
		if _, err := codes.UseRecoveryCode(ctx, w, member, recovery[0], now); err != nil {
			t.Fatal(err)
		}

		app, err := otp.NewTOTP(newSealer(t), "Example CU")
		if err != nil {
			t.Fatal(err)
		}
		e, err := app.Enrol(ctx, w, member, "member", now)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, e.Secret, strings.ToLower(e.Secret))
		if raw, err := base32Decode(e.Secret); err == nil {
			secrets = append(secrets, string(raw), hex.EncodeToString(raw))
		}

		for _, table := range []string{"security_otp_flow", "security_otp_code", "security_access_code", "security_totp", "security_recovery_code", "security_phone", "audit_event"} {
			text, n := dump(t, db, table)
			mustNotContain(t, table, text, secrets...)
			want := map[string]int{"security_otp_flow": 3, "security_otp_code": 3, "security_access_code": 1, "security_totp": 1, "security_recovery_code": otp.RecoveryCodeCount, "security_phone": 1}[table]
			if n != want && table != "audit_event" {
				t.Errorf("%s has %d rows, want %d: the dump checked nothing", table, n, want)
			}
		}
	})
}
