package statementpdf

import "testing"

func TestMaskNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		err      bool
	}{
		{"4410023987651", "****7651", false},
		{"4111 1111 1111 5309", "****5309", false},
		{"00-12345", "****2345", false},
		{"12345", "****2345", false},
		{"1234", "", true}, // masking would print all of it
		{" - ", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := maskNumber(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("maskNumber(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestMaskIn(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, number, want string }{
		{"XFER FROM 4410-0239-87651 OK", "4410-0239-87651", "XFER FROM ****7651 OK"},
		{"XFER FROM 4410023987651", "4410-0239-87651", "XFER FROM ****7651"},
		{"NO NUMBER HERE", "4410023987651", "NO NUMBER HERE"},
		{"1234 stays", "1234", "1234 stays"}, // unmaskable numbers are rejected by Validate
	}
	for _, tt := range tests {
		if got := maskIn(tt.text, tt.number); got != tt.want {
			t.Errorf("maskIn(%q, %q) = %q, want %q", tt.text, tt.number, got, tt.want)
		}
	}
}
