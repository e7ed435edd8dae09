package checkimage

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"
)

// sampleCheck is a check every test starts from and changes one thing in.
func sampleCheck() Check {
	return Check{
		Number: "1042",
		Date:   time.Date(2026, time.October, 14, 0, 0, 0, 0, time.UTC),
		Payee:  "Acme Supply Co.",
		Amount: 123456,
		Memo:   "Invoice 7781",
		Drawer: Party{Name: "Jordan Avery", Address: []string{"412 Maple Street", "Springfield, IL 62704"}},
		Bank:   Bank{Name: "First Prairie Credit Union", City: "Springfield, Illinois"},

		RoutingNumber: "123456780",
		AccountNumber: "000123456789",
		Signature:     "Jordan Avery",

		DepositedAt: time.Date(2026, time.October, 16, 0, 0, 0, 0, time.UTC),
		DepositBank: "Lakeside National Bank",
	}
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return img
}

func TestSidesArePNGsAt300DPI(t *testing.T) {
	t.Parallel()
	for name, side := range map[string]func(Check) ([]byte, error){"Front": Front, "Back": Back} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := side(sampleCheck())
			if err != nil {
				t.Fatal(err)
			}
			img := decode(t, b)
			// 6" × 2.75" at 300 dpi.
			if got, want := img.Bounds(), image.Rect(0, 0, 1800, 825); got != want {
				t.Errorf("%s is %v, want %v", name, got, want)
			}
			if _, ok := img.(*image.Gray); !ok {
				t.Errorf("%s decodes as %T, want a grayscale image", name, img)
			}
		})
	}
}

func TestSameCheckSameBytes(t *testing.T) {
	t.Parallel()
	c := sampleCheck()
	wantFront, err := Front(c)
	if err != nil {
		t.Fatal(err)
	}
	wantBack, err := Back(c)
	if err != nil {
		t.Fatal(err)
	}
	// Render concurrently too: nothing may be shared between renders.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if got, err := Front(c); err != nil || !bytes.Equal(got, wantFront) {
				t.Errorf("Front rendered the same check differently (err %v)", err)
			}
			if got, err := Back(c); err != nil || !bytes.Equal(got, wantBack) {
				t.Errorf("Back rendered the same check differently (err %v)", err)
			}
		})
	}
	wg.Wait()
}

func TestEachSideShowsItsOwnFields(t *testing.T) {
	t.Parallel()
	base := sampleCheck()
	front, _ := Front(base)
	back, _ := Back(base)
	tests := []struct {
		name                   string
		change                 func(*Check)
		frontChanges, backDoes bool
	}{
		{"amount", func(c *Check) { c.Amount++ }, true, false},
		{"payee", func(c *Check) { c.Payee = "Acme Supply Inc." }, true, true}, // default endorsement names the payee
		{"deposit bank", func(c *Check) { c.DepositBank = "Chase" }, false, true},
		{"deposit date", func(c *Check) { c.DepositedAt = c.DepositedAt.AddDate(0, 0, 1) }, false, true},
		{"endorsement", func(c *Check) { c.Endorsement = "Pay to Chase\nAcme Supply Co." }, false, true},
	}
	for _, tt := range tests {
		c := base
		tt.change(&c)
		f, err := Front(c)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b, err := Back(c)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := !bytes.Equal(f, front); got != tt.frontChanges {
			t.Errorf("changing the %s changed the front: %v, want %v", tt.name, got, tt.frontChanges)
		}
		if got := !bytes.Equal(b, back); got != tt.backDoes {
			t.Errorf("changing the %s changed the back: %v, want %v", tt.name, got, tt.backDoes)
		}
	}
}

func TestInvalidChecksNameTheField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field  string
		change func(*Check)
	}{
		{"Number", func(c *Check) { c.Number = "" }},
		{"Number", func(c *Check) { c.Number = "10-42" }},
		{"Date", func(c *Check) { c.Date = time.Time{} }},
		{"Payee", func(c *Check) { c.Payee = "" }},
		{"Payee", func(c *Check) { c.Payee = "   " }},
		{"Payee", func(c *Check) { c.Payee = "Acme\nSupply" }},
		{"Amount", func(c *Check) { c.Amount = 0 }},
		{"Amount", func(c *Check) { c.Amount = -500 }},
		{"RoutingNumber", func(c *Check) { c.RoutingNumber = "123456789" }},
		{"RoutingNumber", func(c *Check) { c.RoutingNumber = "" }},
		{"AccountNumber", func(c *Check) { c.AccountNumber = "" }},
		{"AccountNumber", func(c *Check) { c.AccountNumber = "12-34" }},
		{"AccountNumber", func(c *Check) { c.AccountNumber = "123456789012345678" }},
		{"Drawer.Address", func(c *Check) { c.Drawer.Address = []string{"1", "2", "3", "4"} }},
		{"Drawer.Address[1]", func(c *Check) { c.Drawer.Address[1] = "Springfield\tIL" }},
		{"Memo", func(c *Check) { c.Memo = "a\rb" }},
		{"Endorsement", func(c *Check) { c.Endorsement = "1\n2\n3\n4" }},
		// Too long for its place: only the fonts can tell. Back refuses
		// these too, though some are only on the front.
		{"Payee", func(c *Check) { c.Payee = strings.Repeat("Acme Supply ", 12) }},
		{"Amount", func(c *Check) { c.Amount = 77_777_777_777_777_77 }},
		{"Signature", func(c *Check) { c.Signature = strings.Repeat("Jordan Avery ", 8) }},
		{"Drawer.Name", func(c *Check) { c.Drawer.Name = strings.Repeat("Jordan Avery ", 8) }},
		{"Drawer.Address[0]", func(c *Check) { c.Drawer.Address[0] = strings.Repeat("412 Maple Street ", 6) }},
		{"Endorsement", func(c *Check) { c.Endorsement = "For deposit only\n" + strings.Repeat("Acme Supply ", 8) }},
	}
	for _, tt := range tests {
		c := sampleCheck()
		c.Drawer.Address = append([]string(nil), c.Drawer.Address...)
		tt.change(&c)
		for name, side := range map[string]func(Check) ([]byte, error){"Front": Front, "Back": Back} {
			b, err := side(c)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("%s(%s changed) = %d bytes, %v; want a FieldError", name, tt.field, len(b), err)
				continue
			}
			if fe.Field != tt.field || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("%s(%s changed) error names %q: %v", name, tt.field, fe.Field, err)
			}
		}
	}
}

func TestBackNeedsTheDepositDate(t *testing.T) {
	t.Parallel()
	c := sampleCheck()
	c.DepositedAt = time.Time{}
	if _, err := Front(c); err != nil {
		t.Errorf("Front without a deposit date: %v", err)
	}
	_, err := Back(c)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "DepositedAt" {
		t.Errorf("Back without a deposit date = %v, want a DepositedAt FieldError", err)
	}
}

func TestAllProblemsAreReported(t *testing.T) {
	t.Parallel()
	_, err := Front(Check{})
	if err == nil {
		t.Fatal("Front(Check{}) succeeded")
	}
	for _, field := range []string{"Number", "Date", "Payee", "Amount", "RoutingNumber", "AccountNumber"} {
		if !strings.Contains(err.Error(), "check "+field+" ") {
			t.Errorf("error for an empty check does not mention %s:\n%v", field, err)
		}
	}
}
