package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/clock"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp/bankapptest"
	"github.com/ledgersync/ledgersync/internal/institution/web"
	"github.com/ledgersync/ledgersync/internal/notify/notifytest"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// An account's page: posted and pending transactions, check images,
// statements; the statement PDF holds every transaction of its period.
func TestAccountsTransactionsStatementsAndChecks(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	m := b.alice()
	bob := b.bob()
	br := b.browser()
	br.login("alice")
	chk, card := m.Accounts[0], m.Accounts[2]
	p := br.get("/accounts/" + itoa(chk.ID))
	p.must(t, http.StatusOK, "PAYROLL ACME CORP", "CHECK 1042", "Check image (front)", "Statement Sep 16, 2026 – Oct 15, 2026 (PDF)", "-$125.50")
	p = br.get("/accounts/" + itoa(card.ID))
	p.must(t, http.StatusOK, "COFFEE CORNER", "Pending", "Balance owed")
	if !strings.Contains(p.Body, `data-status="pending"`) {
		t.Fatal("the pending purchase is not marked pending")
	}

	stmt := re(`href="(/accounts/\d+/statements/\d+)"`).FindStringSubmatch(br.get("/accounts/" + itoa(chk.ID)).Body)
	pdf := br.get(stmt[1])
	if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF") {
		t.Fatalf("statement: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		cmd := exec.Command("pdftotext", "-layout", "-", "-")
		cmd.Stdin = strings.NewReader(pdf.Body)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"PAYROLL ACME CORP", "GROCERY MART #12", "1042", "3,500.00", "45.99"} {
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("the statement lacks %q:\n%s", want, out)
			}
		}
	}

	img := re(`href="(/accounts/\d+/checks/\d+/)front.png"`).FindStringSubmatch(br.get("/accounts/" + itoa(chk.ID)).Body)
	for _, side := range []string{"front.png", "back.png"} {
		png := br.get(img[1] + side)
		if png.Status != http.StatusOK || !strings.HasPrefix(png.Body, "\x89PNG") {
			t.Fatalf("check %s: %d %q", side, png.Status, png.Header.Get("Content-Type"))
		}
	}

	// Another member's account, or a transaction that is not a check, is not found.
	br.get("/accounts/"+itoa(bob.Accounts[0].ID)).must(t, http.StatusNotFound, "Page not found")
	br.get("/accounts/999999").must(t, http.StatusNotFound, "Page not found")
	br.get(strings.Replace(img[1], "/checks/", "/checks/9", 1)+"front.png").must(t, http.StatusNotFound)
}

// The development outbox lists what was sent, as HTML or JSON; outside
// demo mode it does not exist.
func TestDevOutbox(t *testing.T) {
	t.Parallel()
	b := newBank(t, policy.Policy{})
	b.carol()
	br := b.browser()
	p := br.signIn("carol", demoPassword)
	br.post("/login/verify/send", map[string][]string{"via": {"pin"}, "phone": {p.field("phone")}, "channel": {"sms"}})
	br.get("/dev/outbox").must(t, http.StatusOK, "Messages sent", carolMobile, "your code is")
	req, _ := http.NewRequest(http.MethodGet, br.srv.URL+"/dev/outbox", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := br.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []struct {
		Channel, To, Body string
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list) != 1 || list[0].To != carolMobile || list[0].Channel != "sms" {
		t.Fatalf("JSON outbox: %+v %v", list, err)
	}

	// A bank that is not a demo has no outbox page.
	db := storetest.Open(t, store.SQLite)
	hasher, _ := password.NewHasher(password.TestParams(), 0)
	app, err := bankapp.New(bankapp.Config{DB: db, Clock: clock.NewFake(bankapptest.Start), Logger: slog.New(slog.DiscardHandler),
		Policy: policy.Seed(), Hasher: hasher, MasterKey: []byte("bankapptest master key: 32 bytes"), Sender: &notifytest.Recorder{},
		Info: bankapp.Info{Name: "Real Bank", Routing: "123456780"}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(app)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/dev/outbox", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("outbox outside demo mode: %d", rec.Code)
	}
}
