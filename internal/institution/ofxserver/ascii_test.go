package ofxserver

import "testing"

func TestToASCII(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ONLINE PAYMENT TO CARD ••••8230": "ONLINE PAYMENT TO CARD ****8230",
		"José Nuñez – “Café” …":           `Jose Nunez - "Cafe" ...`,
		"Straße 5":                        "Strasse 5",
		"plain ASCII & <text>":            "plain ASCII & <text>",
		"雨":                               "?",
	} {
		if got := toASCII(in); got != want {
			t.Errorf("toASCII(%q) = %q, want %q", in, got, want)
		}
	}
}
