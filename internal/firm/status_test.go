package firm_test

import (
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/firm"
)

func TestStatusMessages(t *testing.T) {
	t.Parallel()
	exact := map[firm.Status]string{
		firm.StatusActionRequired: "Bank is asking password, security question or code, update manually to answer and continue",
		firm.StatusCanceled:       "update account canceled or aborted",
	}
	for s, want := range exact {
		if got := s.Message(); got != want {
			t.Errorf("%s.Message() = %q, want %q", s, got, want)
		}
	}
	needsPerson := map[firm.Status]bool{
		firm.StatusActionRequired: true, firm.StatusCanceled: true, firm.StatusInvalidCredentials: true,
		firm.StatusLocked: true, firm.StatusChallengePending: true,
	}
	seen := map[string]firm.Status{}
	for _, s := range firm.Statuses {
		if !s.Valid() {
			t.Errorf("%s is not Valid", s)
		}
		m := s.Message()
		if m == "" || m == firm.Status("bogus").Message() {
			t.Errorf("%s has no message of its own: %q", s, m)
		}
		if other, dup := seen[m]; dup {
			t.Errorf("%s and %s share the message %q", s, other, m)
		}
		seen[m] = s
		if got := s.NeedsPerson(); got != needsPerson[s] {
			t.Errorf("%s.NeedsPerson() = %v, want %v", s, got, needsPerson[s])
		}
	}
	if len(firm.Statuses) != 10 {
		t.Errorf("%d statuses, want the 10 of L11 and new", len(firm.Statuses))
	}
	for _, s := range []firm.Status{"", "bogus", "OK"} {
		if s.Valid() || s.NeedsPerson() {
			t.Errorf("%q is Valid or NeedsPerson", s)
		}
	}
}

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 30, 0, 0, time.UTC) }
	tests := []struct {
		s     firm.Schedule
		after time.Time
		want  time.Time
	}{
		{firm.Manual, at(2026, 1, 15, 9), time.Time{}},
		{firm.Schedule("hourly"), at(2026, 1, 15, 9), time.Time{}},
		{firm.Daily, at(2026, 1, 15, 9), at(2026, 1, 16, 9)},
		{firm.Daily, at(2026, 12, 31, 23), at(2027, 1, 1, 23)},
		{firm.Weekly, at(2026, 2, 25, 9), at(2026, 3, 4, 9)},
		{firm.Monthly, at(2026, 1, 15, 9), at(2026, 2, 15, 9)},
		{firm.Monthly, at(2026, 12, 15, 9), at(2027, 1, 15, 9)},
		{firm.Monthly, at(2027, 1, 31, 9), at(2027, 2, 28, 9)}, // not March 3
		{firm.Monthly, at(2028, 1, 31, 9), at(2028, 2, 29, 9)}, // leap year
		{firm.Monthly, at(2026, 3, 31, 9), at(2026, 4, 30, 9)},
	}
	for _, tt := range tests {
		if got := tt.s.Next(tt.after); !got.Equal(tt.want) {
			t.Errorf("%s.Next(%s) = %s, want %s", tt.s, tt.after, got, tt.want)
		}
	}
	for _, s := range []firm.Schedule{firm.Manual, firm.Daily, firm.Weekly, firm.Monthly} {
		if !s.Valid() {
			t.Errorf("%s is not Valid", s)
		}
	}
	if firm.Schedule("").Valid() || firm.Schedule("hourly").Valid() {
		t.Error("an unknown schedule is Valid")
	}
}
