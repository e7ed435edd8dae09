package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Fixed secrets, distinctive enough that finding one in output is a leak.
const (
	testMasterKey  = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" // bytes 0..31
	testAccessKey  = "AKIA-access-key-zq1"
	testSecretKey  = "s3-secret-key-zq2"
	testSMTPPass   = "smtp-password-zq3"
	testDBPassword = "db-password-zq4"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func describe(t *testing.T, c *Config, name string) Setting {
	t.Helper()
	for _, r := range c.Describe() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("Describe has no row %q", name)
	return Setting{}
}

func mustLoad(t *testing.T, src Sources) *Config {
	t.Helper()
	c, err := Load(src)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c := mustLoad(t, Sources{})

	want := Config{
		DatabaseURL:     filepath.Join("ledgersync-data", "ledgersync.db"),
		Addr:            "127.0.0.1:8080",
		DataDir:         "./ledgersync-data",
		BlobDir:         filepath.Join("ledgersync-data", "blobs"),
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
		ShutdownTimeout: 30 * time.Second,
		Workers:         10,
	}
	got := *c
	got.sources = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
	if c.IsPostgres() {
		t.Error("IsPostgres() = true for the SQLite default")
	}
	for _, r := range c.Describe() {
		if r.Source != "default" {
			t.Errorf("%s: source %q, want default", r.Name, r.Source)
		}
	}
}

// TestLoadPrecedence checks flag > env > file > default for every setting,
// with a distinct valid value at each layer.
func TestLoadPrecedence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{}
	for _, n := range []string{"c1", "c2", "c3", "k1", "k2", "k3"} {
		files[n] = filepath.Join(dir, n+".pem")
		if err := os.WriteFile(files[n], []byte("pem"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	key2 := strings.Repeat("A", 43) + "=" // 32 zero bytes
	s3 := "s3://b/p?endpoint=minio:9000&tls=false"

	// Each row's layers: file, env, flag. A flag of "" means the setting
	// has no flag. want is the Describe value of each stage.
	tests := []struct {
		name             string
		file, env, flag  string
		wantFile         string // Describe value when only the file sets it
		wantEnv, wantFlg string
		extra            map[string]string // env needed for the config to be valid
	}{
		{name: "database_url", file: "f.db", env: "postgres://u@db/x", flag: "postgresql://u@db2/y",
			wantFile: "f.db", wantEnv: "postgres://u@db/x", wantFlg: "postgresql://u@db2/y"},
		{name: "addr", file: "127.0.0.1:1", env: ":2", flag: "[::1]:3"},
		{name: "data_dir", file: "/d1", env: "/d2", flag: "/d3"},
		{name: "blob_url", file: "/b1", env: s3, flag: "/b3",
			extra: map[string]string{"LEDGERSYNC_BLOB_S3_ACCESS_KEY": "a", "LEDGERSYNC_BLOB_S3_SECRET_KEY": "s"}},
		{name: "blob_s3_access_key", file: "a1", env: "a2", wantFile: masked, wantEnv: masked},
		{name: "blob_s3_secret_key", file: "s1", env: "s2", wantFile: masked, wantEnv: masked},
		{name: "master_key", file: testMasterKey, env: key2, wantFile: masked, wantEnv: masked},
		{name: "log_level", file: "debug", env: "WARN", flag: "error", wantEnv: "warn"},
		{name: "log_format", file: "json", env: "text", flag: "json"},
		{name: "tls_cert", file: files["c1"], env: files["c2"], flag: files["c3"],
			extra: map[string]string{"LEDGERSYNC_TLS_KEY": files["k1"]}},
		{name: "tls_key", file: files["k1"], env: files["k2"], flag: files["k3"],
			extra: map[string]string{"LEDGERSYNC_TLS_CERT": files["c1"]}},
		{name: "shutdown_timeout", file: "1s", env: "90s", flag: "10m", wantEnv: "1m30s"},
		{name: "workers", file: "1", env: "500", flag: "1000"},
		{name: "smtp_url", file: "smtp://mail:25", env: "smtps://mail:465"},
		{name: "smtp_password", file: "p1", env: "p2", wantFile: masked, wantEnv: masked},
		{name: "sms_url", file: "https://api.twilio.com?account=AC1", env: "https://sms.example?account=AC2"},
		{name: "sms_token", file: "t1", env: "t2", wantFile: masked, wantEnv: masked},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := lookupSetting(t, tt.name)
			if (s.flag == "") != (tt.flag == "") {
				t.Fatalf("test row gives flag %q but the setting's flag is %q", tt.flag, s.flag)
			}
			or := func(want, v string) string {
				if want != "" {
					return want
				}
				return v
			}
			path := writeFile(t, "ledgersync.conf", fmt.Sprintf("%s=%s\n", s.env, tt.file))

			stages := []struct {
				env        map[string]string
				flags      map[string]string
				wantValue  string
				wantSource string
			}{
				{wantValue: or(tt.wantFile, tt.file), wantSource: "file " + path},
				{env: map[string]string{s.env: tt.env}, wantValue: or(tt.wantEnv, tt.env), wantSource: "env " + s.env},
			}
			if s.flag != "" {
				stages = append(stages, struct {
					env        map[string]string
					flags      map[string]string
					wantValue  string
					wantSource string
				}{env: map[string]string{s.env: tt.env}, flags: map[string]string{s.flag: tt.flag},
					wantValue: or(tt.wantFlg, tt.flag), wantSource: "flag --" + s.flag})
			}
			for _, st := range stages {
				env := map[string]string{}
				for k, v := range tt.extra {
					env[k] = v
				}
				for k, v := range st.env {
					env[k] = v
				}
				c := mustLoad(t, Sources{Env: envOf(env), Flags: st.flags, File: path})
				got := describe(t, c, tt.name)
				if got.Value != st.wantValue || got.Source != st.wantSource {
					t.Errorf("env %v flags %v: got %q from %q, want %q from %q",
						st.env, st.flags, got.Value, got.Source, st.wantValue, st.wantSource)
				}
			}
		})
	}
	for _, s := range settings {
		if !covered[s.name] {
			t.Errorf("setting %s has no precedence test", s.name)
		}
	}
}

func lookupSetting(t *testing.T, name string) *setting {
	t.Helper()
	for i := range settings {
		if settings[i].name == name {
			return &settings[i]
		}
	}
	t.Fatalf("no setting %q", name)
	return nil
}

func TestLoadTypedValues(t *testing.T) {
	t.Parallel()
	cert := writeFile(t, "cert.pem", "cert")
	key := writeFile(t, "key.pem", "key")
	c := mustLoad(t, Sources{
		Env: envOf(map[string]string{
			"LEDGERSYNC_DATA_DIR":           "/srv/ls",
			"LEDGERSYNC_BLOB_URL":           "s3://bucket/some/prefix/?endpoint=minio:9000&region=eu-west-1&tls=false",
			"LEDGERSYNC_BLOB_S3_ACCESS_KEY": testAccessKey,
			"LEDGERSYNC_BLOB_S3_SECRET_KEY": testSecretKey,
			"LEDGERSYNC_MASTER_KEY":         testMasterKey,
			"LEDGERSYNC_LOG_LEVEL":          "debug",
			"LEDGERSYNC_SHUTDOWN_TIMEOUT":   "2m",
			"LEDGERSYNC_WORKERS":            "3",
		}),
		Flags: map[string]string{"tls-cert": cert, "tls-key": key},
	})
	wantKey := make([]byte, 32)
	for i := range wantKey {
		wantKey[i] = byte(i)
	}
	if !bytes.Equal(c.MasterKey, wantKey) {
		t.Errorf("MasterKey = %x, want %x", c.MasterKey, wantKey)
	}
	wantS3 := &S3Location{Bucket: "bucket", Prefix: "some/prefix", Endpoint: "minio:9000", Region: "eu-west-1", TLS: false}
	if !reflect.DeepEqual(c.BlobS3, wantS3) || c.BlobDir != "" {
		t.Errorf("BlobS3 = %+v, BlobDir = %q; want %+v and no dir", c.BlobS3, c.BlobDir, wantS3)
	}
	if c.BlobS3AccessKey != testAccessKey || c.BlobS3SecretKey != testSecretKey {
		t.Error("S3 keys not loaded")
	}
	if c.DatabaseURL != filepath.Join("/srv/ls", "ledgersync.db") {
		t.Errorf("DatabaseURL = %q, want it under data_dir", c.DatabaseURL)
	}
	if c.LogLevel != slog.LevelDebug || c.ShutdownTimeout != 2*time.Minute || c.Workers != 3 {
		t.Errorf("LogLevel %v, ShutdownTimeout %v, Workers %d", c.LogLevel, c.ShutdownTimeout, c.Workers)
	}
	if c.TLSCert != cert || c.TLSKey != key {
		t.Errorf("TLS = %q, %q", c.TLSCert, c.TLSKey)
	}

	// A local blob directory given explicitly; the default follows data_dir.
	c = mustLoad(t, Sources{Env: envOf(map[string]string{"LEDGERSYNC_BLOB_URL": "/var/blobs"})})
	if c.BlobDir != "/var/blobs" || c.BlobS3 != nil {
		t.Errorf("BlobDir = %q, BlobS3 = %v", c.BlobDir, c.BlobS3)
	}
	c = mustLoad(t, Sources{Flags: map[string]string{"data-dir": "/srv/x"}})
	if c.BlobDir != filepath.Join("/srv/x", "blobs") {
		t.Errorf("BlobDir = %q, want it under data_dir", c.BlobDir)
	}
	// S3 TLS is on unless the URL turns it off.
	c = mustLoad(t, Sources{Env: envOf(map[string]string{
		"LEDGERSYNC_BLOB_URL":           "s3://bucket",
		"LEDGERSYNC_BLOB_S3_ACCESS_KEY": "a",
		"LEDGERSYNC_BLOB_S3_SECRET_KEY": "s",
	})})
	if !c.BlobS3.TLS || c.BlobS3.Prefix != "" {
		t.Errorf("BlobS3 = %+v, want TLS on and no prefix", c.BlobS3)
	}
}

func TestIsPostgres(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url  string
		want bool
	}{
		{"", false},
		{"./data/ledgersync.db", false},
		{"postgres://u@db/x", true},
		{"postgresql://u@db/x", true},
		{"POSTGRES://u@db/x", true},
	}
	for _, tt := range tests {
		c := mustLoad(t, Sources{Flags: map[string]string{"database": tt.url}})
		if got := c.IsPostgres(); got != tt.want {
			t.Errorf("database %q: IsPostgres() = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestLoadSecretFromFile(t *testing.T) {
	t.Parallel()
	keyFile := writeFile(t, "master_key", testMasterKey+"\n")
	emptyFile := writeFile(t, "empty", "\n")
	missing := filepath.Join(t.TempDir(), "missing")

	t.Run("env", func(t *testing.T) {
		t.Parallel()
		c := mustLoad(t, Sources{Env: envOf(map[string]string{"LEDGERSYNC_MASTER_KEY_FILE": keyFile})})
		if len(c.MasterKey) != 32 {
			t.Fatalf("MasterKey has %d bytes, want 32", len(c.MasterKey))
		}
		got := describe(t, c, "master_key")
		if got.Source != "env LEDGERSYNC_MASTER_KEY_FILE" || got.Value != masked {
			t.Errorf("row = %+v", got)
		}
	})
	t.Run("config file", func(t *testing.T) {
		t.Parallel()
		conf := writeFile(t, "ls.conf", "LEDGERSYNC_SMTP_PASSWORD_FILE="+writeFile(t, "pw", testSMTPPass+"\r\n")+"\n")
		c := mustLoad(t, Sources{File: conf})
		if c.SMTPPassword != testSMTPPass {
			t.Errorf("SMTPPassword = %q, want the file's content without the line ending", c.SMTPPassword)
		}
		if got := describe(t, c, "smtp_password").Source; got != "file "+conf+" (LEDGERSYNC_SMTP_PASSWORD_FILE)" {
			t.Errorf("source = %q", got)
		}
	})
	t.Run("env value beats config file", func(t *testing.T) {
		t.Parallel()
		conf := writeFile(t, "ls.conf", "LEDGERSYNC_MASTER_KEY_FILE="+missing+"\n")
		c := mustLoad(t, Sources{File: conf, Env: envOf(map[string]string{"LEDGERSYNC_MASTER_KEY": testMasterKey})})
		if got := describe(t, c, "master_key").Source; got != "env LEDGERSYNC_MASTER_KEY" {
			t.Errorf("source = %q", got)
		}
	})
	t.Run("database url", func(t *testing.T) {
		t.Parallel()
		url := "postgres://app:" + testDBPassword + "@db:5432/ls"
		c := mustLoad(t, Sources{Env: envOf(map[string]string{"LEDGERSYNC_DATABASE_URL_FILE": writeFile(t, "db", url+"\n")})})
		if c.DatabaseURL != url || !c.IsPostgres() {
			t.Errorf("DatabaseURL = %q", c.DatabaseURL)
		}
	})

	errTests := []struct {
		name string
		src  Sources
		want []string
	}{
		{"missing file", Sources{Env: envOf(map[string]string{"LEDGERSYNC_MASTER_KEY_FILE": missing})},
			[]string{"LEDGERSYNC_MASTER_KEY (env LEDGERSYNC_MASTER_KEY_FILE): cannot read the value", missing}},
		{"empty file", Sources{Env: envOf(map[string]string{"LEDGERSYNC_MASTER_KEY_FILE": emptyFile})},
			[]string{"LEDGERSYNC_MASTER_KEY (env LEDGERSYNC_MASTER_KEY_FILE): " + emptyFile + " is empty"}},
		{"bad content", Sources{Env: envOf(map[string]string{"LEDGERSYNC_MASTER_KEY_FILE": writeFile(t, "bad", testSecretKey)})},
			[]string{"LEDGERSYNC_MASTER_KEY (env LEDGERSYNC_MASTER_KEY_FILE): value is not valid base64 of 32 bytes"}},
		{"both in env", Sources{Env: envOf(map[string]string{"LEDGERSYNC_MASTER_KEY": testSecretKey, "LEDGERSYNC_MASTER_KEY_FILE": keyFile})},
			[]string{"LEDGERSYNC_MASTER_KEY and LEDGERSYNC_MASTER_KEY_FILE are both set"}},
		{"both in file", Sources{File: writeFile(t, "both.conf",
			"LEDGERSYNC_BLOB_S3_SECRET_KEY="+testSecretKey+"\nLEDGERSYNC_BLOB_S3_SECRET_KEY_FILE="+keyFile+"\n")},
			[]string{":2: LEDGERSYNC_BLOB_S3_SECRET_KEY_FILE: LEDGERSYNC_BLOB_S3_SECRET_KEY is also set, on line 1"}},
		{"no _FILE for plain settings", Sources{File: writeFile(t, "addr.conf", "LEDGERSYNC_ADDR_FILE=/x\n")},
			[]string{":1: unknown setting LEDGERSYNC_ADDR_FILE"}},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tt.src)
			checkErr(t, err, tt.want, testSecretKey)
		})
	}
}

// checkErr fails unless err contains every string in want and none of leak.
func checkErr(t *testing.T, err error, want []string, leak ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Load succeeded, want an error containing %q", want)
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q\ndoes not contain %q", msg, w)
		}
	}
	for _, s := range leak {
		if s != "" && strings.Contains(msg, s) {
			t.Errorf("error %q\nleaks %q", msg, s)
		}
	}
}

func TestLoadInvalid(t *testing.T) {
	t.Parallel()
	cert := writeFile(t, "cert.pem", "cert")
	missing := filepath.Join(t.TempDir(), "missing.pem")
	s3Keys := map[string]string{"LEDGERSYNC_BLOB_S3_ACCESS_KEY": "a", "LEDGERSYNC_BLOB_S3_SECRET_KEY": "s"}

	tests := []struct {
		name  string
		env   map[string]string
		flags map[string]string
		file  string   // config file content, if any
		want  []string // substrings of the error; "{path}" stands for the config file's path
		leak  string   // must not appear in the error
	}{
		{name: "addr without port", flags: map[string]string{"addr": "abc"},
			want: []string{`config: LEDGERSYNC_ADDR (flag --addr): "abc" is not host:port: missing port`}},
		{name: "addr port too big", env: map[string]string{"LEDGERSYNC_ADDR": "localhost:70000"},
			want: []string{`LEDGERSYNC_ADDR (env LEDGERSYNC_ADDR): "localhost:70000" is not host:port: the port must be a number`}},
		{name: "addr named port", file: "LEDGERSYNC_ADDR=localhost:http\n",
			want: []string{`{path}:1: LEDGERSYNC_ADDR: "localhost:http" is not host:port`}},
		{name: "data dir empty", flags: map[string]string{"data-dir": ""},
			want: []string{`LEDGERSYNC_DATA_DIR (flag --data-dir): "" must not be empty`}},
		{name: "workers zero", env: map[string]string{"LEDGERSYNC_WORKERS": "0"},
			want: []string{`LEDGERSYNC_WORKERS (env LEDGERSYNC_WORKERS): "0" is not a whole number from 1 to 1000`}},
		{name: "workers too many", flags: map[string]string{"workers": "1001"},
			want: []string{`LEDGERSYNC_WORKERS (flag --workers): "1001" is not a whole number from 1 to 1000`}},
		{name: "workers not a number", file: "\n# workers\nLEDGERSYNC_WORKERS=ten\n",
			want: []string{`{path}:3: LEDGERSYNC_WORKERS: "ten" is not a whole number`}},
		{name: "timeout without unit", env: map[string]string{"LEDGERSYNC_SHUTDOWN_TIMEOUT": "30"},
			want: []string{`LEDGERSYNC_SHUTDOWN_TIMEOUT (env LEDGERSYNC_SHUTDOWN_TIMEOUT): "30" is not a duration`}},
		{name: "timeout too short", flags: map[string]string{"shutdown-timeout": "500ms"},
			want: []string{`LEDGERSYNC_SHUTDOWN_TIMEOUT (flag --shutdown-timeout): "500ms" is not between 1s and 10m`}},
		{name: "timeout too long", flags: map[string]string{"shutdown-timeout": "1h"},
			want: []string{`"1h" is not between 1s and 10m`}},
		{name: "log level", env: map[string]string{"LEDGERSYNC_LOG_LEVEL": "verbose"},
			want: []string{`LEDGERSYNC_LOG_LEVEL (env LEDGERSYNC_LOG_LEVEL): "verbose" is not one of debug, info, warn, error`}},
		{name: "log format", flags: map[string]string{"log-format": "xml"},
			want: []string{`LEDGERSYNC_LOG_FORMAT (flag --log-format): "xml" is not one of text, json`}},
		{name: "master key not base64", env: map[string]string{"LEDGERSYNC_MASTER_KEY": "hunter2!hunter2!"},
			want: []string{"LEDGERSYNC_MASTER_KEY (env LEDGERSYNC_MASTER_KEY): value is not valid base64 of 32 bytes"},
			leak: "hunter2"},
		{name: "master key too short", file: "LEDGERSYNC_MASTER_KEY=\"c2hvcnQta2V5LXNlY3JldA==\"\n",
			want: []string{"{path}:1: LEDGERSYNC_MASTER_KEY: value is not valid base64 of 32 bytes"},
			leak: "c2hvcnQta2V5LXNlY3JldA"},
		{name: "database scheme", flags: map[string]string{"database": "mysql://u:" + testDBPassword + "@db/x"},
			want: []string{`LEDGERSYNC_DATABASE_URL (flag --database): "mysql://u:xxxxx@db/x" has unsupported scheme "mysql"`},
			leak: testDBPassword},
		{name: "postgres without host", env: map[string]string{"LEDGERSYNC_DATABASE_URL": "postgres:///ls"},
			want: []string{`LEDGERSYNC_DATABASE_URL (env LEDGERSYNC_DATABASE_URL): "postgres:///ls" is a postgres URL without a host`}},
		{name: "postgres password with bad escape", env: map[string]string{"LEDGERSYNC_DATABASE_URL": "postgres://u:pa%zz" + testDBPassword + "@db/x"},
			want: []string{"LEDGERSYNC_DATABASE_URL (env LEDGERSYNC_DATABASE_URL): value is not a valid URL"},
			leak: testDBPassword},
		{name: "postgres password with slash", env: map[string]string{"LEDGERSYNC_DATABASE_URL": "postgres://u:" + testDBPassword + "/x@db/x"},
			want: []string{"value is not a valid URL"},
			leak: testDBPassword},
		{name: "blob scheme", flags: map[string]string{"blob": "gs://bucket"},
			want: []string{`LEDGERSYNC_BLOB_URL (flag --blob): "gs://bucket" has unsupported scheme "gs"`}},
		{name: "blob with credentials", env: map[string]string{"LEDGERSYNC_BLOB_URL": "s3://key:" + testSecretKey + "@bucket", "LEDGERSYNC_BLOB_S3_ACCESS_KEY": "a", "LEDGERSYNC_BLOB_S3_SECRET_KEY": "s"},
			want: []string{"LEDGERSYNC_BLOB_URL (env LEDGERSYNC_BLOB_URL):", "must not hold credentials"},
			leak: testSecretKey},
		{name: "blob unknown parameter", env: merge(s3Keys, map[string]string{"LEDGERSYNC_BLOB_URL": "s3://bucket?regoin=x"}),
			want: []string{`"s3://bucket?regoin=x" has unknown parameter "regoin"`}},
		{name: "blob tls", env: merge(s3Keys, map[string]string{"LEDGERSYNC_BLOB_URL": "s3://bucket?tls=maybe"}),
			want: []string{"has tls that is neither true nor false"}},
		{name: "blob endpoint with scheme", env: merge(s3Keys, map[string]string{"LEDGERSYNC_BLOB_URL": "s3://bucket?endpoint=http://minio:9000"}),
			want: []string{"has an endpoint with a scheme"}},
		{name: "blob endpoint bad port", env: merge(s3Keys, map[string]string{"LEDGERSYNC_BLOB_URL": "s3://bucket?endpoint=minio:99999"}),
			want: []string{"has an endpoint that is not host:port"}},
		{name: "blob without bucket", flags: map[string]string{"blob": "s3:///prefix"},
			want: []string{"names no bucket"}},
		{name: "s3 without keys", env: map[string]string{"LEDGERSYNC_BLOB_URL": "s3://bucket"},
			want: []string{"config: LEDGERSYNC_BLOB_S3_ACCESS_KEY and LEDGERSYNC_BLOB_S3_SECRET_KEY are required because LEDGERSYNC_BLOB_URL (env LEDGERSYNC_BLOB_URL) is an s3:// URL"}},
		{name: "s3 without secret key", flags: map[string]string{"blob": "s3://bucket"}, env: map[string]string{"LEDGERSYNC_BLOB_S3_ACCESS_KEY": testAccessKey},
			want: []string{"config: LEDGERSYNC_BLOB_S3_SECRET_KEY is required because LEDGERSYNC_BLOB_URL (flag --blob)"},
			leak: testAccessKey},
		{name: "tls cert alone", flags: map[string]string{"tls-cert": cert},
			want: []string{"config: LEDGERSYNC_TLS_CERT and LEDGERSYNC_TLS_KEY must be set together; only LEDGERSYNC_TLS_CERT is set (flag --tls-cert)"}},
		{name: "tls key alone", file: "LEDGERSYNC_TLS_KEY=" + cert + "\n",
			want: []string{"LEDGERSYNC_TLS_CERT and LEDGERSYNC_TLS_KEY must be set together; only LEDGERSYNC_TLS_KEY is set (file {path})"}},
		{name: "tls file missing", env: map[string]string{"LEDGERSYNC_TLS_CERT": missing, "LEDGERSYNC_TLS_KEY": cert},
			want: []string{"LEDGERSYNC_TLS_CERT (env LEDGERSYNC_TLS_CERT): cannot read the file: open " + missing}},
		{name: "smtp url", env: map[string]string{"LEDGERSYNC_SMTP_URL": "mail.example.com"},
			want: []string{`LEDGERSYNC_SMTP_URL (env LEDGERSYNC_SMTP_URL): "mail.example.com" is not a URL with a scheme and a host`}},
		{name: "unknown flag", flags: map[string]string{"master-key": testMasterKey},
			want: []string{"config: unknown flag --master-key"},
			leak: testMasterKey},
		{name: "every error at once",
			flags: map[string]string{"addr": "abc", "workers": "0"},
			env:   map[string]string{"LEDGERSYNC_LOG_LEVEL": "loud", "LEDGERSYNC_MASTER_KEY": "x"},
			file:  "LEDGERSYNC_LOG_FORMAT=xml\nnonsense\n",
			want:  []string{"LEDGERSYNC_ADDR", "LEDGERSYNC_WORKERS", "LEDGERSYNC_LOG_LEVEL", "LEDGERSYNC_MASTER_KEY", "{path}:1: LEDGERSYNC_LOG_FORMAT", "{path}:2: line is not"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := Sources{Env: envOf(tt.env), Flags: tt.flags}
			if tt.file != "" {
				src.File = writeFile(t, "ledgersync.conf", tt.file)
			}
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = strings.ReplaceAll(w, "{path}", src.File)
			}
			c, err := Load(src)
			if c != nil {
				t.Error("Load returned a Config along with an error")
			}
			checkErr(t, err, want, tt.leak)
		})
	}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestLoadErrorWrapsCause(t *testing.T) {
	t.Parallel()
	_, err := Load(Sources{File: filepath.Join(t.TempDir(), "nope.conf")})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestDescribeHidesSecrets(t *testing.T) {
	t.Parallel()
	db := "postgres://app:" + testDBPassword + "@db:5432/ls?sslmode=require&sslpassword=" + testDBPassword + "x"
	c := mustLoad(t, Sources{Env: envOf(map[string]string{
		"LEDGERSYNC_DATABASE_URL":       db,
		"LEDGERSYNC_BLOB_URL":           "s3://bucket",
		"LEDGERSYNC_BLOB_S3_ACCESS_KEY": testAccessKey,
		"LEDGERSYNC_BLOB_S3_SECRET_KEY": testSecretKey,
		"LEDGERSYNC_MASTER_KEY":         testMasterKey,
		"LEDGERSYNC_SMTP_URL":           "smtp://mailer:" + testSMTPPass + "x@mail:587",
	})})

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("start", "config", c)
	outputs := map[string]string{
		"Describe": fmt.Sprint(c.Describe()),
		"String":   fmt.Sprint(c),
		"%+v":      fmt.Sprintf("%+v", c),
		"value":    fmt.Sprintf("%v", *c),
		"LogValue": logged.String(),
	}
	for name, out := range outputs {
		for _, secret := range []string{testDBPassword, testAccessKey, testSecretKey, testMasterKey, testSMTPPass} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output leaks %q:\n%s", name, secret, out)
			}
		}
	}

	want := map[string]string{
		"database_url":       "postgres://app:xxxxx@db:5432/ls?sslmode=require&sslpassword=xxxxx",
		"blob_url":           "s3://bucket",
		"blob_s3_access_key": masked,
		"blob_s3_secret_key": masked,
		"master_key":         masked,
		"smtp_url":           "smtp://mailer:xxxxx@mail:587",
		"smtp_password":      unset,
		"tls_cert":           unset,
	}
	for name, v := range want {
		if got := describe(t, c, name); got.Value != v || got.Source == "" {
			t.Errorf("%s: got %+v, want value %q", name, got, v)
		}
	}
	if got := describe(t, c, "master_key").Source; got != "env LEDGERSYNC_MASTER_KEY" {
		t.Errorf("master_key source = %q", got)
	}
	if got := describe(t, mustLoad(t, Sources{}), "master_key").Value; got != unset {
		t.Errorf("unset master_key shows %q, want %q", got, unset)
	}
}

func TestLoadIgnoresUnknownEnv(t *testing.T) {
	t.Parallel()
	c := mustLoad(t, Sources{Env: envOf(map[string]string{
		"LEDGERSYNC_NO_SUCH_SETTING": "x",
		"LEDGERSYNC_ADDR_FILE":       "/no/such/file", // only secrets and database_url take _FILE
		"LEDGERSYNC_TEST_POSTGRES":   "postgres://u@db/x",
	})})
	if got := describe(t, c, "addr"); got.Value != "127.0.0.1:8080" || got.Source != "default" {
		t.Errorf("addr = %+v, want the default", got)
	}
}
