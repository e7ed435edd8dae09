package api

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
)

// sealer encrypts the one credential a login flow must carry between
// requests: the device token it will hand back when the login completes
// (the client presented it, or the bank made it for a device awaiting the
// member's approval). A flow's state is stored in clear, and a device
// token is a credential, so it travels there sealed (AES-256-GCM, with the
// login's pre-sign-in session as associated data: a sealed token cannot be
// moved to another login).
type sealer struct{ aead cipher.AEAD }

// newSealer encrypts under key, the bank's seal key (bankapp.App.SealKey,
// derived from the master key, so every replica has the same one).
func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

var b64 = base64.RawURLEncoding

func (s *sealer) seal(plain, bound string) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // never fails: crypto/rand crashes the program instead
	return b64.EncodeToString(s.aead.Seal(nonce, nonce, []byte(plain), []byte(bound)))
}

func (s *sealer) open(sealed, bound string) (string, error) {
	raw, err := b64.DecodeString(sealed)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", errors.New("api: a sealed device token is malformed")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(bound))
	if err != nil {
		return "", errors.New("api: a sealed device token does not open (another key or another login)")
	}
	return string(plain), nil
}
