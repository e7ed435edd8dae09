package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

var transfer = []string{"verify", "fund", "confirm"}

func newSession(t *testing.T, db *store.DB) *session.Session {
	t.Helper()
	s, _, err := session.New(context.Background(), db.Writer(), session.DefaultPolicy(), session.Params{Realm: "institution"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func start(t *testing.T, db *store.DB, sess *session.Session, steps []string) *flow.Flow {
	t.Helper()
	f, err := flow.Start(context.Background(), db.Writer(), flow.Params{Kind: "transfer_step_up", SessionID: sess.ID, Steps: steps, TTL: 10 * time.Minute}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFlowMovesOnlyForwardOneStepAtATime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, q := context.Background(), db.Writer()
		sess := newSession(t, db)
		f := start(t, db, sess, transfer)
		if f.Step() != "verify" || f.Completed() || len(f.ID) != 22 {
			t.Fatalf("new flow: %+v", f)
		}
		steps := []struct {
			name string
			do   func() (*flow.Flow, error)
			want error
		}{
			{"skip ahead to fund", func() (*flow.Flow, error) { return flow.Advance(ctx, q, f.ID, sess.ID, "fund", t0) }, flow.ErrWrongStep},
			{"complete at the first step", func() (*flow.Flow, error) { return flow.Complete(ctx, q, f.ID, sess.ID, "verify", t0) }, flow.ErrWrongStep},
			{"skip to completion", func() (*flow.Flow, error) { return flow.Complete(ctx, q, f.ID, sess.ID, "confirm", t0) }, flow.ErrWrongStep},
			{"verify", func() (*flow.Flow, error) { return flow.Advance(ctx, q, f.ID, sess.ID, "verify", t0) }, nil},
			{"replay verify (going back)", func() (*flow.Flow, error) { return flow.Advance(ctx, q, f.ID, sess.ID, "verify", t0) }, flow.ErrWrongStep},
			{"fund", func() (*flow.Flow, error) { return flow.Advance(ctx, q, f.ID, sess.ID, "fund", t0) }, nil},
			{"advance past the last step", func() (*flow.Flow, error) { return flow.Advance(ctx, q, f.ID, sess.ID, "confirm", t0) }, flow.ErrWrongStep},
			{"replay fund (going back)", func() (*flow.Flow, error) { return flow.Advance(ctx, q, f.ID, sess.ID, "fund", t0) }, flow.ErrWrongStep},
			{"confirm", func() (*flow.Flow, error) { return flow.Complete(ctx, q, f.ID, sess.ID, "confirm", t0) }, nil},
			{"confirm again", func() (*flow.Flow, error) { return flow.Complete(ctx, q, f.ID, sess.ID, "confirm", t0) }, flow.ErrCompleted},
			{"verify after completion", func() (*flow.Flow, error) { return flow.Advance(ctx, q, f.ID, sess.ID, "verify", t0) }, flow.ErrCompleted},
		}
		for _, st := range steps {
			got, err := st.do()
			if st.want == nil && err != nil || st.want != nil && !errors.Is(err, st.want) {
				t.Fatalf("%s: %v, want %v", st.name, err, st.want)
			}
			if err == nil && got == nil {
				t.Fatalf("%s: nil flow and nil error", st.name)
			}
		}
		got, err := flow.Get(ctx, db.Reader(), f.ID, sess.ID)
		if err != nil || !got.Completed() || got.Step() != "confirm" || !got.CompletedAt.Equal(t0) {
			t.Fatalf("after completion: %+v, %v", got, err)
		}
	})
}

func TestFlowCompletesOnceFromSeveralWindows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sess := newSession(t, db)
		for round := range 10 {
			f := start(t, db, sess, []string{"confirm"})
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = flow.Complete(ctx, db.Writer(), f.ID, sess.ID, "confirm", t0)
				})
			}
			wg.Wait()
			ok, completed := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, flow.ErrCompleted):
					completed++
				default:
					t.Fatalf("round %d: unexpected error %v", round, err)
				}
			}
			if ok != 1 || completed != len(errs)-1 {
				t.Fatalf("round %d: %d completions succeeded, %d refused as completed; want 1 and %d", round, ok, completed, len(errs)-1)
			}
		}
	})
}

func TestFlowAdvancesOnceFromTwoWindows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sess := newSession(t, db)
		f := start(t, db, sess, transfer)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = flow.Advance(ctx, db.Writer(), f.ID, sess.ID, "verify", t0)
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, flow.ErrWrongStep):
				t.Fatalf("unexpected error %v", err)
			}
		}
		got, _ := flow.Get(ctx, db.Reader(), f.ID, sess.ID)
		if ok != 1 || got.Step() != "fund" {
			t.Fatalf("%d advances succeeded, flow at %q; want 1 at fund", ok, got.Step())
		}
	})
}

func TestFlowBelongsToItsSession(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mine, other := newSession(t, db), newSession(t, db)
		f := start(t, db, mine, transfer)
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, other.ID, "verify", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Advance from another session = %v, want ErrNotFound", err)
		}
		if _, err := flow.Get(ctx, db.Reader(), f.ID, other.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Get from another session = %v, want ErrNotFound", err)
		}
		if _, err := flow.Advance(ctx, db.Writer(), "no-such-flow", mine.ID, "verify", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Advance of a missing flow = %v, want ErrNotFound", err)
		}
		got, err := flow.Get(ctx, db.Reader(), f.ID, mine.ID)
		if err != nil || got.Step() != "verify" {
			t.Fatalf("the other session moved the flow: %+v, %v", got, err)
		}

		// The binding survives a rotation of the session's cookie (login, step-up)…
		if _, err := session.Rotate(ctx, db.Writer(), session.DefaultPolicy(), mine, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, mine.ID, "verify", t0); err != nil {
			t.Fatalf("Advance after the session rotated: %v", err)
		}
		// …and the flow ends with its session.
		if err := session.Destroy(ctx, db.Writer(), mine.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, mine.ID, "fund", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Advance after logout = %v, want ErrNotFound", err)
		}
	})
}

func TestFlowExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := clock.NewFake(t0)
		sess := newSession(t, db)
		f := start(t, db, sess, transfer) // 10 minutes
		clk.Advance(10*time.Minute - time.Microsecond)
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, sess.ID, "verify", clk.Now()); err != nil {
			t.Fatalf("just before expiry: %v", err)
		}
		clk.Advance(time.Microsecond)
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, sess.ID, "fund", clk.Now()); !errors.Is(err, flow.ErrExpired) {
			t.Fatalf("at expiry: %v, want ErrExpired", err)
		}
		got, _ := flow.Get(ctx, db.Reader(), f.ID, sess.ID)
		if err := got.At("fund", clk.Now()); !errors.Is(err, flow.ErrExpired) {
			t.Fatalf("At on an expired flow = %v", err)
		}
		n, err := flow.DeleteExpired(ctx, db.Writer(), clk.Now())
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpired = %d, %v; want 1", n, err)
		}
	})
}

func TestFlowCarriesAccountAndStateWithTheStep(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sess := newSession(t, db)
		a, err := account.Create(ctx, db.Writer(), "institution", "alice", t0)
		if err != nil {
			t.Fatal(err)
		}
		b, err := account.Create(ctx, db.Writer(), "institution", "bob", t0)
		if err != nil {
			t.Fatal(err)
		}
		f, err := flow.Start(ctx, db.Writer(), flow.Params{Kind: "login", SessionID: sess.ID, Steps: []string{"username", "password", "challenge"}, TTL: time.Minute}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if f.AccountID != 0 || string(f.State) != "{}" {
			t.Fatalf("new login flow: %+v", f)
		}
		f, err = flow.Advance(ctx, db.Writer(), f.ID, sess.ID, "username", t0, flow.WithAccount(a.ID), flow.WithState(json.RawMessage(`{"question":"2"}`)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := flow.Get(ctx, db.Reader(), f.ID, sess.ID)
		if err != nil || got.AccountID != a.ID || got.Step() != "password" {
			t.Fatalf("after the username step: %+v, %v", got, err)
		}
		var state map[string]string
		if err := json.Unmarshal(got.State, &state); err != nil || state["question"] != "2" {
			t.Fatalf("state %s: %v", got.State, err)
		}
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, sess.ID, "password", t0, flow.WithAccount(b.ID)); err == nil {
			t.Fatal("the flow was moved to another account")
		}
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, sess.ID, "password", t0, flow.WithState(json.RawMessage(`[1]`))); err == nil {
			t.Fatal("a state that is not a JSON object was accepted")
		}
		// A step without options keeps what earlier steps stored.
		if _, err := flow.Advance(ctx, db.Writer(), f.ID, sess.ID, "password", t0); err != nil {
			t.Fatal(err)
		}
		got, _ = flow.Get(ctx, db.Reader(), f.ID, sess.ID)
		if got.AccountID != a.ID || string(got.State) != `{"question":"2"}` {
			t.Fatalf("after a plain step: %+v", got)
		}
	})
}

func TestStartValidates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sess := newSession(t, db)
		for name, p := range map[string]flow.Params{
			"no kind":         {SessionID: sess.ID, Steps: transfer, TTL: time.Minute},
			"no session":      {Kind: "k", Steps: transfer, TTL: time.Minute},
			"no steps":        {Kind: "k", SessionID: sess.ID, TTL: time.Minute},
			"repeated step":   {Kind: "k", SessionID: sess.ID, Steps: []string{"a", "b", "a"}, TTL: time.Minute},
			"empty step":      {Kind: "k", SessionID: sess.ID, Steps: []string{"a", ""}, TTL: time.Minute},
			"no ttl":          {Kind: "k", SessionID: sess.ID, Steps: transfer},
			"state not a map": {Kind: "k", SessionID: sess.ID, Steps: transfer, TTL: time.Minute, State: json.RawMessage(`"x"`)},
			"unknown session": {Kind: "k", SessionID: sess.ID + 1000, Steps: transfer, TTL: time.Minute},
		} {
			if _, err := flow.Start(context.Background(), db.Writer(), p, t0); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
}

func TestFindNamesAFlowByItsIDAlone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sess := newSession(t, db)
		f := start(t, db, sess, transfer)
		got, err := flow.Find(ctx, db.Reader(), f.ID)
		if err != nil || got.SessionID != sess.ID || got.Step() != "verify" {
			t.Fatalf("Find = %+v, %v", got, err)
		}
		if _, err := flow.Find(ctx, db.Reader(), f.ID+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Find of an unknown id: %v, want ErrNotFound", err)
		}
	})
}
