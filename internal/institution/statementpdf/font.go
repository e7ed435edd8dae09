package statementpdf

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// fontFamily is the embedded Go font family: a TrueType font embedded as a
// subset, so names such as "Zoë Łukasiewicz" print as written on every
// viewer instead of depending on the reader's fonts or on WinAnsi.
const fontFamily = "Go"

// glyphSet answers which runes both embedded faces can draw.
type glyphSet struct {
	faces []*sfnt.Font
	buf   sfnt.Buffer
}

func newGlyphSet() (*glyphSet, error) {
	g := &glyphSet{}
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("parse embedded font: %w", err)
		}
		g.faces = append(g.faces, f)
	}
	return g, nil
}

func (g *glyphSet) has(r rune) bool {
	// The PDF font maps 16-bit character codes only.
	if r > 0xFFFF {
		return false
	}
	for _, f := range g.faces {
		if i, err := f.GlyphIndex(&g.buf, r); err != nil || i == 0 {
			return false
		}
	}
	return true
}

// clean makes caller text printable: runs of white space and control
// characters become one space, and runes the font cannot draw (emoji, CJK)
// become "?" so nothing silently renders as an empty box or vanishes from
// the text layer.
func (g *glyphSet) clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if !g.has(r) {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
