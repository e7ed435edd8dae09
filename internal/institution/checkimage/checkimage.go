// Package checkimage owns the pictures of paper checks that the institution
// server shows its members and hands to LedgerSync: the front (drawer, payee,
// amount in figures and words, signature and MICR line) and the back
// (endorsement and the bank's deposit stamp), each rendered as a grayscale PNG
// at 300 dpi so that OCR can read it back.
//
// Rendering is pure Go (golang.org/x/image with the Go fonts) and
// deterministic: the same Check gives the same bytes on the same platform.
package checkimage

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"
	"unicode"
)

// Check is everything printed on a check. It is a plain value: the caller
// looks the check up and fills it in.
type Check struct {
	// Number is the check number, digits only; it is printed top-right and
	// at the end of the MICR line.
	Number string
	// Date is the date written on the check, printed as MM/DD/YYYY in the
	// time's own location.
	Date time.Time
	// Payee is the name on the "PAY TO THE ORDER OF" line.
	Payee string
	// Amount is in cents and must be positive.
	Amount int64
	// Memo is the optional memo line.
	Memo string
	// Drawer is the account holder printed top-left.
	Drawer Party
	// Bank is the paying bank, printed above the memo line.
	Bank Bank
	// RoutingNumber is the bank's 9-digit ABA routing number; its check
	// digit must be valid (see ValidRouting).
	RoutingNumber string
	// AccountNumber is the drawer's account number, digits only.
	AccountNumber string
	// Signature is the drawer's name as signed; it is drawn in italics.
	Signature string

	// Endorsement is the text on the back, one line per "\n" (at most
	// three). Empty means "For deposit only" followed by the payee.
	Endorsement string
	// DepositedAt is the date on the deposit stamp on the back; Back
	// requires it.
	DepositedAt time.Time
	// DepositBank is the bank named on the deposit stamp. Empty means the
	// paying bank (Bank.Name).
	DepositBank string
}

// Party is a named person or business with a postal address.
type Party struct {
	Name string
	// Address holds up to three lines, printed under the name.
	Address []string
}

// Bank is the institution a check is drawn on.
type Bank struct {
	Name string
	City string
}

// FieldError says which field of a Check cannot be printed and why. Front and
// Back return every FieldError they find, joined; use errors.As to get one.
type FieldError struct {
	Field   string // the Check field, e.g. "Payee" or "Drawer.Address"
	Problem string // what is wrong, e.g. "must not be empty"
}

func (e *FieldError) Error() string {
	return "check " + e.Field + " " + e.Problem
}

// Front renders the front of the check as a PNG. It fails, naming the
// field, on anything that cannot be printed on either side, so a check
// whose front renders has a back too once DepositedAt is set.
func Front(c Check) ([]byte, error) {
	f, err := prepare(c, false)
	if err != nil {
		return nil, fmt.Errorf("render check front: %w", err)
	}
	defer f.close()
	return encode(f, "front", frontLayout(c))
}

// Back renders the back of the check (endorsement and deposit stamp) as a
// PNG. It needs DepositedAt as well as everything Front needs.
func Back(c Check) ([]byte, error) {
	f, err := prepare(c, true)
	if err != nil {
		return nil, fmt.Errorf("render check back: %w", err)
	}
	defer f.close()
	return encode(f, "back", backLayout(c))
}

// prepare validates c (with the deposit stamp when back is set), loads the
// fonts and checks that every text of both sides fits its place.
func prepare(c Check, back bool) (*fonts, error) {
	err := validate(c)
	if back && c.DepositedAt.IsZero() {
		err = errors.Join(err, &FieldError{Field: "DepositedAt", Problem: "must be set for the deposit stamp"})
	}
	if err != nil {
		return nil, err
	}
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	if err := errors.Join(f.check(frontLayout(c)), f.check(backLayout(c))); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// encode draws a layout and encodes it as PNG.
func encode(f *fonts, side string, l layout) ([]byte, error) {
	img, _, err := render(f, l)
	if err != nil {
		return nil, fmt.Errorf("render check %s: %w", side, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode check %s as PNG: %w", side, err)
	}
	return buf.Bytes(), nil
}

// validate checks what can be checked without the fonts.
func validate(c Check) error {
	var errs []error
	bad := func(field, problem string) {
		errs = append(errs, &FieldError{Field: field, Problem: problem})
	}
	switch {
	case c.Number == "":
		bad("Number", "must not be empty")
	case !digits(c.Number):
		bad("Number", fmt.Sprintf("%q must be digits only", c.Number))
	}
	if c.Date.IsZero() {
		bad("Date", "must be set")
	}
	if strings.TrimSpace(c.Payee) == "" {
		bad("Payee", "must not be empty")
	}
	if c.Amount <= 0 {
		bad("Amount", fmt.Sprintf("must be positive, got %d cents", c.Amount))
	}
	if !ValidRouting(c.RoutingNumber) {
		bad("RoutingNumber", fmt.Sprintf("%q is not a 9-digit ABA routing number with a valid check digit", c.RoutingNumber))
	}
	switch {
	case c.AccountNumber == "":
		bad("AccountNumber", "must not be empty")
	case !digits(c.AccountNumber) || len(c.AccountNumber) > 17:
		bad("AccountNumber", "must be 1 to 17 digits")
	}
	if n := len(c.Drawer.Address); n > maxAddressLines {
		bad("Drawer.Address", fmt.Sprintf("has %d lines; at most %d fit", n, maxAddressLines))
	}
	lines, field := endorsement(c)
	if n := len(lines); n > maxEndorsementLines {
		bad(field, fmt.Sprintf("has %d lines; at most %d fit", n, maxEndorsementLines))
	}
	type line struct{ field, text string }
	single := []line{
		{"Payee", c.Payee}, {"Memo", c.Memo},
		{"Drawer.Name", c.Drawer.Name}, {"Bank.Name", c.Bank.Name}, {"Bank.City", c.Bank.City},
		{"Signature", c.Signature}, {"DepositBank", c.DepositBank},
	}
	for i, a := range c.Drawer.Address {
		single = append(single, line{fmt.Sprintf("Drawer.Address[%d]", i), a})
	}
	for _, e := range lines {
		single = append(single, line{field, e})
	}
	for _, l := range single {
		if strings.ContainsFunc(l.text, unicode.IsControl) {
			bad(l.field, "must be a single line without control characters")
		}
	}
	return errors.Join(errs...)
}

// endorsement is the text of the endorsement area, one entry per line, and
// the field it comes from: Payee when the default endorsement is used.
func endorsement(c Check) (lines []string, field string) {
	if strings.TrimSpace(c.Endorsement) == "" {
		return []string{"For deposit only", strings.TrimSpace(c.Payee)}, "Payee"
	}
	return strings.Split(strings.TrimRight(c.Endorsement, "\n"), "\n"), "Endorsement"
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
