package blob

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestValidateKey(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("seg/", MaxKeyLen/4-1) + "end" // 1023 bytes
	tests := []struct {
		key      string
		wantRule string // "" when the key is valid
	}{
		{"a", ""},
		{"clients/7/statements/2026-01.pdf", ""},
		{".hidden", ""},
		{"a/..b/c..", ""},
		{"Müller/Kontoauszug 01.pdf", ""},
		{".blob", ""},
		{long, ""},
		{long + "x", ""}, // exactly MaxKeyLen
		{"", "must not be empty"},
		{long + "xy", "over the 1024-byte limit"},
		{"/abs", "not start with '/'"},
		{"../x", `".." segment`},
		{"a/..", `".." segment`},
		{"a/./b", `"." segment`},
		{".", `"." segment`},
		{"a//b", "empty segments"},
		{"a/", "empty segments"},
		{`a\b`, "backslash"},
		{"a\x00b", "control characters (U+0000 at byte 1)"},
		{"tab\there", "control characters"},
		{"del\x7f", "control characters"},
		{"c1\u0085", "control characters"},
		{"bad\xff", "valid UTF-8"},
		{".blob-tmp-1", "reserved"},
		{"a/.blob-sha256.x", "reserved"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.key), func(t *testing.T) {
			t.Parallel()
			err := ValidateKey(tt.key)
			if tt.wantRule == "" {
				if err != nil {
					t.Fatalf("ValidateKey = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidKey) {
				t.Fatalf("ValidateKey = %v, want ErrInvalidKey", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, fmt.Sprintf("%q", tt.key)) || !strings.Contains(msg, tt.wantRule) {
				t.Errorf("ValidateKey = %q, want it to name the key and say %q", msg, tt.wantRule)
			}
		})
	}
}

func TestValidatePrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
		valid  bool
	}{
		{"", true},
		{"clients/", true},
		{"clients/1", true},
		{"clients/.", true}, // could start "clients/.hidden"
		{"clients/..", true},
		{"a/.blob", true},
		{"/clients", false},
		{"../", false},
		{"a//", false},
		{"a/./", false},
		{`a\`, false},
		{"a\n", false},
		{".blob-tmp/", false},
	}
	for _, tt := range tests {
		err := validatePrefix(tt.prefix)
		if (err == nil) != tt.valid {
			t.Errorf("validatePrefix(%q) = %v, want valid=%v", tt.prefix, err, tt.valid)
		}
		if err != nil && !errors.Is(err, ErrInvalidKey) {
			t.Errorf("validatePrefix(%q) = %v, want ErrInvalidKey", tt.prefix, err)
		}
	}
}
