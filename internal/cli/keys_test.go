package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/security/secretbox"
)

// runKeys runs ledgersync in-process through Main with vars as the whole
// environment.
func runKeys(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	getenv := func(k string) string { return vars[k] }
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestKeysCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	oldKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x42}, 32))
	vars := map[string]string{"LEDGERSYNC_MASTER_KEY": oldKey, "LEDGERSYNC_DATA_DIR": dataDir}
	keyset := filepath.Join(dataDir, secretbox.KeysetFileName)
	keyIDs := regexp.MustCompile(`(?m)^(\d+)\s+enabled\s+(primary)?`)

	// Nothing works without a master key, and the message says how to make one.
	code, _, errOut := runKeys(t, map[string]string{"LEDGERSYNC_DATA_DIR": dataDir}, "keys", "init")
	if code != 1 || !strings.Contains(errOut, "LEDGERSYNC_MASTER_KEY") || !strings.Contains(errOut, "openssl rand -base64 32") {
		t.Fatalf("keys init without a master key exited %d: %q", code, errOut)
	}
	code, _, errOut = runKeys(t, vars, "keys", "status")
	if code != 1 || !strings.Contains(errOut, "no keyset file") || !strings.Contains(errOut, "keys init") {
		t.Fatalf("keys status before init exited %d: %q; want it to say there is no keyset and how to make one", code, errOut)
	}

	if code, _, errOut := runKeys(t, vars, "migrate", "up"); code != 0 {
		t.Fatalf("migrate up: %s", errOut)
	}
	code, out, errOut := runKeys(t, vars, "keys", "init")
	if code != 0 || !strings.Contains(out, "created keyset "+keyset) {
		t.Fatalf("keys init exited %d: %q %q", code, out, errOut)
	}
	code, out, _ = runKeys(t, vars, "keys", "init")
	if code != 0 || !strings.Contains(out, "already exists") {
		t.Fatalf("second keys init exited %d: %q; want it to keep the keyset", code, out)
	}

	code, out, errOut = runKeys(t, vars, "keys", "status")
	first := keyIDs.FindAllStringSubmatch(out, -1)
	if code != 0 || len(first) != 1 || first[0][2] != "primary" || !strings.Contains(out, keyset) {
		t.Fatalf("keys status exited %d: %q %q; want one primary key", code, out, errOut)
	}

	code, out, errOut = runKeys(t, vars, "keys", "rotate")
	if code != 0 || !strings.Contains(out, "new primary key") || !strings.Contains(out, "security_totp.secret_sealed") {
		t.Fatalf("keys rotate exited %d: %q %q", code, out, errOut)
	}
	_, out, _ = runKeys(t, vars, "keys", "status")
	rotated := keyIDs.FindAllStringSubmatch(out, -1)
	if len(rotated) != 2 || rotated[0][1] != first[0][1] || rotated[0][2] != "" || rotated[1][2] != "primary" {
		t.Fatalf("keys status after rotate: %q; want the old key and a new primary", out)
	}

	code, out, errOut = runKeys(t, vars, "keys", "drop-inactive")
	if code != 0 || !strings.Contains(out, "dropped key "+first[0][1]) {
		t.Fatalf("keys drop-inactive exited %d: %q %q", code, out, errOut)
	}
	_, out, _ = runKeys(t, vars, "keys", "status")
	if left := keyIDs.FindAllStringSubmatch(out, -1); len(left) != 1 || left[0][1] != rotated[1][1] {
		t.Fatalf("keys status after drop-inactive: %q; want only key %s", out, rotated[1][1])
	}

	// Rewrap: the new key from a file, then only it opens the keyset.
	code, _, errOut = runKeys(t, vars, "keys", "rewrap")
	if code != 2 || !strings.Contains(errOut, "--new-master-key-file") {
		t.Fatalf("keys rewrap without a file exited %d: %q; want a usage error", code, errOut)
	}
	sameFile := filepath.Join(dir, "same.key")
	if err := os.WriteFile(sameFile, []byte(oldKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = runKeys(t, vars, "keys", "rewrap", "--new-master-key-file", sameFile); code != 1 || !strings.Contains(errOut, "in use") {
		t.Fatalf("keys rewrap to the same key exited %d: %q", code, errOut)
	}
	newKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x17}, 32))
	newFile := filepath.Join(dir, "new.key")
	if err := os.WriteFile(newFile, []byte(newKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runKeys(t, vars, "keys", "rewrap", "--new-master-key-file", newFile)
	if code != 0 || !strings.Contains(out, "now encrypted under the master key in "+newFile) {
		t.Fatalf("keys rewrap exited %d: %q %q", code, out, errOut)
	}
	code, _, errOut = runKeys(t, vars, "keys", "status")
	if code != 1 || !strings.Contains(errOut, "master key") {
		t.Fatalf("keys status with the old master key after rewrap exited %d: %q", code, errOut)
	}
	newEnv := map[string]string{"LEDGERSYNC_MASTER_KEY_FILE": newFile, "LEDGERSYNC_DATA_DIR": dataDir}
	code, out, errOut = runKeys(t, newEnv, "keys", "status")
	if left := keyIDs.FindAllStringSubmatch(out, -1); code != 0 || len(left) != 1 || left[0][1] != rotated[1][1] {
		t.Fatalf("keys status with the new master key exited %d: %q %q; want the same key %s", code, out, errOut, rotated[1][1])
	}
	for _, secret := range []string{oldKey, newKey} {
		if strings.Contains(out+errOut, secret) {
			t.Fatal("keys status printed a master key")
		}
	}
	file, err := os.ReadFile(keyset)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(file), oldKey) || strings.Contains(string(file), newKey) {
		t.Fatal("the keyset file contains a master key")
	}
}
