package otp_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/store"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newAccount(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), db.Writer(), "institution", name, now)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func newPhone(t *testing.T, db *store.DB, accountID int64) int64 {
	t.Helper()
	ph, err := phone.Add(context.Background(), db.Writer(), phone.DefaultPolicy(), accountID,
		phone.New{Number: "(201) 555-0123", Kind: phone.Mobile, Role: phone.Primary}, now)
	if err != nil {
		t.Fatal(err)
	}
	return ph.ID
}

func newCodes(t *testing.T) *otp.Codes {
	t.Helper()
	c, err := otp.NewCodes([]byte("a test key of thirty-two bytes!!"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrong returns a code of the same length that is not any of codes.
func wrong(codes ...string) string {
	n := len(codes[0])
	for i := 0; ; i++ {
		c := fmt.Sprintf("%0*d", n, i)
		ok := true
		for _, x := range codes {
			ok = ok && c != x
		}
		if ok {
			return c
		}
	}
}

// attemptsLeft extracts the count from a *WrongCodeError, or -1.
func attemptsLeft(err error) int {
	var w *otp.WrongCodeError
	if errors.As(err, &w) {
		return w.AttemptsLeft
	}
	return -1
}

// gcmSealer is the smallest honest Sealer: AES-256-GCM with a random nonce
// prepended to the ciphertext.
type gcmSealer struct{ aead cipher.AEAD }

func newSealer(t *testing.T) *gcmSealer {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return &gcmSealer{aead: aead}
}

func (s *gcmSealer) Seal(plaintext, aad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plaintext, aad), nil
}

func (s *gcmSealer) Open(ciphertext, aad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(ciphertext) < n {
		return nil, errors.New("sealed value too short")
	}
	return s.aead.Open(nil, ciphertext[:n], ciphertext[n:], aad)
}

// bump returns code with its last digit changed: the same length, never equal.
func bump(code string) string {
	d, _ := strconv.Atoi(code[len(code)-1:])
	return code[:len(code)-1] + strconv.Itoa((d+1)%10)
}

func mustNotContain(t *testing.T, where, haystack string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(haystack, s) {
			t.Errorf("%s contains a plaintext secret %q", where, s)
		}
	}
}

func base32Decode(s string) ([]byte, error) {
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
}
