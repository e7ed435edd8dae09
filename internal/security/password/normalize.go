package password

import "golang.org/x/text/unicode/norm"

// normalize puts s into Unicode normalisation form NFKC, as NIST SP 800-63B
// recommends before hashing, so that the same characters typed on different
// systems give the same password. ASCII is returned unchanged without copying.
func normalize(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return norm.NFKC.String(s)
		}
	}
	return s
}
