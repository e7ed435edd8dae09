package auth_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/geo"
	"github.com/ledgersync/ledgersync/internal/security/geo/geotest"
	"github.com/ledgersync/ledgersync/internal/security/otp"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type bundle struct {
	db     *store.DB
	engine *auth.Engine
	clock  *clock.Fake
	logs   *syncBuffer
	outbox *notify.DevOutbox
}

// The test geolocation database: 127.0.0.x is Minneapolis, 127.0.1.x San
// Francisco, 127.0.2.x Moscow (geotest.Sample).
const (
	minneapolis  = "127.0.0.10"
	sanFrancisco = "127.0.1.10"
)

func setup(t testing.TB, db *store.DB, p policy.Policy, params password.Params) *bundle {
	t.Helper()
	hasher, err := password.NewHasher(params, 0)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	fake := clock.NewFake(t0)
	codes, err := otp.NewCodes([]byte("test code key, 32 bytes or more!"))
	if err != nil {
		t.Fatal(err)
	}
	mmdb := filepath.Join(t.TempDir(), "city.mmdb")
	geotest.Write(t, mmdb, geotest.Sample())
	locator, err := geo.Open(mmdb)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locator.Close() })
	outbox := notify.NewDevOutbox(db, fake)
	e, err := auth.New(auth.Config{
		DB: db, Realm: "institution", Name: "Demo Community Bank", Policy: p,
		Hasher: hasher, Clock: fake,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Codes:  codes, Sender: outbox, Phones: phone.DefaultPolicy(), Geo: locator,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{db: db, engine: e, clock: fake, logs: logs, outbox: outbox}
}

// member creates an account with a password chosen through the engine.
func (b *bundle) member(t testing.TB, username, pw string) *account.Account {
	t.Helper()
	ctx := context.Background()
	a, err := account.Create(ctx, b.db.Writer(), "institution", username, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	problems, err := b.engine.ChangePassword(ctx, a.ID, pw, password.Personal{}, auth.Meta{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("set the password of %s: %v %v", username, problems, err)
	}
	return a
}

func (b *bundle) events(t *testing.T, action string) []*audit.Event {
	t.Helper()
	evs, err := audit.List(context.Background(), b.db.Reader(), audit.Filter{Scope: "institution", Action: action, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestPasswordRightWrongAndUnknown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		b.member(t, "alice member", "Blue-sky-42")

		res, err := b.engine.CheckPassword(ctx, "ALICE  Member", "Blue-sky-42", auth.Meta{IP: "192.0.2.1"})
		if err != nil {
			t.Fatalf("the right password: %v", err)
		}
		if res.MustChangePassword {
			t.Fatal("a chosen password must not need changing")
		}
		if _, err := b.engine.CheckPassword(ctx, "alice member", "blue-sky-42", auth.Meta{}); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("passwords are case-sensitive; got %v", err)
		}
		if _, err := b.engine.CheckPassword(ctx, "nobody here", "Blue-sky-42", auth.Meta{}); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("an unknown username: %v, want the same error as a wrong password", err)
		}
		if n := len(b.events(t, "password.failed")); n != 1 {
			t.Fatalf("%d password.failed events, want 1 (the unknown username is not an account's failure)", n)
		}
	})
}

func TestThreeWrongPasswordsDisableUntilStaffReset(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "bob member", "Rex-the-dog-7")
		for range 3 {
			if _, err := b.engine.CheckPassword(ctx, "bob member", "wrong", auth.Meta{}); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, err := b.engine.CheckPassword(ctx, "bob member", "Rex-the-dog-7", auth.Meta{}); !errors.Is(err, auth.ErrPasswordBlocked) {
			t.Fatalf("the right password after three wrong ones: %v, want ErrPasswordBlocked", err)
		}
		if n := len(b.events(t, "method.blocked")); n != 1 {
			t.Fatalf("%d method.blocked events, want 1", n)
		}

		// Staff reset: a temporary password, valid 24 h, to be changed at once.
		temp, expires, err := b.engine.IssueTemporaryPassword(ctx, a.ID, "staff:9", temppass.Facts{}, false, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if !expires.Equal(t0.Add(24 * time.Hour)) {
			t.Fatalf("temporary password expires %v, want 24 h after issue", expires)
		}
		res, err := b.engine.CheckPassword(ctx, "bob member", temp, auth.Meta{})
		if err != nil || !res.MustChangePassword {
			t.Fatalf("the temporary password: %+v, %v; want accepted with a forced change", res, err)
		}
		problems, err := b.engine.ChangePassword(ctx, a.ID, temp, password.Personal{}, auth.Meta{})
		if err != nil || len(problems) != 1 || problems[0].Code != auth.CodeReused {
			t.Fatalf("re-using the temporary password: %v %v, want the %q problem", problems, err, auth.CodeReused)
		}
		if problems, err := b.engine.ChangePassword(ctx, a.ID, "New-Rex-2027", password.Personal{}, auth.Meta{}); err != nil || len(problems) > 0 {
			t.Fatalf("a new password: %v %v", problems, err)
		}
		if res, err := b.engine.CheckPassword(ctx, "bob member", "New-Rex-2027", auth.Meta{}); err != nil || res.MustChangePassword {
			t.Fatalf("after the change: %+v, %v", res, err)
		}
	})
}

func TestTemporaryPasswordExpiresAfter24Hours(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		a := b.member(t, "carol member", "Paris-in-May-1")
		temp, _, err := b.engine.IssueTemporaryPassword(ctx, a.ID, "staff:1", temppass.Facts{}, false, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(24*time.Hour - time.Second)
		if _, err := b.engine.CheckPassword(ctx, "carol member", temp, auth.Meta{}); err != nil {
			t.Fatalf("a second before 24 h: %v", err)
		}
		b.clock.Advance(time.Second)
		if _, err := b.engine.CheckPassword(ctx, "carol member", temp, auth.Meta{}); !errors.Is(err, auth.ErrPasswordExpired) {
			t.Fatalf("at 24 h: %v, want ErrPasswordExpired", err)
		}
		// A new membership's password lasts up to 7 days.
		temp, expires, err := b.engine.IssueTemporaryPassword(ctx, a.ID, "staff:1", temppass.Facts{}, true, auth.Meta{})
		if err != nil || !expires.Equal(b.clock.Now().Add(7*24*time.Hour)) {
			t.Fatalf("new membership: expires %v, %v", expires, err)
		}
		b.clock.Advance(6 * 24 * time.Hour)
		if _, err := b.engine.CheckPassword(ctx, "carol member", temp, auth.Meta{}); err != nil {
			t.Fatalf("a new member's password on day 6: %v", err)
		}
	})
}

func TestPasswordExpiresOnNonUse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := policy.Seed()
		p.PasswordExpiryDays = 30
		b := setup(t, db, p, password.TestParams())
		b.member(t, "dave member", "Green-Tree-88")
		b.clock.Advance(30*24*time.Hour - time.Minute)
		if _, err := b.engine.CheckPassword(ctx, "dave member", "Green-Tree-88", auth.Meta{}); err != nil {
			t.Fatalf("on day 29: %v", err)
		}
		b.clock.Advance(time.Minute)
		if _, err := b.engine.CheckPassword(ctx, "dave member", "Green-Tree-88", auth.Meta{}); !errors.Is(err, auth.ErrPasswordExpired) {
			t.Fatalf("30 days unused: %v, want ErrPasswordExpired", err)
		}

		never := setup(t, db, policy.Modern(), password.TestParams()) // 999 = never
		never.member(t, "erin member", "a long passphrase nobody guesses")
		never.clock.Advance(5 * 365 * 24 * time.Hour)
		if _, err := never.engine.CheckPassword(ctx, "erin member", "a long passphrase nobody guesses", auth.Meta{}); err != nil {
			t.Fatalf("five years unused under 999 = never: %v", err)
		}
	})
}

func TestPasswordRulesComeFromPolicy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, c := range []struct {
			policy policy.Policy
			pw     string
			code   string
		}{
			{policy.Seed(), "short", password.CodeTooShort},
			{policy.Seed(), "alllowercase", password.CodeComplexity},
			{policy.Modern(), "Tr0ub4dor&3x", password.CodeTooShort}, // 12 < 15 with no second factor
			{policy.Modern(), "1qaz2wsx3edc4rfv", password.CodeCommon},
		} {
			b := setup(t, db, c.policy, password.TestParams())
			a, err := account.Create(ctx, db.Writer(), "institution", "user "+c.code+c.policy.Profile, t0)
			if err != nil {
				t.Fatal(err)
			}
			problems, err := b.engine.ChangePassword(ctx, a.ID, c.pw, password.Personal{}, auth.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range problems {
				found = found || p.Code == c.code
			}
			if !found {
				t.Errorf("%s policy, password %q: problems %v, want %s", c.policy.Profile, c.pw, problems, c.code)
			}
		}
	})
}

func TestRehashWhenParametersRise(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		old := setup(t, db, policy.Seed(), password.TestParams())
		a := old.member(t, "frank member", "Old-Hash-Pw-1")
		strong := setup(t, db, policy.Seed(), password.DefaultParams())
		if _, err := strong.engine.CheckPassword(ctx, "frank member", "Old-Hash-Pw-1", auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		got, err := account.Get(ctx, db.Reader(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("after a login under stronger parameters the hash is %.40s…, want m=19456,t=2,p=1", got.PasswordHash)
		}
		if _, err := strong.engine.CheckPassword(ctx, "frank member", "Old-Hash-Pw-1", auth.Meta{}); err != nil {
			t.Fatalf("the rehashed password: %v", err)
		}
	})
}

// Fifty wrong passwords at once through the engine: three are verified (and
// audited as failures); the other 47 are refused as blocked.
func TestParallelWrongPasswords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		b.member(t, "grace member", "Right-Answer-9")
		var wg sync.WaitGroup
		var mu sync.Mutex
		outcomes := map[error]int{}
		start := make(chan struct{})
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := b.engine.CheckPassword(ctx, "grace member", "wrong guess", auth.Meta{})
				mu.Lock()
				outcomes[err]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		if outcomes[auth.ErrInvalidCredentials] != 3 || outcomes[auth.ErrPasswordBlocked] != 47 {
			t.Fatalf("outcomes %v, want 3 invalid and 47 blocked", outcomes)
		}
		if n := len(b.events(t, "password.failed")); n != 3 {
			t.Fatalf("%d passwords were verified and failed, want exactly 3", n)
		}
	})
}

func TestPasswordExpiryWarning(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := policy.Seed()
		p.PasswordExpiryDays, p.PasswordExpiryWarningDays = 30, 7
		b := setup(t, db, p, password.TestParams())
		a := b.member(t, "uma member", "Uma-Umbrella-5")
		b.clock.Advance(22 * 24 * time.Hour)
		if got, err := b.engine.PasswordsExpiringSoon(ctx); err != nil || len(got) != 0 {
			t.Fatalf("on day 22 of 30: %v %v, want nobody warned yet", got, err)
		}
		b.clock.Advance(24*time.Hour + time.Second)
		got, err := b.engine.PasswordsExpiringSoon(ctx)
		if err != nil || len(got) != 1 || got[0].AccountID != a.ID || !got[0].ExpiresAt.Equal(t0.Add(30*24*time.Hour)) {
			t.Fatalf("on day 23: %+v %v, want uma warned, expiring on day 30", got, err)
		}
		// A login resets the clock: no warning any more.
		if err := b.engine.CompleteLogin(ctx, a, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if got, _ := b.engine.PasswordsExpiringSoon(ctx); len(got) != 0 {
			t.Fatalf("after a login: %+v, want nobody", got)
		}
	})
}
