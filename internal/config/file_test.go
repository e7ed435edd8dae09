package config

import (
	"strings"
	"testing"
)

func TestConfigFileFormat(t *testing.T) {
	t.Parallel()
	content := "\ufeff# LedgerSync\r\n" +
		"\n" +
		"   # indented comment\n" +
		"LEDGERSYNC_ADDR = 0.0.0.0:9000 \r\n" +
		"LEDGERSYNC_DATA_DIR=\"/srv/ledger sync\"\n" +
		"LEDGERSYNC_SMTP_PASSWORD=pa#ss=word\n" +
		"LEDGERSYNC_SMTP_URL=\"\"\n" +
		"LEDGERSYNC_LOG_FORMAT=json" // no final newline
	path := writeFile(t, "ledgersync.conf", content)
	c := mustLoad(t, Sources{File: path})

	if c.File != path {
		t.Errorf("File = %q, want %q", c.File, path)
	}
	got := map[string]string{
		"addr":          c.Addr,
		"data_dir":      c.DataDir,
		"smtp_password": c.SMTPPassword,
		"smtp_url":      c.SMTPURL,
		"log_format":    c.LogFormat,
	}
	want := map[string]string{
		"addr":          "0.0.0.0:9000",
		"data_dir":      "/srv/ledger sync",
		"smtp_password": "pa#ss=word",
		"smtp_url":      "",
		"log_format":    "json",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
		if src := describe(t, c, k).Source; src != "file "+path {
			t.Errorf("%s source = %q, want file %s", k, src, path)
		}
	}
}

func TestConfigFileLocation(t *testing.T) {
	t.Parallel()
	fromEnv := writeFile(t, "env.conf", "LEDGERSYNC_WORKERS=7\n")
	fromSrc := writeFile(t, "src.conf", "LEDGERSYNC_WORKERS=8\n")

	tests := []struct {
		name     string
		src      Sources
		wantFile string
		want     int
	}{
		{"none", Sources{}, "", 10},
		{"LEDGERSYNC_CONFIG", Sources{Env: envOf(map[string]string{"LEDGERSYNC_CONFIG": fromEnv})}, fromEnv, 7},
		{"Sources.File wins", Sources{File: fromSrc, Env: envOf(map[string]string{"LEDGERSYNC_CONFIG": fromEnv})}, fromSrc, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustLoad(t, tt.src)
			if c.File != tt.wantFile || c.Workers != tt.want {
				t.Errorf("File %q, Workers %d; want %q, %d", c.File, c.Workers, tt.wantFile, tt.want)
			}
		})
	}
}

func TestConfigFileErrors(t *testing.T) {
	t.Parallel()
	const secret = "correct-horse-battery"
	tests := []struct {
		name    string
		content string
		want    string // "{path}" stands for the path
	}{
		{"no equals sign", "LEDGERSYNC_ADDR=:1\n" + secret + "\n", "config: {path}:2: line is not LEDGERSYNC_X=value"},
		{"key is not a name", "pass word=" + secret + "\n", "config: {path}:1: line is not LEDGERSYNC_X=value"},
		{"empty key", "=" + secret + "\n", "config: {path}:1: line is not LEDGERSYNC_X=value"},
		{"unknown key", "# c\nLEDGERSYNC_ADR=:1\n", "config: {path}:2: unknown setting LEDGERSYNC_ADR"},
		{"config inside config", "LEDGERSYNC_CONFIG=/etc/other\n", "config: {path}:1: unknown setting LEDGERSYNC_CONFIG"},
		{"unterminated quote", "LEDGERSYNC_SMTP_PASSWORD=\"" + secret + "\n", "config: {path}:1: LEDGERSYNC_SMTP_PASSWORD: value has an opening double quote but no closing one"},
		{"lone quote", "LEDGERSYNC_SMTP_PASSWORD=\"\n", "config: {path}:1: LEDGERSYNC_SMTP_PASSWORD: value has an opening double quote"},
		{"duplicate", "LEDGERSYNC_SMTP_PASSWORD=a\n\nLEDGERSYNC_SMTP_PASSWORD=" + secret + "\n", "config: {path}:3: LEDGERSYNC_SMTP_PASSWORD is already set on line 1"},
		{"empty _FILE", "LEDGERSYNC_MASTER_KEY_FILE=\n", "config: {path}:1: LEDGERSYNC_MASTER_KEY_FILE: names no file"},
		{"bad value", "\n\nLEDGERSYNC_LOG_LEVEL=chatty\n", `config: {path}:3: LEDGERSYNC_LOG_LEVEL: "chatty" is not one of`},
		{"bad secret value", "LEDGERSYNC_MASTER_KEY=" + secret + "\n", "config: {path}:1: LEDGERSYNC_MASTER_KEY: value is not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "ledgersync.conf", tt.content)
			_, err := Load(Sources{File: path})
			checkErr(t, err, []string{strings.ReplaceAll(tt.want, "{path}", path)}, secret)
		})
	}

	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		_, err := Load(Sources{Env: envOf(map[string]string{"LEDGERSYNC_CONFIG": "/no/such/ledgersync.conf"})})
		checkErr(t, err, []string{"config: read config file: open /no/such/ledgersync.conf"})
	})
}
