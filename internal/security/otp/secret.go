package otp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Alphabet is the characters of access and recovery codes: digits and
// capitals without the look-alikes 0/O, 1/I/L and U/V (Crockford-style), so
// a code read over the phone or from paper is typed right.
const Alphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ"

// MinKeyLength is the shortest server key NewCodes accepts, in bytes.
const MinKeyLength = 32

// Errors shared by the kinds of code. Each says what a member can do next.
var (
	ErrNoCode          = errors.New("no code is waiting for this step; ask for a new one")
	ErrExpired         = errors.New("the code has expired; ask for a new one")
	ErrUsed            = errors.New("the code has already been used")
	ErrWrongCode       = errors.New("the code is not right")
	ErrTooManyAttempts = errors.New("too many wrong codes; start again or choose another way to sign in")
	ErrMalformed       = errors.New("enter the code exactly as you received it")
)

// WrongCodeError is a wrong numeric code, with the attempts the flow has
// left. errors.Is(err, ErrWrongCode) holds for it.
type WrongCodeError struct {
	AttemptsLeft int
}

// Error says the code is wrong and how many attempts are left.
func (e *WrongCodeError) Error() string {
	switch e.AttemptsLeft {
	case 0:
		return "the code is not right; no attempts are left"
	case 1:
		return "the code is not right; 1 attempt is left"
	default:
		return "the code is not right; " + strconv.Itoa(e.AttemptsLeft) + " attempts are left"
	}
}

// Is makes errors.Is(err, ErrWrongCode) true.
func (e *WrongCodeError) Is(target error) bool { return target == ErrWrongCode }

// randomDigits returns n decimal digits, uniformly distributed over all
// 10^n strings (leading zeros included): rand.Int rejects the values that
// would bias a modulo.
func randomDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := rand.Int(rand.Reader, limit)
	if err != nil {
		// crypto/rand does not fail on supported platforms (Go 1.24+).
		panic(fmt.Sprintf("otp: crypto/rand: %v", err))
	}
	s := v.String()
	return strings.Repeat("0", n-len(s)) + s
}

// randomString returns n characters drawn uniformly from Alphabet. Bytes
// at or above the largest multiple of the alphabet's size are rejected, so
// no character is more likely than another.
func randomString(n int) string {
	const size = len(Alphabet)
	const cutoff = 256 - 256%size
	out := make([]byte, 0, n)
	var buf [32]byte
	for len(out) < n {
		_, _ = rand.Read(buf[:]) // never fails (Go 1.24+)
		for _, b := range buf {
			if int(b) < cutoff && len(out) < n {
				out = append(out, Alphabet[int(b)%size])
			}
		}
	}
	return string(out)
}

// group inserts a hyphen every size characters: "ABCDE-FGHJK".
func group(s string, size int) string {
	var b strings.Builder
	for i := 0; i < len(s); i += size {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s[i:min(i+size, len(s))])
	}
	return b.String()
}

// normalizeTyped puts a typed code into its canonical form: spaces and
// hyphens dropped, letters upper-cased.
func normalizeTyped(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// inAlphabet reports whether s is n characters of Alphabet.
func inAlphabet(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if strings.IndexByte(Alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// allDigits reports whether s is between MinDigits and MaxDigits ASCII digits.
func allDigits(s string) bool {
	if len(s) < MinDigits || len(s) > MaxDigits {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// keyedHash is HMAC-SHA256 under key of a domain label and parts, each
// length-prefixed so that no two different part lists hash alike.
func keyedHash(key []byte, domain string, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	writeParts(m, domain, parts)
	return m.Sum(nil)
}

// plainHash is SHA-256 of a domain label and parts, for high-entropy codes.
func plainHash(domain string, parts ...string) []byte {
	h := sha256.New()
	writeParts(h, domain, parts)
	return h.Sum(nil)
}

func writeParts(w interface{ Write([]byte) (int, error) }, domain string, parts []string) {
	var n [8]byte
	for _, p := range append([]string{domain}, parts...) {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		_, _ = w.Write(n[:])
		_, _ = w.Write([]byte(p))
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
