package checkimage

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// A personal check is 6" × 2.75"; at 300 dpi, where tesseract reads best,
// that is 1800 × 825 pixels. (Check 21 exchange images are 200 dpi; these
// are sharper on purpose.)
const (
	width  = 1800
	height = 825
)

// Shades of the grayscale image. The background and its pattern stay far
// above any binarization threshold, so OCR sees only the ink.
const (
	paper     = 0xF6 // background
	guilloche = 0xE6 // the fine diagonal pattern over the paper
	border    = 0xA0 // the thin frame round the edge
	rule      = 0x50 // printed lines and boxes
	ink       = 0x00 // text and the stamp
)

type typeface int

const (
	regular typeface = iota
	bold
	italic
	mono
)

type alignment int

const (
	alignLeft   alignment = iota // x is where the text starts
	alignRight                   // x is where the text ends
	alignCenter                  // x is the middle of the text
)

// text is one run of text on the check. Its baseline starts (or ends, or is
// centred) at x, y.
type text struct {
	field string // the Check field the text shows, for errors; "" for printed labels
	s     string
	face  typeface
	size  float64 // pixels per em
	// minSize is how small the text may shrink to fit maxWidth; 0 means it
	// may not shrink.
	minSize  float64
	maxWidth int
	x, y     int
	align    alignment
}

// layout is one side of a check: the text and the printed lines and boxes.
type layout struct {
	texts []text
	fills []fill
}

// fill is a solid rectangle: a printed line, or one side of a box.
type fill struct {
	r     image.Rectangle
	shade uint8
}

// placed is where a text ended up; tests read it to find each value.
type placed struct {
	field, s string
	size     float64
	bounds   image.Rectangle
}

// fonts holds the parsed Go fonts and the faces made from them during one
// render; it is built per call so that nothing is shared between renders.
type fonts struct {
	fonts [4]*opentype.Font
	faces map[faceKey]font.Face
}

type faceKey struct {
	face typeface
	size float64
}

func loadFonts() (*fonts, error) {
	f := &fonts{faces: make(map[faceKey]font.Face)}
	ttfs := [...][]byte{regular: goregular.TTF, bold: gobold.TTF, italic: goitalic.TTF, mono: gomono.TTF}
	names := [...]string{regular: "Go Regular", bold: "Go Bold", italic: "Go Italic", mono: "Go Mono"}
	for i, ttf := range ttfs {
		parsed, err := opentype.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("parse font %s: %w", names[i], err)
		}
		f.fonts[i] = parsed
	}
	return f, nil
}

func (f *fonts) face(t typeface, size float64) (font.Face, error) {
	k := faceKey{t, size}
	if face, ok := f.faces[k]; ok {
		return face, nil
	}
	// At 72 dpi one point is one pixel, so sizes in a layout are pixels.
	face, err := opentype.NewFace(f.fonts[t], &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("make %v-pixel face: %w", size, err)
	}
	plain, err := newPlainZero(f.fonts[t], face, size)
	if err != nil {
		return nil, fmt.Errorf("make %v-pixel face: %w", size, err)
	}
	f.faces[k] = plain
	return plain, nil
}

func (f *fonts) close() {
	for _, face := range f.faces {
		_ = face.Close() // opentype faces hold no resources; Close never fails
	}
}

// fit returns the largest face, from t.size down to t.minSize in steps of
// two pixels, in which t.s fits t.maxWidth.
func (f *fonts) fit(t text) (font.Face, float64, error) {
	lowest := t.size
	if t.minSize > 0 {
		lowest = t.minSize
	}
	for size := t.size; size >= lowest; size -= 2 {
		face, err := f.face(t.face, size)
		if err != nil {
			return nil, 0, err
		}
		if t.maxWidth == 0 || font.MeasureString(face, t.s).Ceil() <= t.maxWidth {
			return face, size, nil
		}
	}
	return nil, 0, &FieldError{Field: t.field, Problem: fmt.Sprintf("%q is too long to fit on the check", t.s)}
}

// check reports every text in l that does not fit its place.
func (f *fonts) check(l layout) error {
	var errs []error
	for _, t := range l.texts {
		if t.s == "" {
			continue
		}
		if _, _, err := f.fit(t); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// render draws a layout onto a fresh image and says where each text went.
func render(f *fonts, l layout) (*image.Gray, []placed, error) {
	if err := f.check(l); err != nil {
		return nil, nil, err
	}
	img := image.NewGray(image.Rect(0, 0, width, height))
	paperPattern(img)
	for _, fl := range l.fills {
		draw.Draw(img, fl.r, image.NewUniform(color.Gray{fl.shade}), image.Point{}, draw.Src)
	}
	out := make([]placed, 0, len(l.texts))
	for _, t := range l.texts {
		if t.s == "" {
			continue
		}
		face, size, err := f.fit(t)
		if err != nil {
			return nil, nil, err
		}
		x := t.x
		switch adv := font.MeasureString(face, t.s).Round(); t.align {
		case alignRight:
			x -= adv
		case alignCenter:
			x -= adv / 2
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Gray{ink}), Face: face, Dot: fixed.P(x, t.y)}
		b, _ := d.BoundString(t.s)
		d.DrawString(t.s)
		out = append(out, placed{
			field: t.field, s: t.s, size: size,
			bounds: image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil()),
		})
	}
	return img, out, nil
}

// paperPattern fills img with pale safety paper: a flat light gray crossed
// by thin diagonal lines one shade darker.
func paperPattern(img *image.Gray) {
	const period = 18 // the pattern repeats every 3·period rows
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[(y-b.Min.Y)*img.Stride:][:b.Dx()]
		if y-b.Min.Y >= 3*period {
			copy(row, img.Pix[(y-b.Min.Y-3*period)*img.Stride:])
			continue
		}
		for i := range row {
			x := b.Min.X + i
			row[i] = paper
			if (x+y)%period == 0 || (x-y+3*period*height)%(3*period) == 0 {
				row[i] = guilloche
			}
		}
	}
}

// box is the outline of r, thick pixels wide, as four fills.
func box(r image.Rectangle, thick int, shade uint8) []fill {
	return []fill{
		{image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+thick), shade},
		{image.Rect(r.Min.X, r.Max.Y-thick, r.Max.X, r.Max.Y), shade},
		{image.Rect(r.Min.X, r.Min.Y, r.Min.X+thick, r.Max.Y), shade},
		{image.Rect(r.Max.X-thick, r.Min.Y, r.Max.X, r.Max.Y), shade},
	}
}

// hline is a horizontal rule from x0 to x1 whose top is at y.
func hline(x0, x1, y, thick int, shade uint8) fill {
	return fill{image.Rect(x0, y, x1, y+thick), shade}
}
