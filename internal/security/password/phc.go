package password

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrMalformedHash is returned (wrapped, with what was wrong) by Verify when the
// stored string is not an argon2id PHC string this package can check. It means
// the stored record is damaged or foreign, not that the password was wrong.
// Neither the stored string nor the password appears in the error.
var ErrMalformedHash = errors.New("password: stored hash is malformed")

// b64 is the PHC string format's base64: standard alphabet, no padding. Strict
// refuses non-zero trailing bits, so one hash has exactly one encoding.
var b64 = base64.RawStdEncoding.Strict()

// encodePHC writes $argon2id$v=19$m=<KiB>,t=<passes>,p=<threads>$<salt>$<key>.
func encodePHC(p Params, salt, key []byte) string {
	var b strings.Builder
	b.Grow(40 + b64.EncodedLen(len(salt)) + b64.EncodedLen(len(key)))
	fmt.Fprintf(&b, "$argon2id$v=%d$m=%d,t=%d,p=%d$", argon2.Version, p.Memory, p.Time, p.Threads)
	b.WriteString(b64.EncodeToString(salt))
	b.WriteByte('$')
	b.WriteString(b64.EncodeToString(key))
	return b.String()
}

// decodePHC parses what encodePHC writes, strictly: one algorithm (argon2id),
// one version (19), the parameters m, t and p in that order and nothing else.
func decodePHC(s string) (p Params, salt, key []byte, err error) {
	malformed := func(what string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, what)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return malformed("want 5 '$'-separated fields")
	}
	if parts[1] != "argon2id" {
		return malformed("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return malformed("version is not v=19")
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return malformed("want parameters m, t and p")
	}
	var vals [3]uint64
	for i, name := range [3]string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return malformed("want parameters m, t and p in that order")
		}
		n, ok := parseDecimal(v)
		if !ok {
			return malformed("parameter " + name + " is not a plain decimal number")
		}
		vals[i] = n
	}
	if vals[0] > maxMemory || vals[1] > maxTime || vals[2] > 255 {
		return malformed("parameters are out of range")
	}
	if salt, err = decodeB64(parts[4]); err != nil {
		return malformed("salt is not unpadded base64")
	}
	if key, err = decodeB64(parts[5]); err != nil {
		return malformed("hash is not unpadded base64")
	}
	p = Params{
		Memory:  uint32(vals[0]),
		Time:    uint32(vals[1]),
		Threads: uint8(vals[2]),
		SaltLen: uint32(len(salt)),
		KeyLen:  uint32(len(key)),
	}
	if err := p.sane(); err != nil {
		return malformed(strings.TrimPrefix(err.Error(), "password hashing parameters: "))
	}
	return p, salt, key, nil
}

// decodeB64 decodes s and insists that s was the canonical encoding: the
// standard decoder skips CR and LF anywhere in its input.
func decodeB64(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err == nil && b64.EncodeToString(b) != s {
		err = errors.New("not canonical base64")
	}
	return b, err
}

// parseDecimal accepts 1–10 ASCII digits without sign or leading zero, the
// PHC format's canonical decimal.
func parseDecimal(s string) (uint64, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
