package checkimage

import (
	"image"
	"image/color"
	"image/draw"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// These tests read the rendered image back without OCR: they check that
// every value is drawn, in ink, in its own place, and that nothing else on
// the paper is dark enough to be mistaken for text. They run everywhere;
// the OCR test adds tesseract's reading where it is installed.

const (
	inkBelow   = 0x40 // darker than this is text (or a rule)
	paperAbove = 0xE0 // the paper and its pattern are at least this light
)

func renderLayout(t *testing.T, l layout) (*image.Gray, []placed) {
	t.Helper()
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	img, texts, err := render(f, l)
	if err != nil {
		t.Fatal(err)
	}
	return img, texts
}

// checkSide asserts that every wanted string is drawn, in ink, inside the
// border and apart from every other text, and that all else is paper or a
// printed rule.
func checkSide(t *testing.T, l layout, want []string) (*image.Gray, map[string]placed) {
	t.Helper()
	img, texts := renderLayout(t, l)
	byText := make(map[string]placed)
	for _, p := range texts {
		if _, dup := byText[p.s]; !dup { // the first, e.g. the drawer's name rather than the signature
			byText[p.s] = p
		}
	}
	inside := image.Rect(16, 16, width-16, height-16)
	for _, s := range want {
		p, ok := byText[s]
		if !ok {
			t.Errorf("%q is not on the check", s)
			continue
		}
		if !p.bounds.In(inside) {
			t.Errorf("%q at %v is not inside the border %v", s, p.bounds, inside)
		}
		ink := 0
		for y := p.bounds.Min.Y; y < p.bounds.Max.Y; y++ {
			for x := p.bounds.Min.X; x < p.bounds.Max.X; x++ {
				if img.GrayAt(x, y).Y < inkBelow {
					ink++
				}
			}
		}
		// A legible glyph stroke is several pixels wide; demand at least
		// 20 ink pixels per character.
		if ink < 20*len(s) {
			t.Errorf("%q at %v has only %d ink pixels", s, p.bounds, ink)
		}
	}
	for i, a := range texts {
		for _, b := range texts[i+1:] {
			if a.bounds.Overlaps(b.bounds) {
				t.Errorf("%q at %v overlaps %q at %v", a.s, a.bounds, b.s, b.bounds)
			}
		}
	}
	// Everything that is not text or a rule is paper, light enough that OCR
	// binarizes it to white.
	covered := image.NewAlpha(img.Bounds())
	for _, p := range texts {
		draw.Draw(covered, p.bounds, image.Opaque, image.Point{}, draw.Src)
	}
	for _, fl := range l.fills {
		draw.Draw(covered, fl.r, image.Opaque, image.Point{}, draw.Src)
	}
	stray := 0
	for y := 0; y < height; y++ {
		for x := 0; x < width; x++ {
			if covered.AlphaAt(x, y).A == 0 && img.GrayAt(x, y).Y < paperAbove {
				stray++
			}
		}
	}
	if stray > 0 {
		t.Errorf("%d pixels outside text and rules are darker than paper", stray)
	}
	return img, byText
}

func TestFrontShowsEveryField(t *testing.T) {
	t.Parallel()
	c := sampleCheck()
	_, at := checkSide(t, frontLayout(c), []string{
		"Jordan Avery", "412 Maple Street", "Springfield, IL 62704",
		"1042",
		"Date", "10/14/2026",
		"PAY TO THE ORDER OF", "Acme Supply Co.", "$ 1,234.56",
		"One thousand two hundred thirty-four and 56/100", "DOLLARS",
		"First Prairie Credit Union", "Springfield, Illinois",
		"MEMO", "Invoice 7781",
		"A123456780A 000123456789C 1042",
	})
	// The signature is the drawer's name again, so look it up by field.
	_, texts := renderLayout(t, frontLayout(c))
	signed := false
	for _, p := range texts {
		signed = signed || p.field == "Signature" && p.s == "Jordan Avery"
	}
	if !signed {
		t.Error("the signature is not on the check")
	}

	// Where things are: number top-right, drawer top-left, amount box
	// right of the payee, MICR line alone in the bottom 5/8" clear band.
	if n, d := at["1042"].bounds, at["Jordan Avery"].bounds; n.Min.X < width/2 || d.Max.X > width/2 || n.Max.Y > height/4 || d.Max.Y > height/4 {
		t.Errorf("number at %v and drawer at %v are not top-right and top-left", n, d)
	}
	if a, p := at["$ 1,234.56"].bounds, at["Acme Supply Co."].bounds; a.Min.X < p.Max.X {
		t.Errorf("amount %v is not right of payee %v", a, p)
	}
	const clearBand = height - 187
	for s, p := range at {
		if micr := s == "A123456780A 000123456789C 1042"; micr != (p.bounds.Min.Y >= clearBand) {
			t.Errorf("%q at %v: only the MICR line belongs below y=%d", s, p.bounds, clearBand)
		}
	}
}

func TestLongTextShrinksToFit(t *testing.T) {
	t.Parallel()
	c := sampleCheck()
	c.Payee = "Greater Springfield Landscaping and Snow Removal Company, Inc."
	c.Amount = 98_765_432_10 // the longest words of any amount under $100 million
	_, at := checkSide(t, frontLayout(c), []string{c.Payee, AmountInWords(c.Amount), "$ 98,765,432.10"})
	if p := at[c.Payee]; p.size >= 40 || p.size < payeeMinSize {
		t.Errorf("long payee drawn at %v px, want it shrunk below 40 but not below %d", p.size, payeeMinSize)
	}
}

func TestBackShowsEndorsementAndStamp(t *testing.T) {
	t.Parallel()
	c := sampleCheck()
	checkSide(t, backLayout(c), []string{
		"ENDORSE HERE", "For deposit only", "Acme Supply Co.",
		"Lakeside National Bank", "10/16/2026", "PAID",
	})

	c.Endorsement = "Pay to the order of\nLakeside National Bank\nAcme Supply Co."
	c.DepositBank = "" // the paying bank stamps its own name
	checkSide(t, backLayout(c), []string{
		"Pay to the order of", "Lakeside National Bank", "Acme Supply Co.",
		"First Prairie Credit Union", "10/16/2026", "PAID",
	})
}

// TestZeroIsNotSlashed keeps the workaround for tesseract honest: the Go
// fonts' zero has a slash through its middle, ours has an open counter and
// is narrower than the O.
func TestZeroIsNotSlashed(t *testing.T) {
	t.Parallel()
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	for _, tf := range []typeface{regular, bold, italic, mono} {
		face, err := f.face(tf, 80)
		if err != nil {
			t.Fatal(err)
		}
		pz, ok := face.(*plainZero)
		if !ok {
			t.Fatalf("typeface %d: face is a %T, not one that draws a plain zero", tf, face)
		}
		slashed := pz.Face
		if center(t, slashed, "0") >= inkBelow {
			t.Fatalf("typeface %d: the Go font's own zero has no slash through its middle; is the workaround still needed?", tf)
		}
		if v := center(t, face, "0"); v < paperAbove {
			t.Errorf("typeface %d: the middle of the zero is %#x, want paper: the slash is still drawn", tf, v)
		}
		if z, o := inkWidth(t, face, "0"), inkWidth(t, face, "O"); z*100 > o*80 {
			t.Errorf("typeface %d: zero is %d px wide, O %d px: too alike", tf, z, o)
		}
		if a, _ := face.GlyphAdvance('0'); a != font.MeasureString(slashed, "0") {
			t.Errorf("typeface %d: zero advance changed from the font's", tf)
		}
	}
}

// drawAlone draws s on white and returns the box around its ink.
func drawAlone(t *testing.T, face font.Face, s string) (*image.Gray, image.Rectangle) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 200, 200))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Gray{0}), Face: face, Dot: fixed.P(50, 150)}
	d.DrawString(s)
	ink := image.Rectangle{}
	for y := range 200 {
		for x := range 200 {
			if img.GrayAt(x, y).Y < 0x80 {
				ink = ink.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if ink.Empty() {
		t.Fatalf("%q drew nothing", s)
	}
	return img, ink
}

func center(t *testing.T, face font.Face, s string) uint8 {
	img, ink := drawAlone(t, face, s)
	return img.GrayAt((ink.Min.X+ink.Max.X)/2, (ink.Min.Y+ink.Max.Y)/2).Y
}

func inkWidth(t *testing.T, face font.Face, s string) int {
	_, ink := drawAlone(t, face, s)
	return ink.Dx()
}
