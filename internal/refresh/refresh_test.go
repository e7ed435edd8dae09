package refresh_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Bob is asked for a code at every login: an attended refresh relays the
// bank's choice of delivery, then the code, and lands his data.
func TestAttendedRefreshRelaysDeliveryChoiceThenCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		bob := w.bank.Member(t, "bob")
		phone := bob.Phones[0].Number

		r := w.start(conn, refresh.TriggerWeb)
		choose := w.challenge(r, 0)
		if got := connectionStatus(t, w, conn).Status; got != firm.StatusChallengePending {
			t.Fatalf("status while the bank asks = %s, want challenge_pending", got)
		}
		if left := choose.SecondsLeft(w.clock.Now()); left != 180 {
			t.Fatalf("a fresh challenge has %d s left, want 180", left)
		}
		sent := w.bank.Sent(t, phone)
		w.answer(choose, connector.Answer{OptionID: option(t, choose, "sms")}, false)

		code := w.challenge(r, choose.ID)
		if code.Type != connector.Code {
			t.Fatalf("after choosing text the bank asks %s, want code", code.Type)
		}
		if w.bank.Sent(t, phone) != sent+1 {
			t.Fatalf("the bank sent %d texts after the choice, want 1", w.bank.Sent(t, phone)-sent)
		}
		w.answer(code, connector.Answer{Text: w.bank.Code(t, phone)}, false)

		done := w.done(r)
		if done.Outcome != firm.StatusOK || done.Challenges != 2 {
			t.Fatalf("refresh ended %s with %d challenges (%s), want ok with 2", done.Outcome, done.Challenges, done.Detail)
		}
		if done.TransactionsNew == 0 || done.StatementsNew == 0 {
			t.Fatalf("landed %d transactions and %d statements, want some of each", done.TransactionsNew, done.StatementsNew)
		}
		accounts, txns := w.landed(conn)
		if len(accounts) != len(bob.Accounts) || txns != done.TransactionsNew {
			t.Fatalf("holds %d accounts and %d transactions, want %d and %d", len(accounts), txns, len(bob.Accounts), done.TransactionsNew)
		}
		st := connectionStatus(t, w, conn)
		if st.Status != firm.StatusOK || st.LastSuccessAt.IsZero() {
			t.Fatalf("connection after success: %s, last success %v", st.Status, st.LastSuccessAt)
		}
	})
}

// Alice is asked a question on a new device only: once the first refresh
// is through, the device token keeps the second one unchallenged.
func TestDeviceTrustSparesTheSecondRefresh(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("alice", nil)

		first := w.start(conn, refresh.TriggerWeb)
		q := w.challenge(first, 0)
		if q.Type != connector.Question || len(q.Questions) == 0 {
			t.Fatalf("alice's first refresh is asked %s, want a question", q.Type)
		}
		w.answer(q, connector.Answer{Text: answerTo(t, w, q.Questions[0].Prompt)}, false)
		if got := w.done(first); got.Outcome != firm.StatusOK {
			t.Fatalf("first refresh: %s (%s)", got.Outcome, got.Detail)
		}

		w.clock.Advance(24 * time.Hour)
		w.bank.Clock.Advance(24 * time.Hour)
		second := w.done(w.start(conn, refresh.TriggerWeb))
		if second.Outcome != firm.StatusOK || second.Challenges != 0 {
			t.Fatalf("second refresh: %s with %d challenges, want ok with none", second.Outcome, second.Challenges)
		}
		if second.TransactionsNew+second.TransactionsUpdated > 0 && second.TransactionsNew > 40 {
			t.Fatalf("the second refresh re-landed %d transactions as new", second.TransactionsNew)
		}
	})
}

// A scheduled refresh that meets bob's code challenge makes the bank send
// nothing and asks the firm to update manually.
func TestUnattendedRefreshTriggersNoCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		phone := w.bank.Member(t, "bob").Phones[0].Number
		sent := w.bank.Sent(t, phone)

		r := w.done(w.start(conn, refresh.TriggerSchedule))
		if r.Outcome != firm.StatusActionRequired {
			t.Fatalf("scheduled refresh ended %s, want action_required", r.Outcome)
		}
		if n := w.bank.Sent(t, phone) - sent; n != 0 {
			t.Fatalf("the bank sent %d messages to bob during a scheduled refresh", n)
		}
		st := connectionStatus(t, w, conn)
		want := "Bank is asking password, security question or code, update manually to answer and continue"
		if st.Status != firm.StatusActionRequired || st.Status.Message() != want {
			t.Fatalf("status %s %q, want action_required %q", st.Status, st.Status.Message(), want)
		}
		open, err := refresh.OpenChallenges(context.Background(), db.Reader(), w.firm.ID, conn.ID)
		if err != nil || len(open) != 0 {
			t.Fatalf("an unattended refresh left %d challenges open (%v)", len(open), err)
		}
	})
}

// The client shared her answers: a scheduled refresh answers the question
// itself and needs nobody.
func TestSharedAnswersAnswerUnattended(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shared := map[string]string{}
		for _, a := range w.bank.Demo.Answers {
			shared[a.Question] = a.Answer
		}
		conn := w.connect("alice", shared)
		r := w.done(w.start(conn, refresh.TriggerSchedule))
		if r.Outcome != firm.StatusOK || r.Challenges != 0 {
			t.Fatalf("refresh with shared answers: %s with %d relayed challenges (%s), want ok with none", r.Outcome, r.Challenges, r.Detail)
		}
		// One refresh that needed nobody and one that stopped for a person.
		w.done(w.start(w.connect("bob", nil), refresh.TriggerSchedule))
		rate, total, err := refresh.AutomationRate(context.Background(), db.Reader(), w.firm.ID, w.clock.Now().AddDate(0, 0, -30))
		if err != nil || total != 2 || rate != 0.5 {
			t.Fatalf("automation rate = %v over %d refreshes (%v), want 0.5 over 2", rate, total, err)
		}
	})
}

// A shared answer the bank refuses is not sent again.
func TestWrongSharedAnswerIsNotResent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shared := map[string]string{}
		for _, a := range w.bank.Demo.Answers {
			shared[a.Question] = "not " + a.Answer
		}
		conn := w.connect("alice", shared)
		r := w.done(w.start(conn, refresh.TriggerSchedule))
		if r.Outcome != firm.StatusActionRequired {
			t.Fatalf("refresh with a wrong shared answer: %s (%s), want action_required", r.Outcome, r.Detail)
		}
		// One wrong answer at the bank, not three: the questions are not blocked.
		fresh := w.connect("alice", nil)
		q := w.challenge(w.start(fresh, refresh.TriggerWeb), 0)
		if q.AttemptsLeft == 1 || q.AttemptsLeft == 0 {
			t.Fatalf("after one refused shared answer alice has %d attempts left", q.AttemptsLeft)
		}
	})
}

// The 180-second rule: an answer at 181 s is refused and the connection
// reads "update account canceled or aborted".
func TestAnswerAfter180SecondsIsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		r := w.start(conn, refresh.TriggerWeb)
		c := w.challenge(r, 0)

		w.clock.Advance(181 * time.Second)
		err := w.ls.Refresh.Answer(context.Background(), w.firm.ID, c.ID, connector.Answer{OptionID: option(t, c, "sms")}, false)
		if !errors.Is(err, refresh.ErrChallengeExpired) {
			t.Fatalf("answer at 181 s: %v, want ErrChallengeExpired", err)
		}
		st := connectionStatus(t, w, conn)
		if st.Status != firm.StatusCanceled || st.Status.Message() != "update account canceled or aborted" {
			t.Fatalf("status %s %q, want canceled_or_aborted", st.Status, st.Status.Message())
		}
		if got := w.done(r); got.Outcome != firm.StatusCanceled {
			t.Fatalf("refresh ended %s", got.Outcome)
		}
	})
}

// Nobody answers: the sweep expires the challenge at 180 s, not before.
func TestSweepExpiresUnansweredChallenge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		r := w.start(conn, refresh.TriggerWeb)
		w.challenge(r, 0)

		w.clock.Advance(179 * time.Second)
		if expired, _, err := w.ls.Refresh.Sweep(context.Background()); err != nil || expired != 0 {
			t.Fatalf("sweep at 179 s expired %d (%v), want 0", expired, err)
		}
		w.clock.Advance(time.Second)
		if expired, _, err := w.ls.Refresh.Sweep(context.Background()); err != nil || expired != 1 {
			t.Fatalf("sweep at 180 s expired %d (%v), want 1", expired, err)
		}
		if got := w.done(r); got.Outcome != firm.StatusCanceled {
			t.Fatalf("refresh ended %s", got.Outcome)
		}
	})
}

// Cancel gives the same status as a timeout.
func TestCancel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		r := w.start(conn, refresh.TriggerWeb)
		c := w.challenge(r, 0)
		if err := w.ls.Refresh.Cancel(context.Background(), w.firm.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.done(r); got.Outcome != firm.StatusCanceled {
			t.Fatalf("refresh ended %s", got.Outcome)
		}
		if err := w.ls.Refresh.Answer(context.Background(), w.firm.ID, c.ID, connector.Answer{OptionID: c.Options[0].ID}, false); !errors.Is(err, refresh.ErrChallengeClosed) {
			t.Fatalf("answer after cancel: %v, want ErrChallengeClosed", err)
		}
	})
}

// A wrong code is not retried: the bank's next challenge is relayed with
// the attempts left, and the last attempt needs a confirmation.
func TestWrongAnswerShowsAttemptsLeftAndIsNotRetried(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		phone := w.bank.Member(t, "bob").Phones[0].Number
		r := w.start(conn, refresh.TriggerWeb)
		choose := w.challenge(r, 0)
		w.answer(choose, connector.Answer{OptionID: option(t, choose, "sms")}, false)
		code := w.challenge(r, choose.ID)
		right := w.bank.Code(t, phone)
		sent := w.bank.Sent(t, phone)

		w.answer(code, connector.Answer{Text: wrong(right)}, false)
		again := w.challenge(r, code.ID)
		if !again.Rejected || again.AttemptsLeft != 2 {
			t.Fatalf("after a wrong code: rejected %v, attempts left %d; want true, 2", again.Rejected, again.AttemptsLeft)
		}
		if w.bank.Sent(t, phone) != sent {
			t.Fatal("a wrong code made the bank send another")
		}
		got, err := refresh.Get(context.Background(), db.Reader(), w.firm.ID, r.ID)
		if err != nil || got.State != refresh.ChallengePending {
			t.Fatalf("after a wrong answer the refresh is %s (%v), want waiting on the person", got.State, err)
		}

		w.answer(again, connector.Answer{Text: wrong(right)}, false)
		last := w.challenge(r, again.ID)
		if !last.LastAttempt() {
			t.Fatalf("after two wrong codes attempts left = %d, want 1", last.AttemptsLeft)
		}
		err = w.ls.Refresh.Answer(context.Background(), w.firm.ID, last.ID, connector.Answer{Text: right}, false)
		if !errors.Is(err, refresh.ErrConfirmLastAttempt) {
			t.Fatalf("last attempt without confirmation: %v, want ErrConfirmLastAttempt", err)
		}
		w.answer(last, connector.Answer{Text: right}, true)
		if done := w.done(r); done.Outcome != firm.StatusOK {
			t.Fatalf("with the right code on the last attempt: %s (%s)", done.Outcome, done.Detail)
		}
	})
}

// Dave's savings account is closed: it lands marked closed and the refresh
// is a success, not an error.
func TestClosedAccountIsNotAnError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shared := map[string]string{}
		for _, a := range w.bank.Demo.Answers {
			shared[a.Question] = a.Answer
		}
		conn := w.connect("dave", shared)
		r := w.done(w.start(conn, refresh.TriggerWeb))
		if r.Outcome != firm.StatusOK {
			t.Fatalf("dave's refresh ended %s (%s), want ok", r.Outcome, r.Detail)
		}
		accounts, _ := w.landed(conn)
		closed := 0
		for _, a := range accounts {
			if a.Closed {
				closed++
			}
		}
		if len(accounts) != 2 || closed != 1 {
			t.Fatalf("dave holds %d accounts, %d closed; want 2 with 1 closed", len(accounts), closed)
		}
	})
}

// A refresh stopped at any step (as by a crash) leaves nothing landed, and
// the next one lands everything exactly once.
func TestCrashAtAnyStepLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shared := map[string]string{}
		for _, a := range w.bank.Demo.Answers {
			shared[a.Question] = a.Answer
		}
		clean := w.connect("alice", shared)
		want := w.done(w.start(clean, refresh.TriggerSchedule))
		if want.Outcome != firm.StatusOK {
			t.Fatalf("clean refresh: %s (%s)", want.Outcome, want.Detail)
		}
		wantAccounts, wantTxns := w.landed(clean)

		for _, step := range []string{"accounts", "transactions", "statements", "checks", "apply", "apply-midway"} {
			t.Run(step, func(t *testing.T) {
				conn := w.connect("alice", shared)
				refresh.SetFailAt(w.ls.Refresh, func(s string) error {
					if s == step {
						return errCrash
					}
					return nil
				})
				crashed := w.done(w.start(conn, refresh.TriggerWeb))
				refresh.SetFailAt(w.ls.Refresh, nil)
				if crashed.Outcome == firm.StatusOK {
					t.Fatalf("a refresh stopped at %s reads ok", step)
				}
				if accounts, txns := w.landed(conn); len(accounts) != 0 || txns != 0 {
					t.Fatalf("stopped at %s: %d accounts and %d transactions visible", step, len(accounts), txns)
				}
				again := w.done(w.start(conn, refresh.TriggerWeb))
				if again.Outcome != firm.StatusOK {
					t.Fatalf("refresh after the crash: %s (%s)", again.Outcome, again.Detail)
				}
				accounts, txns := w.landed(conn)
				if len(accounts) != len(wantAccounts) || txns != wantTxns || again.StatementsNew != want.StatementsNew {
					t.Fatalf("after the crash at %s: %d accounts, %d transactions, %d statements; a clean run gives %d, %d, %d",
						step, len(accounts), txns, again.StatementsNew, len(wantAccounts), wantTxns, want.StatementsNew)
				}
			})
		}
	})
}

// A second refresh re-pulls the overlap: nothing is duplicated.
func TestSecondRefreshDuplicatesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shared := map[string]string{}
		for _, a := range w.bank.Demo.Answers {
			shared[a.Question] = a.Answer
		}
		conn := w.connect("alice", shared)
		first := w.done(w.start(conn, refresh.TriggerSchedule))
		_, before := w.landed(conn)
		w.clock.Advance(2 * time.Hour)
		second := w.done(w.start(conn, refresh.TriggerSchedule))
		_, after := w.landed(conn)
		if first.Outcome != firm.StatusOK || second.Outcome != firm.StatusOK {
			t.Fatalf("refreshes ended %s and %s", first.Outcome, second.Outcome)
		}
		if after != before || second.TransactionsNew != 0 || second.StatementsNew != 0 {
			t.Fatalf("second refresh: %d → %d transactions, %d new, %d new statements; want no change", before, after, second.TransactionsNew, second.StatementsNew)
		}
		stmts := 0
		accounts, _ := w.landed(conn)
		for _, a := range accounts {
			ss, err := bankdata.ListStatements(context.Background(), db.Reader(), w.firm.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			stmts += len(ss)
		}
		if stmts != first.StatementsNew {
			t.Fatalf("holds %d statements, the first refresh landed %d", stmts, first.StatementsNew)
		}
	})
}

// A connection with a refresh in flight refuses a second one.
func TestOneRefreshAtATime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		r := w.start(conn, refresh.TriggerWeb)
		w.challenge(r, 0)
		active, err := w.ls.Refresh.Start(context.Background(), w.firm.ID, conn.ID, refresh.TriggerAPI)
		if !errors.Is(err, refresh.ErrInProgress) || active == nil || active.ID != r.ID {
			t.Fatalf("second start: %v, %+v; want ErrInProgress with refresh %d", err, active, r.ID)
		}
	})
}

func answerTo(t *testing.T, w *world, prompt string) string {
	t.Helper()
	for _, a := range w.bank.Demo.Answers {
		if a.Question == prompt {
			return a.Answer
		}
	}
	t.Fatalf("no demo answer to %q", prompt)
	return ""
}

// wrong is a code that is not code.
func wrong(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// When the client added the firm's phone at the bank (L8), the delivery
// option that reaches it is marked, so staff can take the code themselves.
func TestFirmPhoneOptionIsMarked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		bobPhone := w.bank.Member(t, "bob").Phones[0].Number
		if _, err := firm.UpdateConnection(context.Background(), db.Writer(), w.firm.ID, conn.ID, firm.ConnectionSettings{
			Label: conn.Label, ContactPhone: bobPhone, Schedule: conn.Schedule}, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
		c := w.challenge(w.start(conn, refresh.TriggerWeb), 0)
		marked := 0
		for _, o := range c.Options {
			if o.Firm {
				marked++
			}
		}
		if marked == 0 || marked == len(c.Options) && len(c.Options) > 2 {
			t.Fatalf("options %+v: %d marked as the firm's phone", c.Options, marked)
		}

		other := w.connect("bob", nil)
		w.ls.Refresh.Cancel(context.Background(), w.firm.ID, c.ID)
		c2 := w.challenge(w.start(other, refresh.TriggerWeb), 0)
		for _, o := range c2.Options {
			if o.Firm {
				t.Fatalf("without a firm phone, option %q is marked as the firm's", o.Label)
			}
		}
	})
}

// A bank that is down: a person waiting is told at once; a scheduled
// refresh is retried with backoff instead of failing.
func TestBankDown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		down := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			http.Error(rw, "maintenance", http.StatusServiceUnavailable)
		}))
		defer down.Close()
		inst, err := firm.AddInstitution(ctx, db.Writer(), firm.Institution{Name: "Closed For Maintenance Bank", Kind: connector.InstAPI, APIURL: down.URL + "/api/v1"}, w.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		conn := w.connect("alice", nil)
		if _, err := db.Writer().ExecContext(ctx, `UPDATE connection SET institution_id = $1 WHERE id = $2`, inst.ID, conn.ID); err != nil {
			t.Fatal(err)
		}

		attended := w.done(w.start(conn, refresh.TriggerWeb))
		if attended.Outcome != firm.StatusInstitutionDown {
			t.Fatalf("attended refresh of a bank that is down: %s (%s)", attended.Outcome, attended.Detail)
		}

		scheduled := w.start(conn, refresh.TriggerSchedule)
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			res, err := w.ls.Queue.Client().JobList(ctx, river.NewJobListParams().Kinds(refresh.RunArgs{}.Kind()).States(rivertype.JobStateRetryable))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Jobs) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the scheduled refresh's job was never set to retry")
			}
		}
		got, err := refresh.Get(ctx, db.Reader(), w.firm.ID, scheduled.ID)
		if err != nil || got.State == refresh.Done {
			t.Fatalf("after one failed attempt the scheduled refresh is %s %s (%v), want still running for its retry", got.State, got.Outcome, err)
		}
	})
}

// After the 180 seconds, refreshing again works at once, without waiting
// for the sweep to close the old challenge.
func TestRefreshAgainAfterTimeout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		first := w.start(conn, refresh.TriggerWeb)
		w.challenge(first, 0)
		w.clock.Advance(180 * time.Second)
		second, err := w.ls.Refresh.Start(context.Background(), w.firm.ID, conn.ID, refresh.TriggerWeb)
		if err != nil || second.ID == first.ID {
			t.Fatalf("refresh again after the timeout: %v (refresh %v)", err, second)
		}
		if got := w.done(first); got.Outcome != firm.StatusCanceled {
			t.Fatalf("the timed-out refresh ended %s", got.Outcome)
		}
		w.challenge(second, 0)
	})
}
