// Package config owns LedgerSync's settings: what they are, where they may
// come from, how they are validated and how they are shown. Every setting is
// one row of the table in setting.go; Load resolves each row from, highest
// precedence first, command-line flags, LEDGERSYNC_* environment variables,
// an optional config file and the row's default, and returns one validated
// Config. Describe reports every effective value, secrets masked, with the
// place it came from, for `ledgersync config`.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config is the validated configuration of one ledgersync process. Only Load
// builds it; a Config that Load returned is never changed afterwards.
//
// Config holds secrets. Its String and LogValue methods mask them, so
// printing or logging a Config or *Config is safe; printing a field is not.
// The methods take Config by value so that both forms are covered.
type Config struct {
	// DatabaseURL is a SQLite file path or a postgres:// URL. Load fills
	// in <DataDir>/ledgersync.db when none is configured, so it is never "".
	DatabaseURL string
	// Addr is the host:port the HTTP server listens on.
	Addr string
	// DataDir holds the SQLite database and local blobs by default.
	DataDir string

	// BlobURL is the blob store as configured: "", a directory or s3://...
	// Use BlobDir and BlobS3 rather than parsing it again.
	BlobURL string
	// BlobDir is the local directory for blobs; "" when blobs live in S3.
	BlobDir string
	// BlobS3 is the parsed s3:// location; nil when blobs are local.
	BlobS3 *S3Location
	// BlobS3AccessKey and BlobS3SecretKey are the S3 credentials, set
	// whenever BlobS3 is.
	BlobS3AccessKey string
	BlobS3SecretKey string

	// MasterKey is the 32-byte key that encrypts stored credentials; nil
	// when none is configured (development generates one elsewhere).
	MasterKey []byte

	LogLevel  slog.Level
	LogFormat string // "text" or "json"

	// TLSCert and TLSKey are both set (to readable files) or both "".
	TLSCert string
	TLSKey  string

	// ShutdownTimeout bounds a graceful shutdown, from 1s to 10m.
	ShutdownTimeout time.Duration
	// Workers is how many jobs run at once in one process, from 1 to 1000.
	Workers int

	// SMTPURL and SMTPPassword configure outgoing mail (notify.SMTPConfig).
	SMTPURL      string
	SMTPPassword string
	// SMSURL and SMSToken configure texts and calls through a
	// Twilio-compatible API: the URL carries the account and the sending
	// number as query parameters, the token is the secret.
	SMSURL   string
	SMSToken string

	// File is the config file that was read, "" when there was none.
	File string

	sources map[string]string // setting name → Setting.Source
}

// S3Location is a parsed s3://bucket/prefix?endpoint=host:port&region=r&tls=false URL.
type S3Location struct {
	Bucket   string
	Prefix   string // without leading or trailing slashes; "" for the whole bucket
	Endpoint string // host or host:port; "" for the client's default (AWS)
	Region   string
	TLS      bool // false only when the URL says tls=false
}

// Sources are the places Load reads settings from.
type Sources struct {
	// Env looks up an environment variable: os.Getenv in production, a map
	// in tests. An empty value counts as unset. Nil means an empty
	// environment, so a test never reads the real one by accident.
	// Variables no setting knows, such as a misspelt LEDGERSYNC_ADR, are
	// ignored: Env looks names up and cannot list them.
	Env func(string) string
	// Flags holds only the flags the user set explicitly, keyed by flag
	// name without dashes ("log-level"). An explicit empty value counts.
	Flags map[string]string
	// File is the config file to read; "" means the LEDGERSYNC_CONFIG
	// environment variable if set, else no file. A named file must exist.
	File string
	// ReadFile reads the config file and *_FILE secrets and checks TLS
	// files; nil means os.ReadFile.
	ReadFile func(string) ([]byte, error)
}

// EnvConfigFile names the config file when Sources.File is "".
const EnvConfigFile = "LEDGERSYNC_CONFIG"

// Load resolves every setting from src and validates the result. It reports
// all problems at once, joined, each naming the setting and where its value
// came from; no error ever contains a secret.
func Load(src Sources) (*Config, error) {
	l := &loader{env: src.Env, flags: src.Flags, readFile: src.ReadFile}
	if l.env == nil {
		l.env = func(string) string { return "" }
	}
	if l.readFile == nil {
		l.readFile = os.ReadFile
	}
	l.checkFlags()

	c := &Config{sources: make(map[string]string, len(settings))}
	c.File = src.File
	if c.File == "" {
		c.File = l.env(EnvConfigFile)
	}
	if c.File != "" {
		l.readConfigFile(c.File)
	}

	l.picked = make(map[string]candidate, len(settings))
	for i := range settings {
		l.load(c, &settings[i])
	}
	l.finish(c)

	if err := errors.Join(l.errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// IsPostgres reports whether DatabaseURL names PostgreSQL rather than SQLite.
func (c Config) IsPostgres() bool {
	return isPostgresURL(c.DatabaseURL)
}

// Setting is one row of Describe.
type Setting struct {
	Name string // "log_level"
	Env  string // "LEDGERSYNC_LOG_LEVEL"
	// Value is the effective value. Secrets read "********" when set;
	// passwords inside URLs are masked; an empty value reads "(unset)".
	Value string
	// Source is "default", "file <path>", "env LEDGERSYNC_X",
	// "env LEDGERSYNC_X_FILE" or "flag --x".
	Source string
}

const (
	masked = "********"
	unset  = "(unset)"
)

// Describe lists every setting in table order with its effective value,
// safe to print, and where that value came from.
func (c Config) Describe() []Setting {
	rows := make([]Setting, 0, len(settings))
	for i := range settings {
		s := &settings[i]
		v := s.field.get(&c)
		switch {
		case v == "":
			v = unset
		case s.secret:
			v = masked
		}
		src := c.sources[s.name]
		if src == "" {
			src = "default"
		}
		rows = append(rows, Setting{Name: s.name, Env: s.env, Value: v, Source: src})
	}
	return rows
}

// String renders the effective settings on one line, secrets masked, so that
// a Config passed to fmt by mistake leaks nothing.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("{")
	for i, r := range c.Describe() {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%q", r.Name, r.Value)
	}
	b.WriteString("}")
	return b.String()
}

// LogValue logs the effective settings as a group, secrets masked.
func (c Config) LogValue() slog.Value {
	rows := c.Describe()
	attrs := make([]slog.Attr, len(rows))
	for i, r := range rows {
		attrs[i] = slog.String(r.Name, r.Value)
	}
	return slog.GroupValue(attrs...)
}

// candidate is the value a setting takes from one source.
type candidate struct {
	key    string // what supplied it: "LEDGERSYNC_X", "LEDGERSYNC_X_FILE" or "--x"
	raw    string
	path   string // for a *_FILE key: the file that holds the value
	source string // Setting.Source
	line   int    // line in the config file; 0 for other sources
}

// loader resolves settings and collects every error on the way.
type loader struct {
	env      func(string) string
	flags    map[string]string
	readFile func(string) ([]byte, error)

	filePath string
	file     map[string]fileEntry // config-file entries by key

	picked map[string]candidate // setting name → the value it took
	errs   []error
}

// fail records a problem with the value setting s took from cand. Callers
// must keep secrets out of why; see setting.show.
func (l *loader) fail(s *setting, cand candidate, why error) {
	var err error
	if cand.line > 0 {
		err = fmt.Errorf("config: %s:%d: %s: %w", l.filePath, cand.line, cand.key, why)
	} else {
		err = fmt.Errorf("config: %s (%s): %w", s.env, cand.source, why)
	}
	l.errs = append(l.errs, err)
}

// checkFlags rejects flags that no setting owns: a mistake in the CLI wiring.
func (l *loader) checkFlags() {
	for _, name := range slices.Sorted(maps.Keys(l.flags)) {
		if lookupFlag(name) == nil {
			l.errs = append(l.errs, fmt.Errorf("config: unknown flag --%s", name))
		}
	}
}

// load resolves, reads, parses and records one setting.
func (l *loader) load(c *Config, s *setting) {
	cand, ok := l.pick(s)
	if !ok {
		return
	}
	raw := cand.raw
	if cand.path != "" {
		b, err := l.readFile(cand.path)
		if err != nil {
			l.fail(s, cand, fmt.Errorf("cannot read the value: %w", err))
			return
		}
		raw = strings.TrimRight(string(b), "\r\n")
		if raw == "" {
			l.fail(s, cand, fmt.Errorf("%s is empty", cand.path))
			return
		}
	}
	if err := s.field.set(c, raw); err != nil {
		l.fail(s, cand, fmt.Errorf("%s %w", s.show(raw), err))
		return
	}
	c.sources[s.name] = cand.source
	l.picked[s.name] = cand
	if s.readable && raw != "" {
		if _, err := l.readFile(raw); err != nil {
			l.fail(s, cand, fmt.Errorf("cannot read the file: %w", err))
		}
	}
}

// pick returns the value of the highest-precedence source that sets s. It
// reports false, having recorded why, when a source sets both X and X_FILE.
func (l *loader) pick(s *setting) (candidate, bool) {
	fileKey := s.env + "_FILE"
	ok := true

	// The environment and the file are each checked for X together with
	// X_FILE even when a higher source wins: the conflict is a mistake
	// worth reporting wherever it is.
	var fromEnv *candidate
	if v := l.env(s.env); v != "" {
		fromEnv = &candidate{key: s.env, raw: v, source: "env " + s.env}
	}
	if s.takesFile() {
		if p := l.env(fileKey); p != "" {
			if fromEnv != nil {
				l.errs = append(l.errs, fmt.Errorf("config: %s and %s are both set in the environment; set only one", s.env, fileKey))
				ok = false
			}
			fromEnv = &candidate{key: fileKey, path: p, source: "env " + fileKey}
		}
	}

	var fromFile *candidate
	if e, found := l.file[s.env]; found {
		fromFile = &candidate{key: s.env, raw: e.value, source: "file " + l.filePath, line: e.line}
	}
	if e, found := l.file[fileKey]; found && s.takesFile() {
		if fromFile != nil {
			l.errs = append(l.errs, fmt.Errorf("config: %s:%d: %s: %s is also set, on line %d; set only one",
				l.filePath, e.line, fileKey, s.env, fromFile.line))
			ok = false
		}
		fromFile = &candidate{key: fileKey, path: e.value, source: "file " + l.filePath + " (" + fileKey + ")", line: e.line}
		if e.value == "" {
			l.fail(s, *fromFile, errors.New("names no file"))
			ok = false
		}
	}

	switch v, found := l.flags[s.flag]; {
	case s.flag != "" && found:
		return candidate{key: "--" + s.flag, raw: v, source: "flag --" + s.flag}, ok
	case fromEnv != nil:
		return *fromEnv, ok
	case fromFile != nil:
		return *fromFile, ok
	default:
		return candidate{raw: s.def, source: "default"}, ok
	}
}

// finish derives defaults that depend on other settings and checks the rules
// that span several settings.
func (l *loader) finish(c *Config) {
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, "ledgersync.db")
	}
	if c.BlobS3 == nil && c.BlobDir == "" {
		c.BlobDir = filepath.Join(c.DataDir, "blobs")
	}

	if c.BlobS3 != nil {
		var missing []string
		if c.BlobS3AccessKey == "" {
			missing = append(missing, "LEDGERSYNC_BLOB_S3_ACCESS_KEY")
		}
		if c.BlobS3SecretKey == "" {
			missing = append(missing, "LEDGERSYNC_BLOB_S3_SECRET_KEY")
		}
		if len(missing) > 0 {
			l.errs = append(l.errs, fmt.Errorf("config: %s required because LEDGERSYNC_BLOB_URL (%s) is an s3:// URL",
				joinAnd(missing), l.picked["blob_url"].source))
		}
	}

	if (c.TLSCert == "") != (c.TLSKey == "") {
		set, name := "LEDGERSYNC_TLS_CERT", "tls_cert"
		if c.TLSCert == "" {
			set, name = "LEDGERSYNC_TLS_KEY", "tls_key"
		}
		l.errs = append(l.errs, fmt.Errorf("config: LEDGERSYNC_TLS_CERT and LEDGERSYNC_TLS_KEY must be set together; only %s is set (%s)",
			set, l.picked[name].source))
	}
}

// joinAnd renders ["A"] as "A is" and ["A", "B"] as "A and B are".
func joinAnd(names []string) string {
	if len(names) == 1 {
		return names[0] + " is"
	}
	return strings.Join(names, " and ") + " are"
}
