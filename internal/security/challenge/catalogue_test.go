package challenge_test

import (
	"fmt"
	"testing"

	"github.com/ledgersync/ledgersync/internal/security/challenge"
)

func TestCatalogueIsTheOFXPhraseTable(t *testing.T) {
	t.Parallel()
	all := challenge.Catalogue()
	if len(all) != 23 {
		t.Fatalf("catalogue has %d questions, want MFA1–MFA23", len(all))
	}
	for i, q := range all {
		if want := challenge.QuestionID(fmt.Sprintf("MFA%d", i+1)); q.ID != want {
			t.Errorf("catalogue[%d] is %s, want %s", i, q.ID, want)
		}
		if q.Label == "" {
			t.Errorf("%s has no label", q.ID)
		}
	}
	// Spot checks against the OFX 2.1.1 table.
	for id, label := range map[challenge.QuestionID]string{
		"MFA1":  "City of birth",
		"MFA13": "Last four digits of your social security number",
		"MFA16": "Mother's maiden name",
		"MFA23": "Year of birth, formatted YYYY",
	} {
		if q, ok := challenge.Lookup(id); !ok || q.Label != label {
			t.Errorf("Lookup(%s) = %q, %v; want %q", id, q.Label, ok, label)
		}
	}
	// Machine-answerable phrases and the custom id are not catalogue questions.
	for _, id := range []challenge.QuestionID{"MFA24", "MFA101", "MFA107", challenge.CustomID, ""} {
		if _, ok := challenge.Lookup(id); ok {
			t.Errorf("Lookup(%q) found a question; want none", id)
		}
	}
}

func TestVerifiableFactsAreNotOffered(t *testing.T) {
	t.Parallel()
	facts := map[challenge.QuestionID]bool{
		"MFA2": true, "MFA3": true, "MFA7": true, "MFA10": true, "MFA11": true,
		"MFA12": true, "MFA13": true, "MFA14": true, "MFA22": true, "MFA23": true,
	}
	for _, q := range challenge.Catalogue() {
		if q.Selectable == facts[q.ID] {
			t.Errorf("%s (%s): selectable %v, want %v", q.ID, q.Label, q.Selectable, !facts[q.ID])
		}
	}
	sel := challenge.Selectable()
	if len(sel) != 23-len(facts) {
		t.Fatalf("Selectable() has %d questions, want %d", len(sel), 23-len(facts))
	}
	for _, q := range sel {
		if facts[q.ID] {
			t.Errorf("Selectable() offers %s, a verifiable fact", q.ID)
		}
	}
}

func TestCatalogueCannotBeChangedByACaller(t *testing.T) {
	t.Parallel()
	c := challenge.Catalogue()
	c[0].Label = "changed"
	c[1].Selectable = true
	if q, _ := challenge.Lookup("MFA1"); q.Label != "City of birth" {
		t.Errorf("changing a returned catalogue changed Lookup: %q", q.Label)
	}
	if q, _ := challenge.Lookup("MFA2"); q.Selectable {
		t.Error("changing a returned catalogue made MFA2 selectable")
	}
}
