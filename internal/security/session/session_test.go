package session_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

const realm = "institution"

func newAccount(t *testing.T, db *store.DB, name string) int64 {
	t.Helper()
	a, err := account.Create(context.Background(), db.Writer(), realm, name, t0)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func newSession(t *testing.T, db *store.DB, pol session.Policy, p session.Params, now time.Time) (*session.Session, session.Token) {
	t.Helper()
	if p.Realm == "" {
		p.Realm = realm
	}
	s, tok, err := session.New(context.Background(), db.Writer(), pol, p, now)
	if err != nil {
		t.Fatal(err)
	}
	return s, tok
}

func TestIdleTimeoutPerArea(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tc := range []struct {
			area session.Area
			idle time.Duration
		}{
			{session.AreaSecurity, 5 * time.Minute},
			{session.AreaDefault, 15 * time.Minute},
		} {
			_, tok := newSession(t, db, pol, session.Params{Area: tc.area}, t0)
			if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(tc.idle-time.Second)); err != nil {
				t.Errorf("%s area at %v idle: %v, want alive", tc.area, tc.idle-time.Second, err)
			}
			if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(tc.idle)); !errors.Is(err, session.ErrExpired) {
				t.Errorf("%s area at %v idle: %v, want ErrExpired", tc.area, tc.idle, err)
			}
		}
	})
}

func TestActivityExtendsTheIdleDeadline(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, tok := newSession(t, db, pol, session.Params{Area: session.AreaSecurity}, t0)
		if err := session.Touch(ctx, db.Writer(), pol, s, t0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		// Alive past the original 5 minutes: 3 + 5 = 8.
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(8*time.Minute-time.Second)); err != nil {
			t.Fatalf("at 7m59s after activity at 3m: %v, want alive", err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(8*time.Minute)); !errors.Is(err, session.ErrExpired) {
			t.Fatalf("at 8m after activity at 3m: %v, want ErrExpired", err)
		}
		// Activity after the deadline does not revive it.
		if err := session.Touch(ctx, db.Writer(), pol, s, t0.Add(9*time.Minute)); !errors.Is(err, session.ErrExpired) {
			t.Fatalf("Touch after the deadline = %v, want ErrExpired", err)
		}
	})
}

func TestAbsoluteCapWinsOverActivity(t *testing.T) {
	t.Parallel()
	pol := session.Policy{IdleDefault: 15 * time.Minute, IdleSecurity: 5 * time.Minute, Absolute: 20 * time.Minute, Warning: 2 * time.Minute}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, tok := newSession(t, db, pol, session.Params{Area: session.AreaSecurity}, t0)
		for at := 3 * time.Minute; at <= 18*time.Minute; at += 3 * time.Minute {
			if err := session.Touch(ctx, db.Writer(), pol, s, t0.Add(at)); err != nil {
				t.Fatalf("touch at %v: %v", at, err)
			}
		}
		// The last touch, at 18m, would give 23m; the cap is 20m.
		if want := t0.Add(20 * time.Minute); !s.IdleExpiresAt.Equal(want) {
			t.Fatalf("idle deadline %v, want it capped at %v", s.IdleExpiresAt, want)
		}
		if got := s.TimeRemaining(t0.Add(19 * time.Minute)); got != time.Minute {
			t.Fatalf("TimeRemaining at 19m = %v, want 1m", got)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(20*time.Minute-time.Second)); err != nil {
			t.Fatalf("at 19m59s: %v, want alive", err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(20*time.Minute)); !errors.Is(err, session.ErrExpired) {
			t.Fatalf("at the absolute cap: %v, want ErrExpired", err)
		}
	})
}

func TestTimeRemainingForTheWarning(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tc := range []struct {
			area session.Area
			want time.Duration
		}{
			{session.AreaSecurity, 2 * time.Minute},
			{session.AreaDefault, 12 * time.Minute},
		} {
			_, tok := newSession(t, db, pol, session.Params{Area: tc.area}, t0)
			s, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(3*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.TimeRemaining(t0.Add(3 * time.Minute)); got != tc.want {
				t.Errorf("%s area, 3 min idle: TimeRemaining = %v, want %v", tc.area, got, tc.want)
			}
			if got := s.TimeRemaining(t0.Add(time.Hour)); got != 0 {
				t.Errorf("%s area after the deadline: TimeRemaining = %v, want 0", tc.area, got)
			}
		}
	})
}

func TestSetAreaSwitchesTheIdleRule(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, tok := newSession(t, db, pol, session.Params{}, t0)
		if s.Area != session.AreaDefault {
			t.Fatalf("default area = %q", s.Area)
		}
		if err := session.SetArea(ctx, db.Writer(), pol, s, session.AreaSecurity, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(6*time.Minute)); !errors.Is(err, session.ErrExpired) {
			t.Fatalf("5 min after entering the security area: %v, want ErrExpired", err)
		}
		got, err := session.Load(ctx, db.Reader(), realm, string(tok), t0.Add(6*time.Minute-time.Microsecond))
		if err != nil || got.Area != session.AreaSecurity {
			t.Fatalf("Load = %+v, %v; want alive in the security area", got, err)
		}
		if err := session.SetArea(ctx, db.Writer(), pol, s, "admin", t0); err == nil {
			t.Fatal("an unknown area was accepted")
		}
	})
}

func TestLoadRefusesWhatIsNotExactlyTheCookie(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, tok := newSession(t, db, pol, session.Params{}, t0)
		id, secret, _ := strings.Cut(string(tok), ".")
		raw, _ := base64.RawURLEncoding.DecodeString(secret)
		raw[0] ^= 1
		for name, v := range map[string]string{
			"wrong secret":     id + "." + base64.RawURLEncoding.EncodeToString(raw),
			"no secret":        id,
			"empty secret":     id + ".",
			"short secret":     id + "." + secret[:10],
			"unknown id":       "AAAAAAAAAAAAAAAAAAAAAA." + secret,
			"empty":            "",
			"trailing garbage": string(tok) + ".x",
		} {
			if _, err := session.Load(ctx, db.Reader(), realm, v, t0); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
		if _, err := session.Load(ctx, db.Reader(), "ledgersync", string(tok), t0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another realm: %v, want ErrNotFound", err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0); err != nil {
			t.Errorf("the real cookie: %v", err)
		}
	})
}

func TestRotateInvalidatesTheOldCookieAndKeepsTheData(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acct := newAccount(t, db, "alice")
		s, old := newSession(t, db, pol, session.Params{AccountID: acct, Level: session.LevelPassword, Area: session.AreaSecurity, UserAgent: "UA", IP: "192.0.2.1"}, t0)
		at := t0.Add(time.Minute)
		tok, err := session.Rotate(ctx, db.Writer(), pol, s, at)
		if err != nil {
			t.Fatal(err)
		}
		if tok == old {
			t.Fatal("Rotate returned the old token")
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(old), at); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("old cookie after rotation: %v, want ErrNotFound", err)
		}
		got, err := session.Load(ctx, db.Reader(), realm, string(tok), at)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != s.ID || got.AccountID != acct || got.Level != session.LevelPassword || got.Area != session.AreaSecurity ||
			got.UserAgent != "UA" || got.IP != "192.0.2.1" || !got.CreatedAt.Equal(t0) || !got.RotatedAt.Equal(at) {
			t.Fatalf("after rotation: %+v", got)
		}
		// A request still holding the pre-rotation session cannot rotate it
		// again: one of two concurrent rotations wins.
		stale, err := session.Load(ctx, db.Reader(), realm, string(tok), at)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := session.Rotate(ctx, db.Writer(), pol, s, at); err != nil {
			t.Fatal(err)
		}
		if _, err := session.Rotate(ctx, db.Writer(), pol, stale, at); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("rotating a stale copy = %v, want ErrConflict", err)
		}
	})
}

func TestAuthenticateRotatesAndRecordsTheAccount(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := newAccount(t, db, "alice"), newAccount(t, db, "bob")
		s, anon := newSession(t, db, pol, session.Params{Area: session.AreaSecurity}, t0)
		if s.Authenticated() {
			t.Fatal("an anonymous session says it is authenticated")
		}
		tok, err := session.Authenticate(ctx, db.Writer(), pol, s, alice, session.LevelPassword, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(anon), t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the pre-login cookie still works: %v", err)
		}
		// Step-up on the same account.
		tok2, err := session.Authenticate(ctx, db.Writer(), pol, s, alice, session.LevelMFA, t0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the pre-step-up cookie still works: %v", err)
		}
		got, err := session.Load(ctx, db.Reader(), realm, string(tok2), t0)
		if err != nil || got.AccountID != alice || got.Level != session.LevelMFA {
			t.Fatalf("after step-up: %+v, %v", got, err)
		}
		if _, err := session.Authenticate(ctx, db.Writer(), pol, s, bob, session.LevelPassword, t0); err == nil {
			t.Fatal("alice's session was handed to bob")
		}
		if _, _, err := session.New(ctx, db.Writer(), pol, session.Params{Realm: realm, Level: session.LevelMFA}, t0); err == nil {
			t.Fatal("an anonymous session with a level was accepted")
		}
	})
}

func TestDestroyAllForAccountKeepsOnlyTheCurrent(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		alice, bob := newAccount(t, db, "alice"), newAccount(t, db, "bob")
		current, curTok := newSession(t, db, pol, session.Params{AccountID: alice, Level: session.LevelPassword}, t0)
		var others []session.Token
		for range 2 {
			_, tok := newSession(t, db, pol, session.Params{AccountID: alice, Level: session.LevelPassword}, t0)
			others = append(others, tok)
		}
		_, bobTok := newSession(t, db, pol, session.Params{AccountID: bob, Level: session.LevelPassword}, t0)
		_, anonTok := newSession(t, db, pol, session.Params{}, t0)

		n, err := session.DestroyAllForAccount(ctx, db.Writer(), alice, current.ID)
		if err != nil || n != 2 {
			t.Fatalf("DestroyAllForAccount = %d, %v; want 2", n, err)
		}
		for _, tok := range others {
			if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("another session of alice: %v, want ErrNotFound", err)
			}
		}
		for name, tok := range map[string]session.Token{"current": curTok, "bob's": bobTok, "anonymous": anonTok} {
			if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0); err != nil {
				t.Errorf("%s session: %v, want alive", name, err)
			}
		}
		list, err := session.ListForAccount(ctx, db.Reader(), alice)
		if err != nil || len(list) != 1 || list[0].ID != current.ID {
			t.Fatalf("alice's sessions: %v, %v; want only the current", list, err)
		}
		if n, err := session.DestroyAllForAccount(ctx, db.Writer(), alice, 0); err != nil || n != 1 {
			t.Fatalf("DestroyAllForAccount(except none) = %d, %v; want 1", n, err)
		}
	})
}

func TestDestroyAndDeleteExpired(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, tok := newSession(t, db, pol, session.Params{}, t0)
		if err := session.Destroy(ctx, db.Writer(), s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(tok), t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after Destroy: %v, want ErrNotFound", err)
		}
		if err := session.Touch(ctx, db.Writer(), pol, s, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Touch after Destroy = %v, want ErrNotFound", err)
		}
		newSession(t, db, pol, session.Params{Area: session.AreaSecurity}, t0)
		_, keep := newSession(t, db, pol, session.Params{}, t0)
		n, err := session.DeleteExpired(ctx, db.Writer(), t0.Add(5*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
		}
		if _, err := session.Load(ctx, db.Reader(), realm, string(keep), t0.Add(5*time.Minute)); err != nil {
			t.Fatalf("a live session was deleted: %v", err)
		}
	})
}

// TestNoSecretIsStoredInClear reads every column of every session row as
// text and looks for the cookie, its secret in any encoding, and the CSRF
// token.
func TestNoSecretIsStoredInClear(t *testing.T) {
	t.Parallel()
	pol := session.DefaultPolicy()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, tok := newSession(t, db, pol, session.Params{}, t0)
		tok2, err := session.Rotate(ctx, db.Writer(), pol, s, t0)
		if err != nil {
			t.Fatal(err)
		}
		rows := rawRows(t, db, "security_session")
		if len(rows) != 1 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, tk := range []session.Token{tok, tok2} {
			_, secret, _ := strings.Cut(string(tk), ".")
			raw, _ := base64.RawURLEncoding.DecodeString(secret)
			for _, needle := range []string{string(tk), secret, hex.EncodeToString(raw), string(raw)} {
				if strings.Contains(rows[0], needle) {
					t.Fatalf("the row holds a secret in clear: %s", rows[0])
				}
			}
		}
		if !strings.Contains(rows[0], strings.Split(string(tok2), ".")[0]) {
			t.Fatalf("the row does not even hold the token id; is rawRows reading it? %s", rows[0])
		}
		if s := fmt.Sprintf("%v %+v %#v %s %q", tok2, tok2, tok2, tok2, tok2); strings.Contains(s, strings.Split(string(tok2), ".")[1]) {
			t.Fatalf("formatting a Token prints it: %s", s)
		}
	})
}

// rawRows returns each row of table as one string of all its columns.
func rawRows(t *testing.T, db *store.DB, table string) []string {
	t.Helper()
	rows, err := db.Reader().QueryContext(context.Background(), `SELECT * FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v ", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPolicyValidate(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]session.Policy{
		"zero idle":          {IdleDefault: 0, IdleSecurity: 5 * time.Minute, Absolute: time.Hour},
		"absolute too short": {IdleDefault: 15 * time.Minute, IdleSecurity: 5 * time.Minute, Absolute: 10 * time.Minute},
		"warning too long":   {IdleDefault: 15 * time.Minute, IdleSecurity: 5 * time.Minute, Absolute: time.Hour, Warning: 5 * time.Minute},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := session.DefaultPolicy().Validate(); err != nil {
		t.Errorf("default policy: %v", err)
	}
}
