package ofxserver

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ledgersync/ledgersync/internal/ofx"
)

// asciiText rewrites the text under e in ASCII, for an OFX 2.x reply. XML
// would carry any character, but the clients in use do not: Python's
// ofxparse reads a 2.x file as ASCII, and libofx's SGML parser refuses the
// character references that would spell the rest. Accents are dropped
// ("José" is "Jose"), the bullets of a masked number become asterisks
// ("••••6627" is "****6627"), typographic quotes and dashes their ASCII
// forms, and anything else a question mark. OFX 1.x replies keep their
// text: their header names the character set.
func asciiText(e *ofx.Element) {
	if e == nil {
		return
	}
	e.Value = toASCII(e.Value)
	for _, c := range e.Children {
		asciiText(c)
	}
}

func toASCII(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r): // a combining accent
		case r == '•' || r == '·' || r == '∙':
			b.WriteByte('*')
		case r == '‘' || r == '’' || r == '‚' || r == '′':
			b.WriteByte('\'')
		case r == '“' || r == '”' || r == '„' || r == '«' || r == '»' || r == '″':
			b.WriteByte('"')
		case r == '‐' || r == '‑' || r == '‒' || r == '–' || r == '—' || r == '−':
			b.WriteByte('-')
		case r == 'ß':
			b.WriteString("ss")
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
