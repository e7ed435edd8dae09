package password

import (
	_ "embed"
	"strings"
	"sync"
)

// commonPasswordsText is the shipped blocklist: one lower-case password a
// line, most common first, no duplicates. data/README.md says where it comes
// from and under which licence.
//
//go:embed data/common-passwords.txt
var commonPasswordsText string

// commonPasswords builds the lookup set on first use rather than at start-up,
// so programs that never check a password pay nothing. The keys share the
// embedded string's memory.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, strings.Count(commonPasswordsText, "\n")+1)
	for line := range strings.Lines(commonPasswordsText) {
		if w := strings.TrimRight(line, "\r\n"); w != "" {
			set[w] = struct{}{}
		}
	}
	return set
})

// IsCommon reports whether password, compared case-insensitively and as a
// whole (NIST SP 800-63B: no partial matches), is on the shipped list of
// commonly used passwords.
func IsCommon(password string) bool {
	if len(password) > MaxBytes {
		return false // nothing that long is on the list
	}
	_, ok := commonPasswords()[strings.ToLower(normalize(password))]
	return ok
}

// CommonCount returns the number of passwords on the shipped blocklist.
func CommonCount() int { return len(commonPasswords()) }
