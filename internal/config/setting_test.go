package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestSettingsTable checks the rules every row must follow, so that adding
// a row cannot quietly break the others.
func TestSettingsTable(t *testing.T) {
	t.Parallel()
	names, envs, flags := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, s := range settings {
		if names[s.name] || envs[s.env] || s.flag != "" && flags[s.flag] {
			t.Errorf("%s: name, env or flag used twice", s.name)
		}
		names[s.name], envs[s.env], flags[s.flag] = true, true, true
		if s.env != "LEDGERSYNC_"+strings.ToUpper(s.name) {
			t.Errorf("%s: env %s, want LEDGERSYNC_%s", s.name, s.env, strings.ToUpper(s.name))
		}
		if s.secret && s.flag != "" {
			t.Errorf("%s: a secret must not have a flag", s.name)
		}
		if s.help == "" || s.field.set == nil || s.field.get == nil {
			t.Errorf("%s: missing help, set or get", s.name)
		}
		if s.env == EnvConfigFile || s.env+"_FILE" == EnvConfigFile {
			t.Errorf("%s: clashes with %s", s.name, EnvConfigFile)
		}
	}
	if _, err := Load(Sources{}); err != nil {
		t.Errorf("the defaults do not load: %v", err)
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	var got []string
	for _, f := range Flags() {
		got = append(got, f.Name+"="+f.Default)
		s := lookupFlag(f.Name)
		if s == nil || s.env != f.Env || f.Help == "" {
			t.Errorf("flag %+v does not match its setting", f)
		}
	}
	want := []string{
		"database=", "addr=127.0.0.1:8080", "data-dir=./ledgersync-data", "blob=",
		"log-level=info", "log-format=text", "tls-cert=", "tls-key=",
		"shutdown-timeout=30s", "workers=10",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Flags() =\n %v\nwant\n %v", got, want)
	}
}
