package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Token is a session cookie's value, "<id>.<secret>": two independent random
// 128-bit values in unpadded base64url. The id finds the row; the secret is
// checked against its stored SHA-256 in constant time. Token's String and
// GoString hide it, so a Token printed by mistake reveals nothing.
type Token string

// String hides the token.
func (Token) String() string { return "[session token]" }

// GoString hides the token from %#v.
func (Token) GoString() string { return "session.Token([redacted])" }

const randomBytes = 16 // 128 bits each for the id and the secret

var b64 = base64.RawURLEncoding.Strict() // one spelling per value

type token struct {
	id     string
	secret []byte
}

func newToken() token {
	var id, secret [randomBytes]byte
	_, _ = rand.Read(id[:]) // never fails: crypto/rand crashes the program instead
	_, _ = rand.Read(secret[:])
	return token{id: b64.EncodeToString(id[:]), secret: secret[:]}
}

func (t token) value() Token { return Token(t.id + "." + b64.EncodeToString(t.secret)) }

// secretHash is what the database keeps. SHA-256 suffices: the secret is
// 128 random bits, so there is nothing to brute-force that a slow hash would
// protect.
func (t token) secretHash() string {
	h := sha256.Sum256(t.secret)
	return hex.EncodeToString(h[:])
}

func (t token) matches(storedHash string) bool {
	return subtle.ConstantTimeCompare([]byte(t.secretHash()), []byte(storedHash)) == 1
}

// parseToken splits a cookie value, refusing anything that is not exactly two
// 128-bit base64url values.
func parseToken(v string) (token, bool) {
	id, secret, ok := strings.Cut(v, ".")
	if !ok || b64.DecodedLen(len(id)) != randomBytes || b64.DecodedLen(len(secret)) != randomBytes {
		return token{}, false
	}
	idRaw, err := b64.DecodeString(id)
	if err != nil || len(idRaw) != randomBytes {
		return token{}, false
	}
	raw, err := b64.DecodeString(secret)
	if err != nil || len(raw) != randomBytes {
		return token{}, false
	}
	return token{id: id, secret: raw}, true
}

// csrfToken derives the session's CSRF token from its cookie secret:
// HMAC-SHA256(secret, label). It is unguessable without the HttpOnly cookie,
// differs for every session and every rotation, and reveals nothing about the
// secret; and since it is computed per request it is never stored.
func csrfToken(secret []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("ledgersync session csrf v1"))
	return b64.EncodeToString(mac.Sum(nil))
}
