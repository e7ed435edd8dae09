package password

import (
	"strings"
	"testing"
)

// FuzzDecodePHC: no input makes the parser panic, and whatever it accepts
// encodes back to the same string (one canonical form per hash).
func FuzzDecodePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzYWx0c2E$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo")
	f.Add("$argon2i$v=19$m=64,t=1,p=1$$")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodePHC(s)
		if err != nil {
			if strings.Contains(err.Error(), s) && len(s) > 8 {
				t.Fatalf("error repeats the stored string")
			}
			return
		}
		if got := encodePHC(p, salt, key); got != s {
			t.Fatalf("decode/encode changed %q to %q", s, got)
		}
	})
}
