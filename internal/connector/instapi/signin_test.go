package instapi_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/security/device"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// alice's first sign-in from LedgerSync is a new device: the bank asks her
// rotating security question. Answered, the session's device state makes
// her next sign-in, even unattended, meet no challenge; a device state the
// connector cannot read is a new device again.
func TestAliceIsAskedOnceThenRecognised(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		l := e.loginAs("alice", e.bank.Demo.Password, nil, true)
		step, err := e.Login(l)
		ch := mustChallenge(t, step, err, connector.Question)
		if len(ch.Questions) != 1 || ch.Prompt != ch.Questions[0].Prompt || ch.AttemptsLeft != 3 || ch.Rejected {
			t.Fatalf("first sign-in: %s, want one question with 3 attempts left", describe(ch))
		}
		if want := e.bank.Clock.Now().Add(180 * time.Second); !ch.ExpiresAt.Equal(want) {
			t.Fatalf("expires at %s, want 180 s from now (%s)", ch.ExpiresAt, want)
		}
		if ch.Prompt != "Favorite color" || e.answerTo(ch.Prompt) != "blue" {
			t.Fatalf("first question %q: want Favorite color, whose demo answer is blue", ch.Prompt)
		}
		sess := e.mustSession(e.Answer(l, ch, connector.Answer{Text: e.answerTo(ch.Prompt)}))
		saved := sess.Device()
		if !strings.Contains(string(saved), `"v":1`) || !strings.Contains(string(saved), `"device_token":"`) {
			t.Fatal("the device state is not the versioned JSON with a device token")
		}

		for _, attended := range []bool{true, false} {
			again := e.mustSession(e.Login(e.loginAs("alice", e.bank.Demo.Password, saved, attended)))
			if string(again.Device()) != string(saved) {
				t.Errorf("attended %v: the device state changed on a recognised sign-in", attended)
			}
		}

		for _, device := range [][]byte{nil, []byte("not json"), []byte(`{"v":9,"device_token":"x"}`)} {
			step, err := e.Login(e.loginAs("alice", e.bank.Demo.Password, device, true))
			mustChallenge(t, step, err, connector.Question)
		}
	})
}

// bob is at the High level: a code at every sign-in. He picks the text
// option, the bank texts a code, a wrong one is rejected with 2 attempts
// left, the right one signs him in.
func TestBobChoosesTextThenEntersTheCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		phone := e.bank.Member(t, "bob").Phones[0].Number
		l := e.loginAs("bob", e.bank.Demo.Password, nil, true)
		step, err := e.Login(l)
		choose := mustChallenge(t, step, err, connector.ChooseDelivery)
		want := []connector.Option{{Label: "Text to (•••) •••-0111", Channel: "sms"}, {Label: "Call to (•••) •••-0111", Channel: "voice"}}
		got := slices.Clone(choose.Options)
		for i := range got {
			if got[i].ID == "" {
				t.Fatalf("option %d has no id", i)
			}
			got[i].ID = ""
		}
		if !slices.Equal(got, want) || choose.AttemptsLeft != 3 {
			t.Fatalf("delivery choice: %s, want options %v and 3 attempts left", describe(choose), want)
		}

		sent := e.bank.Sent(t, phone)
		step, err = e.Answer(l, choose, connector.Answer{OptionID: choose.Options[0].ID})
		code := mustChallenge(t, step, err, connector.Code)
		if code.Rejected || code.AttemptsLeft != 3 || !strings.Contains(code.Prompt, "•••-0111") {
			t.Fatalf("code challenge: %s", describe(code))
		}
		if n := e.bank.Sent(t, phone); n != sent+1 {
			t.Fatalf("%d texts after choosing the text option, want %d", n, sent+1)
		}
		right := e.bank.Code(t, phone)
		e.keep(right)
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		step, err = e.Answer(l, code, connector.Answer{Text: wrong})
		again := mustChallenge(t, step, err, connector.Code)
		if !again.Rejected || again.AttemptsLeft != 2 {
			t.Fatalf("after a wrong code: %s, want rejected with 2 attempts left", describe(again))
		}
		sess := e.mustSession(e.Answer(l, again, connector.Answer{Text: right}))
		if accts, err := sess.Accounts(t.Context()); e.seen(err) != nil || len(accts) != 2 {
			t.Fatalf("bob's accounts: %d, %v; want checking and a card", len(accts), err)
		}
	})
}

// Unattended, bob's sign-in stops at the choice of where to send a code:
// nothing is sent, and the connector will not choose unattended. The
// choice is still open for a person who comes to answer it.
func TestUnattendedSendsNoCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		phone := e.bank.Member(t, "bob").Phones[0].Number
		sent := e.bank.Sent(t, phone)
		l := e.loginAs("bob", e.bank.Demo.Password, nil, false)
		step, err := e.Login(l)
		choose := mustChallenge(t, step, err, connector.ChooseDelivery)
		if n := e.bank.Sent(t, phone); n != sent {
			t.Fatalf("an unattended sign-in sent %d messages", n-sent)
		}
		_, err = e.Answer(l, choose, connector.Answer{OptionID: choose.Options[0].ID})
		if !errors.Is(err, connector.ErrPersonNeeded) {
			t.Fatalf("choosing a delivery unattended: %v, want ErrPersonNeeded", err)
		}
		if n := e.bank.Sent(t, phone); n != sent {
			t.Fatalf("choosing unattended sent %d messages", n-sent)
		}

		l.Attended = true
		step, err = e.Answer(l, choose, connector.Answer{OptionID: choose.Options[0].ID})
		mustChallenge(t, step, err, connector.Code)
		if n := e.bank.Sent(t, phone); n != sent+1 {
			t.Fatalf("a person's choice sent %d messages, want 1", n-sent)
		}
	})
}

// carol is asked two of her three questions at once: an answer missing
// one never reaches the bank, a wrong pair is rejected with 2 attempts
// left, the right pair signs her in.
func TestCarolAnswersTwoOfThree(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		l := e.loginAs("carol", e.bank.Demo.Password, nil, true)
		step, err := e.Login(l)
		ch := mustChallenge(t, step, err, connector.Question)
		if len(ch.Questions) != 2 || ch.AttemptsLeft != 3 {
			t.Fatalf("two of three: %s", describe(ch))
		}
		half := e.rightAnswers(ch)
		delete(half.Answers, ch.Questions[1].ID)
		if _, err := e.Answer(l, ch, half); err == nil || !strings.Contains(err.Error(), "question 2 of 2") {
			t.Fatalf("one answer for two questions: %v, want an error naming question 2", err)
		}
		step, err = e.Answer(l, ch, wrongAnswers(ch))
		next := mustChallenge(t, step, err, connector.Question)
		if !next.Rejected || next.AttemptsLeft != 2 || len(next.Questions) != 2 {
			t.Fatalf("after wrong answers: %s, want two questions, rejected, 2 attempts left (the half answer cost nothing)", describe(next))
		}
		e.mustSession(e.Answer(l, next, e.rightAnswers(next)))
	})
}

// erin allows only registered computers: LedgerSync's first sign-in waits
// for her approval; answered before it, the approval is still pending (not
// a rejection); once she registers the client on the member site the
// sign-in goes on, and the next one presents the approved device.
func TestErinApprovesTheClient(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		erin := e.bank.Member(t, "erin")
		l := e.loginAs("erin", e.bank.Demo.Password, nil, true)
		step, err := e.Login(l)
		ch := mustChallenge(t, step, err, connector.Approve)
		if ch.AttemptsLeft != -1 || len(ch.Options) != 0 || ch.Rejected {
			t.Fatalf("approve: %s, want no attempts count and no options", describe(ch))
		}
		// The client waiting for approval is kept as the device even if
		// nobody continues: a new sign-in presents it again.
		if ch.Device == nil {
			t.Fatal("the approve challenge does not carry the client to keep")
		}
		again := e.loginAs("erin", e.bank.Demo.Password, ch.Device, true)
		if step, err := e.Login(again); err != nil || step.Challenge == nil || step.Challenge.Type != connector.Approve {
			t.Fatalf("a new sign-in with the kept client: %+v, %v", step, err)
		}
		step, err = e.Answer(l, ch, connector.Answer{})
		pending := mustChallenge(t, step, err, connector.Approve)
		if pending.Rejected {
			t.Fatalf("a pending approval reads as a rejection: %s", describe(pending))
		}

		// erin registers it in Settings, Computers and devices.
		ds, err := device.List(ctx, db.Reader(), erin.SecurityAccountID)
		if err != nil {
			t.Fatal(err)
		}
		var waiting []*device.Device
		for _, d := range ds {
			if !d.Registered && !d.Revoked() && strings.Contains(d.Label, "LedgerSync-test") {
				waiting = append(waiting, d)
			}
		}
		if len(waiting) != 1 {
			t.Fatalf("%d clients await erin's approval, want 1", len(waiting))
		}
		if err := device.Register(ctx, db.Writer(), erin.SecurityAccountID, waiting[0].ID, e.bank.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		step, err = e.Answer(l, pending, connector.Answer{})
		if err == nil && step.Challenge != nil {
			// The bank cannot place the test's address and erin allows
			// the US only: the risk engine still asks her questions.
			q := mustChallenge(t, step, err, connector.Question)
			if q.Rejected {
				t.Fatalf("the question after an approval reads as a rejection: %s", describe(q))
			}
			step, err = e.Answer(l, q, e.rightAnswers(q))
		}
		sess := e.mustSession(step, err)

		step, err = e.Login(e.loginAs("erin", e.bank.Demo.Password, sess.Device(), true))
		if err != nil || (step.Challenge != nil && step.Challenge.Type == connector.Approve) {
			t.Fatalf("the approved client: %v, %s; want no approval asked again", err, describe(step.Challenge))
		}
	})
}

// The bank's refusals reach the engine as the connector's errors.
func TestRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)

		// Wrong passwords: two refused, the third locks, then even the
		// right one is refused.
		for i, want := range []error{connector.ErrInvalidCredentials, connector.ErrInvalidCredentials, connector.ErrLocked, connector.ErrLocked} {
			password := "Wrong-pass-2026"
			if i == 3 {
				password = e.bank.Demo.Password
			}
			_, err := e.Login(e.loginAs("dave", password, nil, true))
			if !errors.Is(err, want) {
				t.Fatalf("sign-in %d: %v, want %v", i+1, err, want)
			}
		}

		// A challenge answered after its 180 seconds.
		l := e.loginAs("alice", e.bank.Demo.Password, nil, true)
		step, err := e.Login(l)
		late := mustChallenge(t, step, err, connector.Question)
		e.bank.Clock.Advance(181 * time.Second)
		_, err = e.Answer(l, late, e.rightAnswers(late))
		if !errors.Is(err, connector.ErrChallengeExpired) || !strings.Contains(err.Error(), "180 seconds") {
			t.Fatalf("answered after 181 s: %v, want ErrChallengeExpired saying 180 seconds", err)
		}

		// A challenge answered twice.
		step, err = e.Login(l)
		first := mustChallenge(t, step, err, connector.Question)
		step, err = e.Answer(l, first, wrongAnswers(first))
		mustChallenge(t, step, err, connector.Question)
		_, err = e.Answer(l, first, e.rightAnswers(first))
		if !errors.Is(err, connector.ErrChallengeExpired) || !strings.Contains(err.Error(), "already answered") {
			t.Fatalf("answered twice: %v, want ErrChallengeExpired saying already answered", err)
		}

		// A state this connector did not write.
		forged := *first
		forged.State = []byte(`{"v":1,"challenge_id":"../sessions","type":"question","question_ids":["MFA5"]}`)
		if _, err := e.Answer(l, &forged, connector.Answer{Text: "blue"}); !errors.Is(err, connector.ErrChallengeExpired) {
			t.Fatalf("a forged state: %v, want ErrChallengeExpired", err)
		}
	})
}

// Three wrong answers to alice's questions block them, and the bank offers
// to send a code instead: the connector reports it as a rejection too.
func TestQuestionsBlockedOffersACode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		phone := e.bank.Member(t, "alice").Phones[0].Number
		sent := e.bank.Sent(t, phone)
		l := e.loginAs("alice", e.bank.Demo.Password, nil, true)
		step, err := e.Login(l)
		ch := mustChallenge(t, step, err, connector.Question)
		for _, left := range []int{2, 1} {
			step, err = e.Answer(l, ch, wrongAnswers(ch))
			ch = mustChallenge(t, step, err, connector.Question)
			if !ch.Rejected || ch.AttemptsLeft != left {
				t.Fatalf("after a wrong answer: %s, want rejected with %d left", describe(ch), left)
			}
		}
		step, err = e.Answer(l, ch, wrongAnswers(ch))
		choose := mustChallenge(t, step, err, connector.ChooseDelivery)
		if !choose.Rejected || len(choose.Options) != 3 {
			t.Fatalf("after the third wrong answer: %s, want a rejected delivery choice of 3", describe(choose))
		}
		if n := e.bank.Sent(t, phone); n != sent {
			t.Fatalf("%d messages sent before a delivery was chosen", n-sent)
		}
	})
}
