package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/policy"
)

func balance(t *testing.T, b *bank, memberID, accountID int64) int64 {
	t.Helper()
	a, err := institution.GetAccount(context.Background(), b.db.Reader(), memberID, accountID)
	if err != nil {
		t.Fatal(err)
	}
	return a.Balance
}

// A transfer between the member's own accounts with their confirmation
// code (S21), confirmed once (S25).
func TestTransferWithConfirmationCode(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	chk, sav := m.Accounts[0], m.Accounts[1]
	br := b.browser()
	br.login("alice")
	br.get("/settings/branch")
	br.post("/settings/branch", url.Values{"confirmation": {"tulip-42"}, "confirmation_again": {"tulip-42"}}).must(t, http.StatusOK, "A confirmation code is set")

	br.get("/transfer").must(t, http.StatusOK, "Transfer money", "••••2345")
	br.post("/transfer", url.Values{"from": {itoa(chk.ID)}, "kind": {"internal"}, "to": {itoa(chk.ID)}, "amount": {"abc"}}).
		must(t, http.StatusUnprocessableEntity, "Enter an amount", "Choose another of your accounts")
	p := br.post("/transfer", url.Values{"from": {itoa(chk.ID)}, "kind": {"internal"}, "to": {itoa(sav.ID)}, "amount": {"100.50"}, "memo": {"rainy day"}})
	p.must(t, http.StatusOK, "Confirm your transfer", "$100.50", "Confirmation code")
	if p.has("We need to confirm it's you") {
		t.Fatal("a small internal transfer from a known device asked for a PIN")
	}
	flowID := p.field("flow")
	br.post("/transfer/confirm", url.Values{"confirmation": {"tulip-43"}}).must(t, http.StatusUnauthorized, "not right", "2 attempts left")
	if balance(t, b, m.ID, chk.ID) != 682851 {
		t.Fatal("money moved on a wrong confirmation code")
	}
	p = br.post("/transfer/confirm", url.Values{"confirmation": {"tulip-42"}})
	p.must(t, http.StatusOK, "Transfer complete", "Reference")
	if got := balance(t, b, m.ID, chk.ID); got != 682851-10050 {
		t.Fatalf("checking after the transfer: %d", got)
	}
	if got := balance(t, b, m.ID, sav.ID); got != 1000000+10050 {
		t.Fatalf("savings after the transfer: %d", got)
	}
	br.post("/transfer/confirm", url.Values{"confirmation": {"tulip-42"}, "flow": {flowID}}).must(t, http.StatusConflict, "confirmed only once")
	if got := balance(t, b, m.ID, chk.ID); got != 682851-10050 {
		t.Fatalf("a replayed confirmation moved money again: %d", got)
	}
}

// An ACH transfer at the dollar rule's amount (S20: $10,000 in the seed)
// needs a PIN before any money moves.
func TestLargeACHNeedsAPIN(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	sav := m.Accounts[1]
	br := b.browser()
	br.login("alice")
	br.get("/transfer")
	p := br.post("/transfer", url.Values{"from": {itoa(sav.ID)}, "kind": {"ach"}, "routing": {"021000021"}, "account_number": {"99887766"},
		"name": {"Alice Archer"}, "amount": {"10,000.00"}})
	p.must(t, http.StatusOK, "We need to confirm it's you", "Transfers of this size need an extra check", "Text me at (•••) •••-0111")
	br.post("/transfer/confirm", url.Values{"code": {"123456"}}).must(t, http.StatusUnauthorized, "No code is waiting")
	if balance(t, b, m.ID, sav.ID) != 1000000 {
		t.Fatal("money moved without the PIN")
	}
	re := re(`(?s)<form method="post" action="/transfer/confirm/send">(.*?)</form>`)
	opt := &page{Body: re.FindStringSubmatch(p.Body)[1]}
	p = br.post("/transfer/confirm/send", url.Values{"phone": {opt.field("phone")}, "channel": {opt.field("channel")}})
	p.must(t, http.StatusOK, "We sent a code by text to (•••) •••-0111")
	p = br.post("/transfer/confirm", url.Values{"code": {b.code(aliceMobile, notify.SMS)}})
	p.must(t, http.StatusOK, "Transfer complete", "$10,000.00")
	if balance(t, b, m.ID, sav.ID) != 0 {
		t.Fatal("the ACH did not move the money")
	}
}

// More than the balance is refused before anything is asked.
func TestTransferOverTheBalance(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	br := b.browser()
	br.login("alice")
	br.get("/transfer")
	br.post("/transfer", url.Values{"from": {itoa(m.Accounts[0].ID)}, "kind": {"internal"}, "to": {itoa(m.Accounts[1].ID)}, "amount": {"99999"}}).
		must(t, http.StatusUnprocessableEntity, "more than the account's balance of $6,828.51")
}
