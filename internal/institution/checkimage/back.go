package checkimage

import "image"

// backLayout places the endorsement and the deposit stamp on the back of c.
// The endorsement area is at the left, as on a check turned over. It is as
// wide as the payee line on the front and its text may shrink as far, so the
// default endorsement fits whenever the front does.
func backLayout(c Check) layout {
	var l layout
	add := func(t text) { l.texts = append(l.texts, t) }
	l.fills = append(l.fills, box(image.Rect(14, 14, width-14, height-14), 2, border)...)

	const endorseRight = left + payeeWidth
	add(text{s: "ENDORSE HERE", face: bold, size: 24, x: left, y: 70})
	lines, field := endorsement(c)
	for i, line := range lines {
		add(text{field: field, s: line, face: regular, size: 36, minSize: payeeMinSize, maxWidth: payeeWidth, x: left, y: 150 + 75*i})
	}
	for i := range maxEndorsementLines {
		l.fills = append(l.fills, hline(left, endorseRight, 162+75*i, 2, rule))
	}
	l.fills = append(l.fills, hline(left, endorseRight, 360, 4, rule))
	add(text{s: "DO NOT WRITE, STAMP, OR SIGN BELOW THIS LINE", face: bold, size: 20, x: left, y: 392})
	add(text{s: "RESERVED FOR FINANCIAL INSTITUTION USE", face: regular, size: 20, x: left, y: 420})

	// The deposit stamp: a double frame with the bank, the date and PAID.
	stamp := image.Rect(1100, 180, right, 620)
	l.fills = append(l.fills, box(stamp, 5, ink)...)
	l.fills = append(l.fills, box(stamp.Inset(14), 2, ink)...)
	mid := (stamp.Min.X + stamp.Max.X) / 2
	bank, bankField := c.DepositBank, "DepositBank"
	if bank == "" {
		bank, bankField = c.Bank.Name, "Bank.Name"
	}
	add(text{field: bankField, s: bank, face: bold, size: 40, minSize: 22, maxWidth: stamp.Dx() - 50, x: mid, y: 280, align: alignCenter})
	add(text{field: "DepositedAt", s: c.DepositedAt.Format("01/02/2006"), face: bold, size: 48, x: mid, y: 390, align: alignCenter})
	add(text{s: "PAID", face: bold, size: 96, x: mid, y: 540, align: alignCenter})
	return l
}

const (
	maxAddressLines     = 3
	maxEndorsementLines = 3
)
