package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

func TestRedFlagCountsPersonalInfoChangesInThirtyDays(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		add := func(action, subject string, ago time.Duration) {
			t.Helper()
			err := audit.Append(ctx, db.Writer(), &audit.Event{OccurredAt: now.Add(-ago), Scope: "institution", Actor: "member:1", Action: action, Subject: subject})
			if err != nil {
				t.Fatal(err)
			}
		}
		day := 24 * time.Hour
		add("phone.added", "member:1", 2*day)
		add("email.changed", "member:1", 29*day)
		add("address.changed", "member:1", 31*day) // too old
		add("password.failed", "member:1", day)    // not personal information
		add("phone.added", "member:2", day)        // someone else
		n, err := audit.RedFlagCount(ctx, db.Reader(), "institution", "member:1", now)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("red flag count %d, want 2 (phone and email in the last 30 days)", n)
		}

		msgs, err := audit.Messages(ctx, db.Reader(), "institution", "member:1", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want 3 (the failed password is not a message)", len(msgs))
		}
		if msgs[0].Text != "A phone number was added to your profile." || !msgs[2].OccurredAt.Equal(now.Add(-31*day)) {
			t.Fatalf("messages %+v, want newest first with member-facing text", msgs)
		}
	})
}
