package temppass

import (
	"strings"
	"testing"
	"unicode"

	"github.com/ledgersync/ledgersync/internal/security/policy"
)

func TestSeedFormulas(t *testing.T) {
	t.Parallel()
	facts := Facts{SSN: "123-45-6789", BirthYear: 1978, LastName: "O'Brien"}
	for _, c := range []struct {
		formula policy.TempPasswordFormula
		want    string
	}{
		{policy.SSNLast4, "6789"},
		{policy.SSNFirst4LastNameLast2, "1234EN"},
		{policy.BirthYearLastNameFirst2, "1978OB"},
		{policy.SSNLast4BirthYear, "67891978"},
	} {
		got, err := Generate(c.formula, facts)
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.formula, got, err, c.want)
		}
	}
}

func TestFormulasNeedTheirFacts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		formula policy.TempPasswordFormula
		facts   Facts
		want    string
	}{
		{policy.SSNLast4, Facts{SSN: "12345"}, "SSN"},
		{policy.BirthYearLastNameFirst2, Facts{BirthYear: 78, LastName: "Smith"}, "birth year"},
		{policy.SSNFirst4LastNameLast2, Facts{SSN: "123456789", LastName: "X"}, "last name"},
		{"favourite_colour", Facts{}, "unknown formula"},
	} {
		_, err := Generate(c.formula, c.facts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with %+v: %v, want an error about %s", c.formula, c.facts, err, c.want)
		}
	}
}

func TestRandomPasswordsAreStrongAndDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 500 {
		p, err := Generate(policy.Random, Facts{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 12 || seen[p] {
			t.Fatalf("random password %q: length %d, repeated %v", p, len(p), seen[p])
		}
		seen[p] = true
		var up, low, dig bool
		for _, r := range p {
			up = up || unicode.IsUpper(r)
			low = low || unicode.IsLower(r)
			dig = dig || unicode.IsDigit(r)
			if strings.ContainsRune("0O1lI", r) {
				t.Fatalf("random password %q has a look-alike character %q", p, r)
			}
		}
		if !up || !low || !dig {
			t.Fatalf("random password %q fails the 3-of-4 rule", p)
		}
	}
}
