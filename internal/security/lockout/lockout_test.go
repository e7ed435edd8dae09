package lockout_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newAccount(t *testing.T, db *store.DB) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), db.Writer(), "institution", "member one", now)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// try runs one attempt at method: begin, verify with ok, settle.
func try(t *testing.T, db *store.DB, id int64, m lockout.Method, ok bool) (blockedNow bool, err error) {
	t.Helper()
	ctx := context.Background()
	a, err := lockout.Begin(ctx, db.Writer(), id, m, 3, now)
	if err != nil {
		return false, err
	}
	if ok {
		return false, a.Succeeded(ctx, db.Writer(), now)
	}
	return a.Failed(ctx, db.Writer(), now)
}

func TestThreeFailuresBlockOnlyThatMethod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db)
		for i := 1; i <= 3; i++ {
			blocked, err := try(t, db, id, lockout.Password, false)
			if err != nil {
				t.Fatalf("wrong password %d: %v", i, err)
			}
			if blocked != (i == 3) {
				t.Fatalf("wrong password %d reported blocked=%v", i, blocked)
			}
		}
		if _, err := try(t, db, id, lockout.Password, true); !errors.Is(err, lockout.ErrBlocked) {
			t.Fatalf("the right password after 3 failures: %v, want ErrBlocked", err)
		}
		// Questions and PINs stay available (S4: other methods stay open).
		if _, err := try(t, db, id, lockout.Questions, true); err != nil {
			t.Fatalf("questions after the password was blocked: %v", err)
		}
		if blocked, _ := lockout.IsBlocked(ctx, db.Reader(), id, lockout.PIN, 3); blocked {
			t.Fatal("PIN reported blocked")
		}
		states, err := lockout.States(ctx, db.Reader(), id)
		if err != nil {
			t.Fatal(err)
		}
		var pw lockout.MethodState
		for _, s := range states {
			if s.Method == lockout.Password {
				pw = s
			}
		}
		if pw.Failures != 3 || !pw.BlockedAt.Equal(now) {
			t.Fatalf("password state %+v, want 3 failures blocked at %v", pw, now)
		}

		// Staff unblock (S4) opens it again.
		if err := lockout.Unblock(ctx, db.Writer(), id, lockout.Password, now); err != nil {
			t.Fatal(err)
		}
		if _, err := try(t, db, id, lockout.Password, true); err != nil {
			t.Fatalf("the right password after staff unblocked: %v", err)
		}
	})
}

func TestSuccessResetsTheCount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		id := newAccount(t, db)
		for range 2 {
			if _, err := try(t, db, id, lockout.Password, false); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := try(t, db, id, lockout.Password, true); err != nil {
			t.Fatalf("third attempt, right: %v", err)
		}
		// The count started again: two more failures do not block.
		for i := range 2 {
			if blocked, err := try(t, db, id, lockout.Password, false); err != nil || blocked {
				t.Fatalf("failure %d after a success: blocked=%v err=%v", i+1, blocked, err)
			}
		}
	})
}

// Fifty wrong passwords at once: exactly three are verified, every other one
// is refused as blocked, and the method ends blocked.
func TestParallelGuessesCannotPassTheLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db)
		var verified, refused, blockEvents atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				a, err := lockout.Begin(ctx, db.Writer(), id, lockout.Password, 3, now)
				if errors.Is(err, lockout.ErrBlocked) {
					refused.Add(1)
					return
				}
				if err != nil {
					t.Errorf("Begin: %v", err)
					return
				}
				verified.Add(1) // the password would be checked here, and be wrong
				blocked, err := a.Failed(ctx, db.Writer(), now)
				if err != nil {
					t.Errorf("Failed: %v", err)
				}
				if blocked {
					blockEvents.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		if verified.Load() != 3 || refused.Load() != 47 {
			t.Fatalf("50 parallel wrong passwords: %d verified, %d refused; want 3 and 47", verified.Load(), refused.Load())
		}
		if blockEvents.Load() != 1 {
			t.Fatalf("the block was reported %d times, want once", blockEvents.Load())
		}
	})
}

func TestReleaseKeepsEarlierFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		id := newAccount(t, db)
		for range 2 {
			if _, err := try(t, db, id, lockout.PIN, false); err != nil {
				t.Fatal(err)
			}
		}
		a, err := lockout.Begin(ctx, db.Writer(), id, lockout.PIN, 3, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Release(ctx, db.Writer(), now); err != nil {
			t.Fatal(err)
		}
		// Two failures remain: the next wrong PIN is the third and blocks.
		blocked, err := try(t, db, id, lockout.PIN, false)
		if err != nil || !blocked {
			t.Fatalf("a wrong PIN after a released attempt: blocked=%v err=%v, want the block", blocked, err)
		}
	})
}
