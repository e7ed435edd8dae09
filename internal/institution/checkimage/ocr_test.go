package checkimage

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOCRRecoversTheCheck is the test the issue names: tesseract, the OCR
// LedgerSync uses to match checks to the books, reads the amount, number,
// payee and routing number back from generated images. It needs the
// tesseract program (Debian tesseract-ocr and tesseract-ocr-eng; CI installs
// them); without it, layout_test.go still checks the text is drawn.
//
// The cases are chosen for the digit 0, which tesseract misread as Q or @
// when drawn with the Go fonts' slash: leading zeros in the date, the
// routing number and the account number, and zeros in the amount.
func TestOCRRecoversTheCheck(t *testing.T) {
	t.Parallel()
	tesseract, err := exec.LookPath("tesseract")
	if err != nil {
		t.Skip("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng); the layout tests still ran")
	}

	zeros := sampleCheck()
	zeros.Number = "10050"
	zeros.Date = time.Date(2026, time.January, 9, 0, 0, 0, 0, time.UTC)
	zeros.Payee = "Riverside Plumbing & Heating LLC"
	zeros.Amount = 1_000_000_00
	zeros.RoutingNumber = "021000021"
	zeros.AccountNumber = "000004609865"

	small := sampleCheck()
	small.Number = "2207"
	small.Payee = "O'Brien Hardware"
	small.Amount = 5
	small.RoutingNumber = "011000015"

	for name, c := range map[string]Check{"sample": sampleCheck(), "zeros": zeros, "small": small} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			front, err := Front(c)
			if err != nil {
				t.Fatal(err)
			}
			// --psm 6 (one uniform block) reads each row of the check as a
			// line, the amount box with the payee; --psm 4 works as well,
			// --psm 11 loses the amount box.
			text := ocr(t, tesseract, front, "6")
			for _, want := range []string{
				c.Number,
				formatAmount(c.Amount),
				c.Payee,
				c.RoutingNumber,
				c.AccountNumber,
				c.Date.Format("01/02/2006"),
				AmountInWords(c.Amount),
			} {
				if !strings.Contains(text, want) {
					t.Errorf("OCR of the front does not contain %q; it read:\n%s", want, text)
				}
			}

			back, err := Back(c)
			if err != nil {
				t.Fatal(err)
			}
			// The back is sparse: the stamp sits beside the endorsement,
			// so --psm 11 (sparse text) reads it best.
			text = ocr(t, tesseract, back, "11")
			for _, want := range []string{"For deposit only", c.Payee, c.DepositBank, c.DepositedAt.Format("01/02/2006"), "PAID"} {
				if !strings.Contains(text, want) {
					t.Errorf("OCR of the back does not contain %q; it read:\n%s", want, text)
				}
			}
		})
	}
}

// ocr runs tesseract on a PNG and returns what it read, with each run of
// white space made one space, so that a phrase split over lines still
// matches.
func ocr(t *testing.T, tesseract string, png []byte, psm string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "check.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), tesseract, path, "-", "--psm", psm)
	// One thread each: the subtests already run tesseracts side by side.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tesseract: %v\n%s", err, stderr.String())
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
