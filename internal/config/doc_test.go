package config

import (
	"os"
	"strings"
	"testing"
)

// The operator's reference must list every setting there is.
func TestDocsListEverySetting(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(string(doc), "`"+s.env+"`") {
			t.Errorf("docs/configuration.md does not document %s (%s)", s.name, s.env)
		}
		if s.flag != "" && !strings.Contains(string(doc), "`--"+s.flag+"`") {
			t.Errorf("docs/configuration.md does not document the flag --%s", s.flag)
		}
	}
}
