package config

import (
	"bytes"
	"fmt"
	"strings"
)

// fileEntry is one KEY=value line of the config file.
type fileEntry struct {
	value string
	line  int
}

// readConfigFile reads and parses the config file at path into l.file.
//
// The format is the environment's: one LEDGERSYNC_X=value per line, the
// same names (including *_FILE where the environment takes them). Blank
// lines and lines starting with # are skipped; spaces around the key and
// the value are trimmed; a value wrapped in double quotes loses them, with
// no escapes inside. A # after a value is part of the value, since
// passwords may hold one. Relative paths in values are relative to the
// working directory, as on the command line, not to the file.
func (l *loader) readConfigFile(path string) {
	l.filePath = path
	data, err := l.readFile(path)
	if err != nil {
		l.errs = append(l.errs, fmt.Errorf("config: read config file: %w", err))
		return
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))

	l.file = make(map[string]fileEntry)
	for i, text := range strings.Split(string(data), "\n") {
		line := i + 1
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		// Never quote a malformed line: it may be a stray secret.
		key, value, ok := strings.Cut(text, "=")
		key = strings.TrimSpace(key)
		if !ok || !isKey(key) {
			l.errs = append(l.errs, fmt.Errorf("config: %s:%d: line is not LEDGERSYNC_X=value", path, line))
			continue
		}
		if !knownKey(key) {
			l.errs = append(l.errs, fmt.Errorf("config: %s:%d: unknown setting %s", path, line, key))
			continue
		}
		value = strings.TrimSpace(value)
		if strings.HasPrefix(value, `"`) {
			if len(value) < 2 || !strings.HasSuffix(value, `"`) {
				l.errs = append(l.errs, fmt.Errorf("config: %s:%d: %s: value has an opening double quote but no closing one", path, line, key))
				continue
			}
			value = value[1 : len(value)-1]
		}
		if prev, dup := l.file[key]; dup {
			l.errs = append(l.errs, fmt.Errorf("config: %s:%d: %s is already set on line %d", path, line, key, prev.line))
			continue
		}
		l.file[key] = fileEntry{value: value, line: line}
	}
}

// isKey reports whether s looks like a variable name, which is safe to
// repeat in an error.
func isKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// knownKey reports whether a config file may set key.
func knownKey(key string) bool {
	for i := range settings {
		s := &settings[i]
		if key == s.env || s.takesFile() && key == s.env+"_FILE" {
			return true
		}
	}
	return false
}
