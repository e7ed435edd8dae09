package api_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution/api"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/security/lockout"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Wrong passwords count down attempts_left (2, 1) and the third disables
// the password (423) at every door, for a username nobody has exactly as
// for a real one; parallel guesses do not get past the limit; a temporary
// password must be changed first.
func TestPasswordRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		ctx := context.Background()

		b.do(http.MethodPost, "/api/v1/sessions", map[string]string{"password": "x"}, "").mustError(t, http.StatusBadRequest, "invalid_parameter")
		if r := b.do(http.MethodPost, "/api/v1/sessions", map[string]string{"username": "dave"}, ""); r.Status != http.StatusBadRequest || !strings.Contains(r.Message, "password") {
			t.Fatalf("no password: %d %s", r.Status, r.Body)
		}
		b.do(http.MethodPost, "/api/v1/sessions", "not an object", "").mustError(t, http.StatusBadRequest, "invalid_request")

		for _, username := range []string{"dave", "nobody-at-all"} {
			for _, left := range []int{2, 1} {
				r := b.login(username, "Wrong-pass-2026", "").mustError(t, http.StatusUnauthorized, "invalid_credentials")
				if r.attempts() != left {
					t.Fatalf("%s: attempts_left %d, want %d: %s", username, r.attempts(), left, r.Body)
				}
				if r.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: a 401 without WWW-Authenticate", username)
				}
			}
			r := b.login(username, "Wrong-pass-2026", "").mustError(t, http.StatusLocked, "locked")
			if r.Method != "password" {
				t.Fatalf("%s: locked method %q, want password", username, r.Method)
			}
			// Now even the right password is refused.
			b.login(username, b.demo.Password, "").mustError(t, http.StatusLocked, "locked")
		}
		// The lockout is the engine's, shared with the member site.
		if _, err := b.app.Members.CheckPassword(ctx, "dave", b.demo.Password, auth.Meta{}); !errors.Is(err, auth.ErrPasswordBlocked) {
			t.Fatalf("the member site's check after the API's lockout: %v", err)
		}

		// Staff reset it with a temporary password, which must be changed
		// on the member site first.
		temp, _, err := b.app.Members.IssueTemporaryPassword(ctx, b.member("dave").SecurityAccountID, "staff:1", temppass.Facts{}, false, auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		b.keepSecret(temp)
		b.login("dave", temp, "").mustError(t, http.StatusForbidden, "password_change_required")

		// Ten wrong passwords at once: three are counted, none gets past.
		var wg sync.WaitGroup
		statuses := make([]int, 10)
		for i := range statuses {
			wg.Go(func() { statuses[i] = b.login("carol", "Wrong-pass-2026", "").Status })
		}
		wg.Wait()
		for _, s := range statuses {
			if s != http.StatusUnauthorized && s != http.StatusLocked {
				t.Fatalf("parallel wrong passwords: status %d", s)
			}
		}
		if n := countStatus(statuses, http.StatusUnauthorized); n > 2 {
			t.Fatalf("parallel wrong passwords: %d answered 401, at most 2 may (attempts 2 and 1)", n)
		}
		b.login("carol", b.demo.Password, "").mustError(t, http.StatusLocked, "locked")
		states, err := lockout.States(ctx, db.Reader(), b.member("carol").SecurityAccountID)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range states {
			if st.Method == lockout.Password && st.Failures != 3 {
				t.Fatalf("parallel wrong passwords counted %d failures, want exactly 3", st.Failures)
			}
		}
	})
}

func countStatus(statuses []int, want int) int {
	n := 0
	for _, s := range statuses {
		if s == want {
			n++
		}
	}
	return n
}

// alice's first login from a client is a new device for the risk engine
// and is challenged; the device_token it gets back makes her next login a
// registered device, which meets no challenge; a login without it is new
// again. Wrong answers then rotate the question, count down, and the third
// blocks the questions: a choice of where to send a code follows.
func TestDeviceTokenAndQuestions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		alice := b.member("alice")

		c := b.login("alice", b.demo.Password, "").mustChallenge(t, "question")
		if c.attempts() != 3 || len(c.Questions) != 1 || c.Prompt != c.Questions[0].Prompt {
			t.Fatalf("first question: %+v", c)
		}
		if want := b.clock.Now().Add(api.ChallengeTTL); !c.ExpiresAt.Equal(want) {
			t.Fatalf("expires_at %s, want %s (180 s)", c.ExpiresAt, want)
		}
		first := b.answer(c.ID, b.rightAnswers(c)).mustToken(t)
		if first.ExpiresAt.Sub(b.clock.Now()) != 15*time.Minute {
			t.Fatalf("token expires_at %s: want 15 minutes from now", first.ExpiresAt)
		}
		if evs := events(t, b, alice.SecurityAccountID, "device.registered"); len(evs) != 1 {
			t.Fatalf("%d device.registered messages for alice, want 1", len(evs))
		}

		again := b.login("alice", b.demo.Password, first.DeviceToken).mustToken(t)
		if again.DeviceToken != first.DeviceToken || again.Token == first.Token {
			t.Fatalf("second login: device token %q (want the first), token new: %v", again.DeviceToken, again.Token != first.Token)
		}
		b.do(http.MethodGet, "/api/v1/accounts", nil, again.Token).must(t, http.StatusOK)

		// Another client (no token, or one this bank never gave) is new.
		b.login("alice", b.demo.Password, "made-up-by-the-client").mustChallenge(t, "question")
		c = b.login("alice", b.demo.Password, "").mustChallenge(t, "question")

		// Wrong answers: another question each time, one attempt fewer.
		prev := c
		for _, left := range []int{2, 1} {
			next := b.answer(prev.ID, wrongAnswers(prev)).mustChallenge(t, "question")
			if next.ID == prev.ID || next.attempts() != left || next.Questions[0].ID == prev.Questions[0].ID {
				t.Fatalf("after a wrong answer: %+v, want another question with %d attempts left", next, left)
			}
			b.answer(prev.ID, b.rightAnswers(prev)).mustError(t, http.StatusConflict, "already_answered")
			prev = next
		}
		res := b.answer(prev.ID, wrongAnswers(prev))
		choose := res.mustChallenge(t, "choose_delivery")
		if !strings.Contains(res.Message, "blocked") {
			t.Errorf("message %q: want it to say the questions are blocked", res.Message)
		}
		var labels []string
		for _, o := range choose.Options {
			labels = append(labels, o.Label)
		}
		want := []string{"Text to (•••) •••-0101", "Call to (•••) •••-0101", "Call to (•••) •••-0102"}
		if !slices.Equal(labels, want) {
			t.Fatalf("delivery options %q, want %q", labels, want)
		}
		if choose.attempts() != 3 {
			t.Fatalf("choose_delivery attempts_left %d, want the PIN's 3", choose.attempts())
		}

		// An option the challenge did not offer changes nothing.
		b.answer(choose.ID, map[string]string{"option_id": "sms-999999"}).mustError(t, http.StatusBadRequest, "invalid_parameter")
		code := b.answer(choose.ID, map[string]string{"option_id": choose.Options[0].ID}).mustChallenge(t, "code")
		if !strings.Contains(code.Prompt, "(•••) •••-0101") || code.attempts() != 3 {
			t.Fatalf("code challenge: %+v", code)
		}
		right := b.code(alice.Phones[0].Number)
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		code2 := b.answer(code.ID, map[string]string{"answer": wrong}).mustChallenge(t, "code")
		if code2.attempts() != 2 {
			t.Fatalf("after a wrong code: attempts_left %d, want 2", code2.attempts())
		}
		b.answer(code2.ID, map[string]string{"answer": right}).mustToken(t)
	})
}

// dave has no phone: when his questions are blocked, nothing is left to
// confirm it's him, and the login is locked; later logins are refused,
// until he calls and staff give him a one-time access code (S16).
func TestQuestionsLockedWithNoOtherMethod(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		c := b.login("dave", b.demo.Password, "").mustChallenge(t, "question")
		c = b.answer(c.ID, wrongAnswers(c)).mustChallenge(t, "question")
		c = b.answer(c.ID, wrongAnswers(c)).mustChallenge(t, "question")
		r := b.answer(c.ID, wrongAnswers(c)).mustError(t, http.StatusLocked, "locked")
		if r.Method != "questions" {
			t.Fatalf("locked method %q, want questions", r.Method)
		}
		r = b.login("dave", b.demo.Password, "").mustError(t, http.StatusForbidden, "denied")
		if r.Message != signin.DenialMessage(risk.ReasonNoStepUpMethod) {
			t.Fatalf("refusal %q", r.Message)
		}

		access, _, err := b.app.Members.IssueAccessCode(context.Background(), b.member("dave").SecurityAccountID, b.member("alice").SecurityAccountID, "lost phone", auth.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		b.keepSecret(access)
		c = b.login("dave", b.demo.Password, "").mustChallenge(t, "choose_delivery")
		if len(c.Options) != 1 || c.Options[0].ID != "access_code" {
			t.Fatalf("options %+v, want the access code only", c.Options)
		}
		code := b.answer(c.ID, map[string]string{"option_id": "access_code"}).mustChallenge(t, "code")
		wrong := []rune(access) // well formed, but not the code
		slices.Reverse(wrong)
		if string(wrong) == access {
			wrong = append(wrong[1:], wrong[0])
		}
		code = b.answer(code.ID, map[string]string{"answer": string(wrong)}).mustChallenge(t, "code")
		if code.attempts() != 2 {
			t.Fatalf("after a wrong access code: attempts_left %d, want 2", code.attempts())
		}
		b.answer(code.ID, map[string]string{"answer": access}).mustToken(t)
	})
}

// bob is at the High level: a code at every login, never the questions,
// even from the device he registered.
func TestHighLevelIsChallengedEveryTime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		bob := b.member("bob")
		var deviceToken string
		for i := range 2 {
			c := b.login("bob", b.demo.Password, deviceToken).mustChallenge(t, "choose_delivery")
			if len(c.Options) != 2 || c.Options[0].Label != "Text to (•••) •••-0111" || c.Options[1].Label != "Call to (•••) •••-0111" {
				t.Fatalf("login %d: options %+v", i, c.Options)
			}
			sent := b.outboxCount(bob.Phones[0].Number)
			code := b.answer(c.ID, map[string]string{"option_id": c.Options[0].ID}).mustChallenge(t, "code")
			if b.outboxCount(bob.Phones[0].Number) != sent+1 {
				t.Fatalf("login %d: choosing the text sent no text", i)
			}
			res := b.answer(code.ID, map[string]string{"answer": b.code(bob.Phones[0].Number)}).mustToken(t)
			if deviceToken != "" && res.DeviceToken != deviceToken {
				t.Fatalf("login %d: device token changed", i)
			}
			deviceToken = res.DeviceToken
		}
	})
}

// carol answers two of her three questions at once: one challenge with
// both, answered by question id.
func TestTwoOfThreeQuestions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		c := b.login("carol", b.demo.Password, "").mustChallenge(t, "question")
		if len(c.Questions) != 2 || c.attempts() != 3 {
			t.Fatalf("two of three: %+v", c)
		}
		// One answer for two questions is refused without counting.
		b.answer(c.ID, map[string]string{"answer": "blue"}).mustError(t, http.StatusBadRequest, "invalid_parameter")
		only := map[string]any{"answers": map[string]string{c.Questions[0].ID: "blue"}}
		b.answer(c.ID, only).mustError(t, http.StatusBadRequest, "invalid_parameter")

		next := b.answer(c.ID, wrongAnswers(c)).mustChallenge(t, "question")
		if len(next.Questions) != 2 || next.attempts() != 2 {
			t.Fatalf("after a wrong answer: %+v", next)
		}
		b.answer(next.ID, b.rightAnswers(next)).mustToken(t)
	})
}

// erin allows only registered computers: a new client gets an approve
// challenge, a device.pending message reaches her message center, and the
// login goes on once she registers the client on the member site.
func TestApproveANewClient(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		ctx := context.Background()
		erin := b.member("erin")

		res := b.login("erin", b.demo.Password, "")
		c := res.mustChallenge(t, "approve")
		if res.DeviceToken == "" || c.Attempts != nil || len(c.Options) != 0 {
			t.Fatalf("approve challenge: %s", res.Body)
		}
		pending := events(t, b, erin.SecurityAccountID, "device.pending")
		if len(pending) != 1 || pending[0].Detail["via"] != "json_api" {
			t.Fatalf("device.pending messages: %+v", pending)
		}
		if _, ok := audit.KindOf("device.pending"); !ok {
			t.Fatal("device.pending has no member-facing message")
		}

		// Not approved yet: the same challenge, still pending.
		b.clock.Advance(60 * time.Second)
		again := b.answer(c.ID, map[string]any{})
		if got := again.mustChallenge(t, "approve"); got.ID != c.ID || again.DeviceToken != res.DeviceToken {
			t.Fatalf("pending approval: %s", again.Body)
		}

		// erin registers it on the member site.
		d, err := device.RecogniseClient(ctx, db.Reader(), erin.SecurityAccountID, device.KindAPI, res.DeviceToken)
		if err != nil || d.Registered {
			t.Fatalf("the client awaiting approval: %+v %v", d, err)
		}
		if err := device.Register(ctx, db.Writer(), erin.SecurityAccountID, d.ID, b.clock.Now()); err != nil {
			t.Fatal(err)
		}
		b.clock.Advance(119 * time.Second) // 179 s after it was issued
		done := b.answer(c.ID, map[string]any{})
		// The bank cannot place the test's address, and erin allows only
		// the US: the risk engine still asks a step-up, her questions.
		if done.Status == http.StatusAccepted {
			q := done.mustChallenge(t, "question")
			done = b.answer(q.ID, b.rightAnswers(q))
		}
		done.mustToken(t)
		if done.DeviceToken != res.DeviceToken {
			t.Fatal("the approved client got another device token")
		}
		b.answer(c.ID, map[string]any{}).mustError(t, http.StatusConflict, "already_answered")

		// With the approved token, no approval is asked again.
		next := b.login("erin", b.demo.Password, res.DeviceToken)
		if next.Status == http.StatusAccepted && next.Challenge.Type == "approve" {
			t.Fatalf("an approved client was asked for approval again")
		}

		// Not approved within 180 s: expired.
		c = b.login("erin", b.demo.Password, "").mustChallenge(t, "approve")
		b.clock.Advance(api.ChallengeTTL)
		b.answer(c.ID, map[string]any{}).mustError(t, http.StatusGone, "expired")

		// Refused (revoked) on the member site: denied.
		res = b.login("erin", b.demo.Password, "")
		c = res.mustChallenge(t, "approve")
		d, err = device.RecogniseClient(ctx, db.Reader(), erin.SecurityAccountID, device.KindAPI, res.DeviceToken)
		if err != nil {
			t.Fatal(err)
		}
		if err := device.Revoke(ctx, db.Writer(), erin.SecurityAccountID, d.ID, b.clock.Now()); err != nil {
			t.Fatal(err)
		}
		b.answer(c.ID, map[string]any{}).mustError(t, http.StatusForbidden, "denied")
	})
}

// A challenge can be answered until 180 s after it was issued, not at 180.
func TestChallengeExpiresAfter180Seconds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		c := b.login("alice", b.demo.Password, "").mustChallenge(t, "question")
		b.clock.Advance(179 * time.Second)
		next := b.answer(c.ID, wrongAnswers(c)).mustChallenge(t, "question")
		b.clock.Advance(180 * time.Second)
		b.answer(next.ID, b.rightAnswers(next)).mustError(t, http.StatusGone, "expired")
		b.answer("no-such-flow.1", b.rightAnswers(next)).mustError(t, http.StatusNotFound, "not_found")
		flowID, _, _ := strings.Cut(next.ID, ".")
		b.answer(flowID+".9", b.rightAnswers(next)).mustError(t, http.StatusNotFound, "not_found")
	})
}

// Of many answers to one challenge at once, exactly one is checked.
func TestConcurrentAnswersOneWins(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		c := b.login("alice", b.demo.Password, "").mustChallenge(t, "question")
		answers := b.rightAnswers(c)
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Go(func() { statuses[i] = b.answer(c.ID, answers).Status })
		}
		wg.Wait()
		if countStatus(statuses, http.StatusCreated) != 1 || countStatus(statuses, http.StatusConflict) != len(statuses)-1 {
			t.Fatalf("concurrent answers: %v, want one 201 and the rest 409", statuses)
		}
		if n := len(events(t, b, b.member("alice").SecurityAccountID, "login.succeeded")); n != 1 {
			t.Fatalf("%d logins recorded, want 1", n)
		}

		// Wrong answers at once: one is checked and counted, one attempt.
		c = b.login("alice", b.demo.Password, "").mustChallenge(t, "question")
		wrong := wrongAnswers(c)
		results := make([]*response, 8)
		for i := range results {
			wg.Go(func() { results[i] = b.answer(c.ID, wrong) })
		}
		wg.Wait()
		var next []*challenge
		for _, r := range results {
			switch r.Status {
			case http.StatusAccepted:
				next = append(next, r.mustChallenge(t, "question"))
			case http.StatusConflict:
			default:
				t.Fatalf("concurrent wrong answers: %d %s", r.Status, r.Body)
			}
		}
		if len(next) != 1 || next[0].attempts() != 2 {
			t.Fatalf("concurrent wrong answers: %d next challenges (want 1, with 2 attempts left)", len(next))
		}
	})
}

// events lists the member realm's audit events of the account.
func events(t *testing.T, b *bank, accountID int64, action string) []*audit.Event {
	t.Helper()
	evs, err := audit.List(context.Background(), b.db.Reader(), audit.Filter{
		Scope: bankapp.MemberRealm, Subject: "account:" + itoa(accountID), Action: action,
	})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}
