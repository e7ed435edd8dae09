package checkimage

import (
	"errors"
	"fmt"
	"image"
	"image/draw"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// plainZero is a face that draws the digit 0 without a slash.
//
// Every Go font slashes its zero, and tesseract reads a slashed zero at the
// start of a number as "Q", "@" or "Ø": "01/09/2026" came back as
// "Q1/09/2026" and the MICR line's "A021000021A" as "AQ@21000021A". So the
// zero is drawn as the font's capital O squeezed into the zero's own box,
// which is what an unslashed zero looks like; the advance, and so the layout,
// stay those of the real zero.
type plainZero struct {
	font.Face
	mask    *image.Alpha    // the zero, with its top-left at bounds.Min
	bounds  image.Rectangle // the zero's pixels relative to the glyph origin
	advance fixed.Int26_6
}

func newPlainZero(f *opentype.Font, face font.Face, size float64) (*plainZero, error) {
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(size*64 + 0.5) // as opentype.NewFace computes it at 72 dpi
	zero, err := f.GlyphIndex(&buf, '0')
	if err != nil {
		return nil, fmt.Errorf("find glyph 0: %w", err)
	}
	oh, err := f.GlyphIndex(&buf, 'O')
	if err != nil {
		return nil, fmt.Errorf("find glyph O: %w", err)
	}
	zb, _, err := f.GlyphBounds(&buf, zero, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("measure glyph 0: %w", err)
	}
	ob, _, err := f.GlyphBounds(&buf, oh, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("measure glyph O: %w", err)
	}
	advance, ok := face.GlyphAdvance('0')
	if !ok {
		return nil, errors.New("font has no advance for 0")
	}
	segs, err := f.LoadGlyph(&buf, oh, ppem, nil)
	if err != nil {
		return nil, fmt.Errorf("load glyph O: %w", err)
	}

	// Where O is hardly wider than the zero, as in Go Mono, a squeezed O
	// would be an O; keep the zero at most three quarters as wide.
	if w, most := zb.Max.X-zb.Min.X, (ob.Max.X-ob.Min.X)*3/4; w > most {
		zb.Min.X += (w - most) / 2
		zb.Max.X = zb.Min.X + most
	}
	bounds := image.Rect(zb.Min.X.Floor(), zb.Min.Y.Floor(), zb.Max.X.Ceil(), zb.Max.Y.Ceil())
	sx := float32(zb.Max.X-zb.Min.X) / float32(ob.Max.X-ob.Min.X)
	sy := float32(zb.Max.Y-zb.Min.Y) / float32(ob.Max.Y-ob.Min.Y)
	// at maps a point of O, in 26.6 glyph space, to the zero's box in mask
	// pixels.
	at := func(p fixed.Point26_6) (float32, float32) {
		x := float32(zb.Min.X-fixed.I(bounds.Min.X)) + float32(p.X-ob.Min.X)*sx
		y := float32(zb.Min.Y-fixed.I(bounds.Min.Y)) + float32(p.Y-ob.Min.Y)*sy
		return x / 64, y / 64
	}
	r := vector.NewRasterizer(bounds.Dx(), bounds.Dy())
	r.DrawOp = draw.Src
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			r.MoveTo(at(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			r.LineTo(at(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			bx, by := at(s.Args[0])
			cx, cy := at(s.Args[1])
			r.QuadTo(bx, by, cx, cy)
		case sfnt.SegmentOpCubeTo:
			bx, by := at(s.Args[0])
			cx, cy := at(s.Args[1])
			dx, dy := at(s.Args[2])
			r.CubeTo(bx, by, cx, cy, dx, dy)
		}
	}
	mask := image.NewAlpha(image.Rect(0, 0, bounds.Dx(), bounds.Dy()))
	r.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	return &plainZero{Face: face, mask: mask, bounds: bounds, advance: advance}, nil
}

// Glyph draws 0 from the squeezed O and every other rune from the font.
func (z *plainZero) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	if r != '0' {
		return z.Face.Glyph(dot, r)
	}
	dr := z.bounds.Add(image.Pt(dot.X.Round(), dot.Y.Round()))
	return dr, z.mask, image.Point{}, z.advance, true
}
