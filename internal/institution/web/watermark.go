package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/password"
)

// Watermark is a security image a member chooses at enrolment (S22) and
// sees after typing the username, before the password, and on every page.
type Watermark struct {
	ID    string // "lighthouse": also the file name under static/watermarks
	Label string // the alternative text: "A lighthouse"
}

// watermarks are the images a member can choose from.
func watermarks() []Watermark {
	return []Watermark{
		{"lighthouse", "A lighthouse"},
		{"oak", "An oak tree"},
		{"sailboat", "A sailboat"},
		{"mountain", "A mountain"},
		{"compass", "A compass"},
		{"owl", "An owl"},
	}
}

func watermarkByID(id string) (Watermark, bool) {
	for _, w := range watermarks() {
		if w.ID == id {
			return w, true
		}
	}
	return Watermark{}, false
}

// decoyWatermark is the image shown for a username: the same one every
// time for the same username, so that a username nobody has shows a
// watermark too, and always the same one, and the page does not tell who
// has an account. Members who have not chosen one see theirs the same way.
func (s *site) decoyWatermark(username string) Watermark {
	mac := hmac.New(sha256.New, s.decoyKey)
	mac.Write([]byte(password.NormalizeUsername(username)))
	sum := mac.Sum(nil)
	all := watermarks()
	return all[binary.BigEndian.Uint64(sum[:8])%uint64(len(all))]
}

// watermarkFor is the image to show for a sign-in: the member's choice, or
// the username's decoy. own is false for a delegate, who signs in with
// credentials of their own and so does not see the member's image.
func (s *site) watermarkFor(username string, m *institution.Member, own bool) Watermark {
	if own && m != nil {
		if w, ok := watermarkByID(m.Watermark); ok {
			return w
		}
	}
	return s.decoyWatermark(username)
}
