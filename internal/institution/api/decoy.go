package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
)

// maxDecoys bounds the decoy counters kept; when full they start over.
const maxDecoys = 10000

// decoys count wrong passwords for usernames nobody has, so that the
// attempts_left of a 401 counts down (2, 1, then 423) exactly as it does for
// a real sign-in: otherwise an unknown username would say so by never
// counting down. The counts are kept in memory under an HMAC of the
// username, not the username; they last as long as the process. The engine
// counts nothing for unknown usernames (it cannot: there is no account to
// count against), which is why this lives here.
type decoys struct {
	key   []byte
	mu    sync.Mutex
	count map[[sha256.Size]byte]int
}

func newDecoys(key []byte) *decoys {
	return &decoys{key: key, count: map[[sha256.Size]byte]int{}}
}

// fail counts a wrong password for username and returns how many wrong
// passwords the username has had.
func (d *decoys) fail(username string) int {
	mac := hmac.New(sha256.New, d.key)
	mac.Write([]byte("api decoy lockout\x00" + username))
	var k [sha256.Size]byte
	copy(k[:], mac.Sum(nil))
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.count[k]; !ok && len(d.count) >= maxDecoys {
		clear(d.count)
	}
	d.count[k]++
	return d.count[k]
}
