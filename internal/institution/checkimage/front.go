package checkimage

import (
	"fmt"
	"image"
	"strings"
)

// Where things go on the front, in pixels at 300 dpi. The bottom 5/8"
// (187 px) is the MICR clear band: nothing but the MICR line is printed
// there.
const (
	left  = 70   // left margin
	right = 1730 // right margin

	// The payee line; the endorsement area on the back matches it, so a
	// payee that fits the front fits the default endorsement.
	payeeWidth   = 960
	payeeMinSize = 26
)

// frontLayout places everything printed on the front of c.
func frontLayout(c Check) layout {
	var l layout
	add := func(t text) { l.texts = append(l.texts, t) }
	l.fills = append(l.fills, box(image.Rect(14, 14, width-14, height-14), 2, border)...)

	// Drawer, top-left; check number, top-right.
	add(text{field: "Drawer.Name", s: c.Drawer.Name, face: bold, size: 38, minSize: 26, maxWidth: 820, x: left, y: 92})
	for i, a := range c.Drawer.Address {
		add(text{field: fmt.Sprintf("Drawer.Address[%d]", i), s: a, face: regular, size: 28, minSize: 22, maxWidth: 820, x: left, y: 132 + 34*i})
	}
	add(text{field: "Number", s: c.Number, face: bold, size: 44, minSize: 28, maxWidth: 400, x: right, y: 92, align: alignRight})

	// Date.
	add(text{s: "Date", face: regular, size: 30, x: 1260, y: 240})
	add(text{field: "Date", s: c.Date.Format("01/02/2006"), face: regular, size: 38, x: 1360, y: 240})
	l.fills = append(l.fills, hline(1350, right, 252, 2, rule))

	// Payee and the amount box.
	add(text{s: "PAY TO THE ORDER OF", face: regular, size: 30, x: left, y: 340})
	add(text{field: "Payee", s: strings.TrimSpace(c.Payee), face: regular, size: 40, minSize: payeeMinSize, maxWidth: payeeWidth, x: 430, y: 340})
	l.fills = append(l.fills, hline(420, 1400, 352, 2, rule))
	l.fills = append(l.fills, box(image.Rect(1430, 282, right, 362), 3, rule)...)
	add(text{field: "Amount", s: "$ " + formatAmount(c.Amount), face: bold, size: 42, minSize: 24, maxWidth: 270, x: 1445, y: 338})

	// Legal amount, in words.
	add(text{field: "Amount", s: AmountInWords(c.Amount), face: regular, size: 36, minSize: 24, maxWidth: 1500, x: left, y: 435})
	add(text{s: "DOLLARS", face: bold, size: 28, x: right, y: 435, align: alignRight})
	l.fills = append(l.fills, hline(left, 1590, 447, 2, rule))

	// Paying bank. A name that fits 600 px at 24 px also fits the deposit
	// stamp's 580 px at 22 px, where it goes when DepositBank is empty.
	add(text{field: "Bank.Name", s: c.Bank.Name, face: bold, size: 32, minSize: 24, maxWidth: 600, x: left, y: 515})
	add(text{field: "Bank.City", s: c.Bank.City, face: regular, size: 26, minSize: 20, maxWidth: 820, x: left, y: 550})

	// Memo and signature.
	add(text{s: "MEMO", face: regular, size: 24, x: left, y: 612})
	add(text{field: "Memo", s: c.Memo, face: regular, size: 32, minSize: 22, maxWidth: 640, x: 160, y: 612})
	l.fills = append(l.fills, hline(left, 820, 624, 2, rule))
	add(text{field: "Signature", s: c.Signature, face: italic, size: 54, minSize: 30, maxWidth: 720, x: 1010, y: 612})
	l.fills = append(l.fills, hline(1000, right, 624, 2, rule))

	// The limits on Number and AccountNumber keep this line well short of
	// maxWidth.
	add(text{field: "RoutingNumber", s: micrLine(c), face: mono, size: 46, minSize: 30, maxWidth: 1500, x: 190, y: 752})
	return l
}

// micrLine is the MICR line in ASCII: the E-13B symbols are written the way
// MICR fonts map them to letters, A for transit (⑆) and C for on-us (⑈), so
// "⑆123456780⑆ 000123456789⑈ 1042" reads "A123456780A 000123456789C 1042".
// It is printed in Go Mono, not a MICR font: the point is that people and
// OCR can read the numbers, not that a reader-sorter can.
func micrLine(c Check) string {
	return "A" + c.RoutingNumber + "A " + c.AccountNumber + "C " + c.Number
}
