package statementpdf

import (
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
)

// newTestRenderer is a renderer on a blank page with the body font set, for
// measuring text the way Render does.
func newTestRenderer(t *testing.T) *renderer {
	t.Helper()
	g, err := newGlyphSet()
	if err != nil {
		t.Fatal(err)
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "pt", SizeStr: "Letter"})
	p.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	p.SetCellMargin(cellMargin)
	p.AddPage()
	p.SetFont(fontFamily, "", 9)
	return &renderer{pdf: p, glyphs: g}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	avail := colDesc - 2*cellMargin
	tests := []struct {
		name      string
		in        string
		lines     int
		ellipsis  bool // text was cut
		keepWords bool // joined lines equal the input
	}{
		{"short", "POS PURCHASE HY-VEE", 1, false, true},
		{"wraps whole", longDescription, 3, false, true},
		{"too long", strings.Repeat("TRANSFER REFERENCE 1234567 ", 20), maxDescLines, true, false},
		{"one huge word", strings.Repeat("X", 200), maxDescLines, true, false},
		{"empty", "", 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := r.wrap(tt.in, colDesc, maxDescLines)
			if len(got) != tt.lines {
				t.Fatalf("wrap gave %d lines %q, want %d", len(got), got, tt.lines)
			}
			for _, l := range got {
				if w := r.pdf.GetStringWidth(l); w > avail {
					t.Errorf("line %q is %.1fpt wide, column holds %.1fpt", l, w, avail)
				}
			}
			if tt.lines > 0 && strings.HasSuffix(got[len(got)-1], "…") != tt.ellipsis {
				t.Errorf("last line %q: ellipsis = %v, want %v", got[len(got)-1], !tt.ellipsis, tt.ellipsis)
			}
			if tt.keepWords && strings.Join(got, " ") != tt.in {
				t.Errorf("wrap lost text: %q from %q", got, tt.in)
			}
		})
	}
}

func TestWrapBreaksLongWordsWithoutLosingCharacters(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	in := strings.Repeat("ABCDEFGHIJ", 7) // wider than the column, fits in 3 lines
	got := r.wrap(in, colDesc, maxDescLines)
	if len(got) < 2 || strings.Join(got, "") != in {
		t.Errorf("wrap(%d-char word) = %q", len(in), got)
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	if got := r.fit("1001", colCheck); got != "1001" {
		t.Errorf("fit(short) = %q", got)
	}
	long := strings.Repeat("1234567890", 5)
	got := r.fit(long, colCheck)
	if !strings.HasSuffix(got, "…") || r.pdf.GetStringWidth(got) > colCheck-2*cellMargin {
		t.Errorf("fit(long) = %q (%.1fpt) in a %.1fpt column", got, r.pdf.GetStringWidth(got), colCheck)
	}
}

func TestColumnsFillContentWidth(t *testing.T) {
	t.Parallel()
	if sum := colDate + colDesc + colCheck + colAmount + colBalance; sum != contentW {
		t.Errorf("transaction columns total %.1fpt, content is %.1fpt", sum, contentW)
	}
	if colDesc < 200 {
		t.Errorf("description column is only %.1fpt", colDesc)
	}
	if checkGap < 0 {
		t.Errorf("checks-paid groups overflow the page by %.1fpt", -checkGap*(checkGroups-1))
	}
}
