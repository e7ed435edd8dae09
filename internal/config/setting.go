package config

import (
	"strconv"
	"time"
)

// setting is one row of the settings table: everything Load, Describe and
// Flags know about a setting. Adding a setting is adding a row (and the
// Config field its field points at).
type setting struct {
	name string // snake_case, as `ledgersync config` prints it
	env  string // LEDGERSYNC_ + upper-case name; also the config-file key
	flag string // without dashes; "" for none, and always "" for secrets
	def  string // parsed like any other value, so defaults are validated too
	help string // flag usage: lower case, no final period

	// secret masks the value in Describe and keeps it out of errors.
	secret bool
	// fromFile accepts <env>_FILE naming a file that holds the value, as
	// secrets always do; for settings that embed a password.
	fromFile bool
	// readable means a non-empty value names a file that must be readable.
	readable bool

	field field
}

// settings is the single source of truth for every setting, in the order
// `ledgersync config` prints them. It is never modified.
var settings = []setting{
	{
		name: "database_url", env: "LEDGERSYNC_DATABASE_URL", flag: "database", fromFile: true,
		help:  "SQLite database file, or a postgres:// URL (default <data-dir>/ledgersync.db)",
		field: databaseURLField(),
	},
	{
		name: "addr", env: "LEDGERSYNC_ADDR", flag: "addr", def: "127.0.0.1:8080",
		help:  "host:port the HTTP server listens on",
		field: textField(func(c *Config) *string { return &c.Addr }, checkHostPort),
	},
	{
		name: "data_dir", env: "LEDGERSYNC_DATA_DIR", flag: "data-dir", def: "./ledgersync-data",
		help:  "directory for the SQLite database and local blobs",
		field: textField(func(c *Config) *string { return &c.DataDir }, checkNotEmpty),
	},
	{
		name: "blob_url", env: "LEDGERSYNC_BLOB_URL", flag: "blob",
		help:  "where uploaded files are kept: a directory, or s3://bucket/prefix?endpoint=host:port&region=r&tls=false (default <data-dir>/blobs)",
		field: blobURLField(),
	},
	{
		name: "blob_s3_access_key", env: "LEDGERSYNC_BLOB_S3_ACCESS_KEY", secret: true,
		help:  "S3 access key, required with an s3:// blob URL",
		field: textField(func(c *Config) *string { return &c.BlobS3AccessKey }, nil),
	},
	{
		name: "blob_s3_secret_key", env: "LEDGERSYNC_BLOB_S3_SECRET_KEY", secret: true,
		help:  "S3 secret key, required with an s3:// blob URL",
		field: textField(func(c *Config) *string { return &c.BlobS3SecretKey }, nil),
	},
	{
		name: "master_key", env: "LEDGERSYNC_MASTER_KEY", secret: true,
		help:  "base64 of 32 random bytes that encrypts stored credentials (openssl rand -base64 32)",
		field: masterKeyField(),
	},
	{
		name: "log_level", env: "LEDGERSYNC_LOG_LEVEL", flag: "log-level", def: "info",
		help:  "least severe log level written: debug, info, warn or error",
		field: logLevelField(),
	},
	{
		name: "log_format", env: "LEDGERSYNC_LOG_FORMAT", flag: "log-format", def: "text",
		help:  "log format: text or json",
		field: oneOfField(func(c *Config) *string { return &c.LogFormat }, "text", "json"),
	},
	{
		name: "tls_cert", env: "LEDGERSYNC_TLS_CERT", flag: "tls-cert", readable: true,
		help:  "TLS certificate file (PEM); serves HTTPS when given with --tls-key",
		field: textField(func(c *Config) *string { return &c.TLSCert }, nil),
	},
	{
		name: "tls_key", env: "LEDGERSYNC_TLS_KEY", flag: "tls-key", readable: true,
		help:  "TLS private key file (PEM), given with --tls-cert",
		field: textField(func(c *Config) *string { return &c.TLSKey }, nil),
	},
	{
		name: "shutdown_timeout", env: "LEDGERSYNC_SHUTDOWN_TIMEOUT", flag: "shutdown-timeout", def: "30s",
		help:  "how long a graceful shutdown may take, from 1s to 10m",
		field: durationField(func(c *Config) *time.Duration { return &c.ShutdownTimeout }, time.Second, 10*time.Minute),
	},
	{
		name: "workers", env: "LEDGERSYNC_WORKERS", flag: "workers", def: "10",
		help:  "how many jobs run at once in this process, from 1 to 1000",
		field: intField(func(c *Config) *int { return &c.Workers }, 1, 1000),
	},
	{
		name: "smtp_url", env: "LEDGERSYNC_SMTP_URL",
		help:  "SMTP server URL for outgoing mail",
		field: urlField(func(c *Config) *string { return &c.SMTPURL }),
	},
	{
		name: "sms_url", env: "LEDGERSYNC_SMS_URL",
		help:  "Twilio-compatible SMS and voice API: https://api.twilio.com?account=AC…&from=%2B12025550100",
		field: urlField(func(c *Config) *string { return &c.SMSURL }),
	},
	{
		name: "sms_token", env: "LEDGERSYNC_SMS_TOKEN", secret: true,
		help:  "the SMS and voice API's auth token",
		field: textField(func(c *Config) *string { return &c.SMSToken }, nil),
	},
	{
		name: "smtp_password", env: "LEDGERSYNC_SMTP_PASSWORD", secret: true,
		help:  "SMTP password",
		field: textField(func(c *Config) *string { return &c.SMTPPassword }, nil),
	},
}

// takesFile reports whether <env>_FILE may supply the value.
func (s *setting) takesFile() bool { return s.secret || s.fromFile }

// show renders raw for an error message: never a secret, never a password
// inside a URL.
func (s *setting) show(raw string) string {
	switch {
	case s.secret:
		return "value"
	case s.field.quote != nil:
		return s.field.quote(raw)
	default:
		return strconv.Quote(raw)
	}
}

// lookupFlag returns the setting that owns flag name, or nil.
func lookupFlag(name string) *setting {
	for i := range settings {
		if settings[i].flag != "" && settings[i].flag == name {
			return &settings[i]
		}
	}
	return nil
}

// Flag is a command-line flag for the CLI to register, so that flag names,
// defaults and help live only in the settings table. Register each as a
// string flag and pass the ones the user set to Load in Sources.Flags;
// Load does the parsing.
type Flag struct {
	Name    string // without dashes: "log-level"
	Env     string // the matching variable, for help text: "LEDGERSYNC_LOG_LEVEL"
	Default string // "" when the default depends on another setting; Help says which
	Help    string
}

// Flags lists the settings that have a command-line flag, in table order.
// Secrets have none: a flag would show them to anyone who can list processes.
// The --config flag, which names the file, is the CLI's own: pass it as
// Sources.File.
func Flags() []Flag {
	var flags []Flag
	for i := range settings {
		s := &settings[i]
		if s.flag == "" {
			continue
		}
		flags = append(flags, Flag{Name: s.flag, Env: s.env, Default: s.def, Help: s.help})
	}
	return flags
}
