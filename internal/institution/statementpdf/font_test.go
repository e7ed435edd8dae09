package statementpdf

import "testing"

func TestGlyphSetClean(t *testing.T) {
	t.Parallel()
	g, err := newGlyphSet()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"ACME PAYROLL", "ACME PAYROLL"},
		{"Zoë Łukasiewicz – Ελένη Иван", "Zoë Łukasiewicz – Ελένη Иван"},
		{"  line\none\t\ttwo\r\n", "line one two"},
		{"PIZZA 🍕 TIP", "PIZZA ? TIP"},
		{"東京 ATM", "?? ATM"},
		{"A\x00B\x01C", "A B C"},
	}
	for _, tt := range tests {
		if got := g.clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
