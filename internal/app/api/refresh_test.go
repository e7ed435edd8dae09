package api_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

var amountRE = regexp.MustCompile(`^-?[0-9]+\.[0-9]{2}$`)

// A person refreshes bob's bank through the API, following it on the event
// stream: bob's bank asks where to send a code, then the code; a wrong code
// comes back rejected with 2 attempts left, the right one lands his
// accounts, transactions, statements and check images. A later refresh
// left unanswered past 180 seconds is "update account canceled or
// aborted", and one canceled ends the same way.
func TestRefreshThroughTheAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{bank: true})
		s := e.newStaff("Ledger & Co", "pat@ledger.example")
		tok := s.token
		phone := e.bank.Member(t, "bob").Phones[0].Number
		client := e.createClient(tok, "Bob Brennan")
		conn := e.connectBob(tok, client.ID)
		if conn.Status != "new" || conn.LastSuccessAt != nil {
			t.Fatalf("a new connection: %+v", conn)
		}
		st := e.openStream(tok)

		var started struct {
			Refresh refreshJSON `json:"refresh"`
		}
		e.do(http.MethodPost, "/api/v1/connections/"+itoa(conn.ID)+"/refresh", nil, tok).must(t, http.StatusAccepted).decode(t, &started)
		ref := started.Refresh
		if ref.ID == 0 || ref.Trigger != "api" || !ref.Attended || ref.Outcome != nil {
			t.Fatalf("started refresh: %+v", ref)
		}
		var busy struct {
			Refresh refreshJSON `json:"refresh"`
		}
		e.do(http.MethodPost, "/api/v1/connections/"+itoa(conn.ID)+"/refresh", nil, tok).
			mustError(t, http.StatusConflict, "refresh_in_progress").decode(t, &busy)
		if busy.Refresh.ID != ref.ID {
			t.Errorf("refresh_in_progress names refresh %d, want %d", busy.Refresh.ID, ref.ID)
		}

		// Where to send the code.
		ev := st.challengeRaised(ref.ID)
		choose := e.getChallenge(tok, ev.ChallengeID)
		if choose.Type != "choose_delivery" || choose.Status != "pending" || choose.attempts() != 3 || choose.SecondsLeft != 180 || choose.RefreshID != ref.ID {
			t.Fatalf("delivery choice: %+v", choose)
		}
		sms := ""
		for _, o := range choose.Options {
			if strings.Contains(o.Label, "555") || strings.Contains(o.Label, "202") {
				t.Errorf("option %q shows more than the last digits of bob's phone", o.Label)
			}
			if o.Channel == "sms" {
				sms = o.ID
			}
		}
		if sms == "" {
			t.Fatalf("no text option among %+v", choose.Options)
		}
		during := e.getConnection(tok, conn.ID)
		if during.Status != "challenge_pending" || during.Challenge == nil || during.Challenge.ID != choose.ID || during.Refresh == nil || during.Refresh.ID != ref.ID {
			t.Fatalf("connection while asked: %+v", during)
		}
		var open struct {
			Challenges []challengeJSON `json:"challenges"`
		}
		e.do(http.MethodGet, "/api/v1/challenges", nil, tok).must(t, http.StatusOK).decode(t, &open)
		if len(open.Challenges) != 1 || open.Challenges[0].ID != choose.ID {
			t.Fatalf("open challenges: %+v", open.Challenges)
		}
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(choose.ID)+"/answer", map[string]any{"answer": "text please"}, tok).
			mustError(t, http.StatusBadRequest, "invalid_answer")
		var answered struct {
			Challenge challengeJSON `json:"challenge"`
		}
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(choose.ID)+"/answer", map[string]any{"option_id": sms}, tok).
			must(t, http.StatusAccepted).decode(t, &answered)
		if answered.Challenge.Status != "answered" {
			t.Errorf("after the answer the challenge is %q", answered.Challenge.Status)
		}

		// The code, wrong first.
		ev = st.challengeRaised(ref.ID, choose.ID)
		code := e.getChallenge(tok, ev.ChallengeID)
		if code.Type != "code" || code.Rejected || code.attempts() != 3 {
			t.Fatalf("code challenge: %+v", code)
		}
		right := e.bank.Code(t, phone)
		e.keep(right)
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(code.ID)+"/answer", map[string]any{"answer": wrong}, tok).must(t, http.StatusAccepted)
		ev = st.challengeRaised(ref.ID, choose.ID, code.ID)
		again := e.getChallenge(tok, ev.ChallengeID)
		if again.Type != "code" || !again.Rejected || again.attempts() != 2 || again.LastAttempt {
			t.Fatalf("after a wrong code: %+v, want rejected with 2 attempts left", again)
		}
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(code.ID)+"/answer", map[string]any{"answer": right}, tok).
			mustError(t, http.StatusConflict, "challenge_closed")
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(again.ID)+"/answer", map[string]any{"answer": right}, tok).must(t, http.StatusAccepted)
		st.event("status", func(ev eventJSON) bool { return ev.RefreshID == ref.ID && ev.Status == "ok" }, "status ok")

		after := e.getConnection(tok, conn.ID)
		if after.Status != "ok" || after.StatusMessage != "Connected, the last update succeeded" || after.LastSuccessAt == nil ||
			after.Challenge != nil || after.Refresh != nil || len(after.Accounts) == 0 {
			t.Fatalf("connection after the refresh: %+v", after)
		}
		var done refreshJSON
		e.do(http.MethodGet, "/api/v1/refreshes/"+itoa(ref.ID), nil, tok).must(t, http.StatusOK).decode(t, &done)
		if done.State != "done" || done.Outcome == nil || *done.Outcome != "ok" || done.Counts.Challenges != 3 ||
			done.Counts.TransactionsNew == 0 || len(done.Challenges) != 3 {
			t.Fatalf("the refresh: %+v", done)
		}
		for _, c := range done.Challenges {
			if c.Status != "done" {
				t.Errorf("challenge %d of the refresh is %q, want done", c.ID, c.Status)
			}
		}

		// What landed.
		var accts struct {
			Accounts []accountJSON `json:"accounts"`
		}
		e.do(http.MethodGet, "/api/v1/accounts?connection_id="+itoa(conn.ID), nil, tok).must(t, http.StatusOK).decode(t, &accts)
		if len(accts.Accounts) != 2 {
			t.Fatalf("bob's accounts: %+v, want checking and a card", accts.Accounts)
		}
		txns, statements, checks := 0, 0, 0
		for _, a := range accts.Accounts {
			if a.Status != "open" || !amountRE.MatchString(a.Balance.Amount) || a.Balance.Currency != "USD" {
				t.Errorf("account %+v", a)
			}
			var list struct {
				Transactions []transactionJSON `json:"transactions"`
				NextOffset   *int              `json:"next_offset"`
			}
			e.do(http.MethodGet, "/api/v1/accounts/"+itoa(a.ID)+"/transactions?limit=1000", nil, tok).must(t, http.StatusOK).decode(t, &list)
			txns += len(list.Transactions)
			for _, tx := range list.Transactions {
				if !amountRE.MatchString(tx.Amount.Amount) || tx.Date == "" {
					t.Errorf("transaction %+v", tx)
				}
				if tx.CheckImages != nil && tx.CheckImages.Front != "" {
					img := e.do(http.MethodGet, tx.CheckImages.Front, nil, tok).must(t, http.StatusOK)
					if img.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(img.Body, []byte("\x89PNG")) {
						t.Errorf("check image %s: %s", tx.CheckImages.Front, img.Header.Get("Content-Type"))
					}
					checks++
				}
			}
			var sts struct {
				Statements []struct {
					ID  int64  `json:"id"`
					PDF string `json:"pdf"`
				} `json:"statements"`
			}
			e.do(http.MethodGet, "/api/v1/accounts/"+itoa(a.ID)+"/statements", nil, tok).must(t, http.StatusOK).decode(t, &sts)
			statements += len(sts.Statements)
			for _, s := range sts.Statements[:min(1, len(sts.Statements))] {
				pdf := e.do(http.MethodGet, s.PDF, nil, tok).must(t, http.StatusOK)
				cd := pdf.Header.Get("Content-Disposition")
				if pdf.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf.Body, []byte("%PDF")) ||
					!strings.HasPrefix(cd, `attachment; filename="statement-`) || !strings.HasSuffix(cd, `.pdf"`) {
					t.Errorf("statement %d: %s, %s", s.ID, pdf.Header.Get("Content-Type"), cd)
				}
			}
		}
		if txns == 0 || statements == 0 {
			t.Errorf("%d transactions and %d statements landed; want some of each", txns, statements)
		}
		t.Logf("landed %d transactions, %d statements, %d check images", txns, statements, checks)
		var search struct {
			Transactions []transactionJSON `json:"transactions"`
			NextOffset   *int              `json:"next_offset"`
		}
		e.do(http.MethodGet, "/api/v1/accounts/"+itoa(accts.Accounts[0].ID)+"/transactions?limit=1", nil, tok).must(t, http.StatusOK).decode(t, &search)
		if len(search.Transactions) != 1 || search.NextOffset == nil || *search.NextOffset != 1 {
			t.Errorf("a page of one: %d transactions, next_offset %v", len(search.Transactions), search.NextOffset)
		}

		// Left unanswered past the 180 seconds.
		e.do(http.MethodPost, "/api/v1/connections/"+itoa(conn.ID)+"/refresh", nil, tok).must(t, http.StatusAccepted).decode(t, &started)
		late := started.Refresh
		ev = st.challengeRaised(late.ID)
		e.clock.Advance(181 * time.Second)
		if c := e.getChallenge(tok, ev.ChallengeID); c.Status != "expired" || c.SecondsLeft != 0 {
			t.Errorf("181 s later the challenge is %q with %d s left", c.Status, c.SecondsLeft)
		}
		r := e.do(http.MethodPost, "/api/v1/challenges/"+itoa(ev.ChallengeID)+"/answer", map[string]any{"option_id": sms}, tok).
			mustError(t, http.StatusGone, "expired")
		if !strings.Contains(r.Message, "update account canceled or aborted") {
			t.Errorf("expired says %q", r.Message)
		}
		if c := e.getConnection(tok, conn.ID); c.Status != "canceled_or_aborted" || c.StatusMessage != "update account canceled or aborted" || c.Refresh != nil {
			t.Errorf("after the 180 seconds the connection is %+v", c)
		}

		// Canceled.
		e.do(http.MethodPost, "/api/v1/connections/"+itoa(conn.ID)+"/refresh", nil, tok).must(t, http.StatusAccepted).decode(t, &started)
		canceled := started.Refresh
		ev = st.challengeRaised(canceled.ID)
		var result struct {
			Challenge challengeJSON `json:"challenge"`
			Refresh   refreshJSON   `json:"refresh"`
		}
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(ev.ChallengeID)+"/cancel", nil, tok).must(t, http.StatusOK).decode(t, &result)
		if result.Challenge.Status != "canceled" || result.Refresh.State != "done" || result.Refresh.Outcome == nil || *result.Refresh.Outcome != "canceled_or_aborted" {
			t.Errorf("after cancel: %+v", result)
		}
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(ev.ChallengeID)+"/answer", map[string]any{"option_id": sms}, tok).
			mustError(t, http.StatusConflict, "challenge_closed")
		e.do(http.MethodPost, "/api/v1/challenges/"+itoa(ev.ChallengeID)+"/cancel", nil, tok).
			mustError(t, http.StatusConflict, "challenge_closed")

		var history struct {
			Refreshes []refreshJSON `json:"refreshes"`
		}
		e.do(http.MethodGet, "/api/v1/connections/"+itoa(conn.ID)+"/refreshes", nil, tok).must(t, http.StatusOK).decode(t, &history)
		if len(history.Refreshes) != 3 || history.Refreshes[0].ID != canceled.ID || history.Refreshes[2].ID != ref.ID {
			t.Errorf("refresh history: %+v", history.Refreshes)
		}
	})
}
