package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// field parses a setting's string into its Config field and back.
type field struct {
	// set parses and validates raw and stores it in c. Its error completes
	// a sentence whose subject is the value ("is not host:port: ...") and
	// must not repeat raw, which may be secret.
	set func(c *Config, raw string) error
	// get returns the effective value as text, for Describe; "" when unset.
	// It may return a secret: Describe masks secret settings.
	get func(c *Config) string
	// quote renders raw for an error message; nil means strconv.Quote.
	// Fields whose values can embed a password set it.
	quote func(raw string) string
}

// textField stores the string as given, after check (nil for none).
func textField(p func(*Config) *string, check func(string) error) field {
	return field{
		set: func(c *Config, raw string) error {
			if check != nil {
				if err := check(raw); err != nil {
					return err
				}
			}
			*p(c) = raw
			return nil
		},
		get: func(c *Config) string { return *p(c) },
	}
}

// oneOfField accepts one of allowed, in any case, and stores it lower-cased.
func oneOfField(p func(*Config) *string, allowed ...string) field {
	return field{
		set: func(c *Config, raw string) error {
			v := strings.ToLower(raw)
			if !slices.Contains(allowed, v) {
				return fmt.Errorf("is not one of %s", strings.Join(allowed, ", "))
			}
			*p(c) = v
			return nil
		},
		get: func(c *Config) string { return *p(c) },
	}
}

// logLevels are the names log_level accepts; slog's own parser would also
// take offsets like "info+2", which nobody should need to configure.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

func logLevelField() field {
	return field{
		set: func(c *Config, raw string) error {
			level, ok := logLevels[strings.ToLower(raw)]
			if !ok {
				return errors.New("is not one of debug, info, warn, error")
			}
			c.LogLevel = level
			return nil
		},
		get: func(c *Config) string { return strings.ToLower(c.LogLevel.String()) },
	}
}

// durationField accepts a Go duration from lo to hi inclusive.
func durationField(p func(*Config) *time.Duration, lo, hi time.Duration) field {
	return field{
		set: func(c *Config, raw string) error {
			d, err := time.ParseDuration(raw)
			if err != nil {
				return errors.New("is not a duration such as 30s or 2m")
			}
			if d < lo || d > hi {
				return fmt.Errorf("is not between %s and %s", shortDuration(lo), shortDuration(hi))
			}
			*p(c) = d
			return nil
		},
		get: func(c *Config) string { return shortDuration(*p(c)) },
	}
}

// shortDuration prints 10m rather than time.Duration's 10m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// intField accepts a decimal integer from lo to hi inclusive.
func intField(p func(*Config) *int, lo, hi int) field {
	return field{
		set: func(c *Config, raw string) error {
			n, err := strconv.Atoi(raw)
			if err != nil || n < lo || n > hi {
				return fmt.Errorf("is not a whole number from %d to %d", lo, hi)
			}
			*p(c) = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(*p(c)) },
	}
}

// masterKeySize is the length of the key that encrypts stored credentials.
const masterKeySize = 32

func masterKeyField() field {
	return field{
		set: func(c *Config, raw string) error {
			if raw == "" {
				c.MasterKey = nil
				return nil
			}
			key, ok := decodeKey(raw)
			if !ok {
				return fmt.Errorf("is not valid base64 of %d bytes (make one with: openssl rand -base64 %d)", masterKeySize, masterKeySize)
			}
			c.MasterKey = key
			return nil
		},
		get: func(c *Config) string {
			if c.MasterKey == nil {
				return ""
			}
			return base64.StdEncoding.EncodeToString(c.MasterKey)
		},
	}
}

// decodeKey accepts standard or URL-safe base64, padded or not. The
// alphabets differ only in two characters, so no string decodes two ways.
func decodeKey(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			return key, len(key) == masterKeySize
		}
	}
	return nil, false
}

func checkNotEmpty(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	return nil
}

// checkHostPort accepts host:port with a numeric port; the host may be empty
// (all interfaces) and port 0 asks the kernel for a free one.
func checkHostPort(s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		if ae, ok := errors.AsType[*net.AddrError](err); ok {
			return fmt.Errorf("is not host:port: %s", ae.Err)
		}
		return fmt.Errorf("is not host:port: %w", err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return errors.New("is not host:port: the port must be a number from 0 to 65535")
	}
	return nil
}

// hasScheme tells a URL from a file path: SQLite files and blob directories
// are paths, everything else is scheme://...
func hasScheme(s string) bool { return strings.Contains(s, "://") }

func isPostgresURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

func databaseURLField() field {
	return field{
		set: func(c *Config, raw string) error {
			c.DatabaseURL = raw
			if !hasScheme(raw) {
				return nil // a SQLite path, or "" for the default under data_dir
			}
			u, err := parseURL(raw)
			if err != nil {
				return err
			}
			if !isPostgresURL(raw) {
				return fmt.Errorf("has unsupported scheme %q: use a SQLite file path or a postgres:// URL", u.Scheme)
			}
			// libpq also takes the host, or a socket directory, as ?host=.
			if u.Host == "" && u.Query().Get("host") == "" {
				return errors.New("is a postgres URL without a host")
			}
			return nil
		},
		get:   func(c *Config) string { return redactURL(c.DatabaseURL) },
		quote: quoteURL,
	}
}

func blobURLField() field {
	return field{
		set: func(c *Config, raw string) error {
			c.BlobURL, c.BlobDir, c.BlobS3 = raw, "", nil
			switch {
			case raw == "":
				return nil // <data_dir>/blobs, filled in once data_dir is known
			case !hasScheme(raw):
				c.BlobDir = raw
				return nil
			}
			loc, err := parseS3(raw)
			if err != nil {
				return err
			}
			c.BlobS3 = loc
			return nil
		},
		get: func(c *Config) string {
			if c.BlobS3 != nil {
				return redactURL(c.BlobURL)
			}
			return c.BlobDir
		},
		quote: quoteURL,
	}
}

// parseS3 parses s3://bucket/prefix?endpoint=host:port&region=r&tls=false.
func parseS3(raw string) (*S3Location, error) {
	u, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	switch {
	case u.Scheme != "s3":
		return nil, fmt.Errorf("has unsupported scheme %q: use s3://bucket/prefix or a local directory", u.Scheme)
	case u.User != nil:
		return nil, errors.New("must not hold credentials: set LEDGERSYNC_BLOB_S3_ACCESS_KEY and LEDGERSYNC_BLOB_S3_SECRET_KEY")
	case u.Host == "":
		return nil, errors.New("names no bucket: use s3://bucket/prefix")
	case u.Port() != "":
		return nil, errors.New("has a port after the bucket name: give the server as ?endpoint=host:port")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, errors.New("has a malformed query")
	}
	loc := &S3Location{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), TLS: true}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if len(q[k]) > 1 {
			return nil, fmt.Errorf("gives %s more than once", k)
		}
		v := q.Get(k)
		switch k {
		case "endpoint":
			if err := checkEndpoint(v); err != nil {
				return nil, err
			}
			loc.Endpoint = v
		case "region":
			loc.Region = v
		case "tls":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, errors.New("has tls that is neither true nor false")
			}
			loc.TLS = b
		default:
			return nil, fmt.Errorf("has unknown parameter %q: want endpoint, region or tls", k)
		}
	}
	return loc, nil
}

func checkEndpoint(v string) error {
	switch {
	case v == "":
		return errors.New("has an empty endpoint")
	case hasScheme(v):
		return errors.New("has an endpoint with a scheme: give host:port, and tls=false for plain HTTP")
	case strings.Contains(v, ":"):
		if err := checkHostPort(v); err != nil {
			return fmt.Errorf("has an endpoint that %w", err)
		}
	}
	return nil
}

// urlField accepts "" or an absolute URL with a host.
func urlField(p func(*Config) *string) field {
	return field{
		set: func(c *Config, raw string) error {
			if raw != "" {
				u, err := parseURL(raw)
				if err != nil {
					return err
				}
				if u.Scheme == "" || u.Host == "" {
					return errors.New("is not a URL with a scheme and a host")
				}
			}
			*p(c) = raw
			return nil
		},
		get:   func(c *Config) string { return redactURL(*p(c)) },
		quote: quoteURL,
	}
}

// parseURL wraps url.Parse with errors that never quote the URL: url.Error
// repeats it whole, and its detail ("invalid port", "invalid URL escape")
// can quote part of a password, so a URL with user info gets no detail.
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err == nil {
		return u, nil
	}
	if strings.Contains(raw, "@") {
		return nil, errors.New("is not a valid URL (percent-encode special characters in the user name and password)")
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	return nil, fmt.Errorf("is not a valid URL: %w", err)
}

// quoteURL renders a URL for an error message with its password masked, or
// as "value" when it cannot be parsed and so cannot be masked.
func quoteURL(raw string) string {
	if !hasScheme(raw) {
		return strconv.Quote(raw)
	}
	if _, err := url.Parse(raw); err != nil {
		return "value"
	}
	return strconv.Quote(redactURL(raw))
}

// redactURL masks the password in a URL's user info and any query parameter
// that looks like a credential (libpq takes ?password= and ?sslpassword=).
// A path without a scheme is returned as it is.
func redactURL(s string) string {
	if !hasScheme(s) {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			u.RawQuery = "xxxxx"
		} else {
			masked := false
			for k := range q {
				if isCredentialParam(k) {
					q[k] = []string{"xxxxx"}
					masked = true
				}
			}
			if masked {
				u.RawQuery = q.Encode()
			}
		}
	}
	return u.Redacted() // masks the user-info password as xxxxx
}

func isCredentialParam(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "password") || strings.Contains(k, "secret") || strings.Contains(k, "token")
}
