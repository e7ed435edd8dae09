package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type accountJSON struct {
	ID           int64     `json:"id"`
	NumberMasked string    `json:"number_masked"`
	Type         string    `json:"type"`
	Name         string    `json:"name"`
	Balance      moneyJSON `json:"balance"`
	Available    moneyJSON `json:"available"`
	Status       string    `json:"status"`
}

type transactionJSON struct {
	ID          int64     `json:"id"`
	Status      string    `json:"status"`
	Date        string    `json:"date"`
	Amount      moneyJSON `json:"amount"`
	CheckNumber string    `json:"check_number"`
	PendingID   *int64    `json:"pending_transaction_id"`
	CheckImages *struct {
		Front string `json:"front"`
		Back  string `json:"back"`
	} `json:"check_images"`
}

type statementJSON struct {
	ID             int64     `json:"id"`
	PeriodEnd      string    `json:"period_end"`
	ClosingBalance moneyJSON `json:"closing_balance"`
	PDF            string    `json:"pdf"`
}

func decodeInto[T any](t *testing.T, r *response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%s: %v", r.Body, err)
	}
	return v
}

// cents writes minor units as the API must: "-1234.56".
func cents(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := itoa(n % 100)
	if len(s) == 1 {
		s = "0" + s
	}
	return sign + itoa(n/100) + "." + s
}

// alice reads her accounts, transactions, statements and check images;
// amounts are the bank's to the cent; another member's ids are not found;
// her accountant's read-only sign-in sees the same accounts.
func TestMemberData(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		b := newBank(t, db)
		ctx := context.Background()
		q := db.Reader()
		alice, bob := b.member("alice"), b.member("bob")
		token := b.signIn("alice", "").Token
		get := func(path string) *response { return b.do(http.MethodGet, path, nil, token) }

		// Accounts, with balances to the cent.
		list := decodeInto[struct{ Accounts []accountJSON }](t, get("/api/v1/accounts").must(t, http.StatusOK))
		mine, err := institution.Accounts(ctx, q, alice.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Accounts) != len(mine) || len(mine) != 3 {
			t.Fatalf("%d accounts listed, alice has %d", len(list.Accounts), len(mine))
		}
		var checking *institution.Account
		for i, a := range mine {
			got := list.Accounts[i]
			txs, err := institution.Transactions(ctx, q, a.ID, institution.TransactionFilter{IncludePending: true})
			if err != nil {
				t.Fatal(err)
			}
			var holds int64
			for _, tx := range txs {
				if tx.Status == institution.Pending && tx.Amount < 0 {
					holds += tx.Amount
				}
			}
			available := a.Balance + holds
			if a.Type == institution.CreditCard {
				available += a.CreditLimit
			}
			want := accountJSON{ID: a.ID, NumberMasked: "••••" + a.Number[len(a.Number)-4:], Type: string(a.Type), Name: got.Name,
				Balance: moneyJSON{cents(a.Balance), "USD"}, Available: moneyJSON{cents(available), "USD"}, Status: "open"}
			if got != want || got.Name == "" {
				t.Errorf("account %d: %+v, want %+v", a.ID, got, want)
			}
			if a.Type == institution.Checking {
				checking = a
			}
		}
		if checking == nil {
			t.Fatal("alice has no checking account")
		}

		// Transactions of a month, pending and posted, linked.
		all, err := institution.Transactions(ctx, q, checking.ID, institution.TransactionFilter{IncludePending: true})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/accounts/" + itoa(checking.ID) + "/transactions"
		every := decodeInto[struct{ Transactions []transactionJSON }](t, get(path).must(t, http.StatusOK)).Transactions
		if len(every) != len(all) {
			t.Fatalf("%d transactions without dates, the account has %d", len(every), len(all))
		}
		var sawLinked bool
		var check *transactionJSON
		for i, tx := range every {
			want := all[i]
			if tx.ID != want.ID || tx.Amount.Amount != cents(want.Amount) || tx.Status != string(want.Status) || tx.Date != want.Date.Format("2006-01-02") {
				t.Fatalf("transaction %d: %+v, want %+v", i, tx, want)
			}
			if want.PendingID != 0 {
				sawLinked = true
				if tx.PendingID == nil || *tx.PendingID != want.PendingID {
					t.Fatalf("posted %d replaced pending %d: link %v", tx.ID, want.PendingID, tx.PendingID)
				}
			}
			if tx.CheckNumber != "" && check == nil {
				check = &every[i]
			}
		}
		if !sawLinked || check == nil {
			t.Fatalf("the demo history should have linked (%v) and check (%v) items", sawLinked, check != nil)
		}
		// Pending items are listed, as pending, wherever alice has some.
		pending := 0
		for _, a := range mine {
			txs := decodeInto[struct{ Transactions []transactionJSON }](t, get("/api/v1/accounts/"+itoa(a.ID)+"/transactions").must(t, http.StatusOK)).Transactions
			for _, tx := range txs {
				if tx.Status == "pending" {
					pending++
				}
			}
		}
		if pending == 0 {
			t.Fatal("no pending transaction listed: the demo history has some")
		}
		from, to := all[len(all)/2].Date, all[len(all)/2].Date.AddDate(0, 0, 30)
		month := decodeInto[struct{ Transactions []transactionJSON }](t, get(path+"?from="+from.Format("2006-01-02")+"&to="+to.Format("2006-01-02")).must(t, http.StatusOK)).Transactions
		wantMonth, err := institution.Transactions(ctx, q, checking.ID, institution.TransactionFilter{From: from, To: to, IncludePending: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(month) == 0 || len(month) != len(wantMonth) {
			t.Fatalf("%d transactions from %s to %s, want %d", len(month), from, to, len(wantMonth))
		}
		for _, tx := range month {
			if tx.Date < from.Format("2006-01-02") || tx.Date > to.Format("2006-01-02") {
				t.Fatalf("transaction of %s outside %s–%s", tx.Date, from, to)
			}
		}
		for query, param := range map[string]string{
			"?from=2026-13-01":                "from",
			"?from=yesterday":                 "from",
			"?to=2026-02-30":                  "to",
			"?from=2026-03-01&to=2026-02-01":  "from",
			"?from=2026-03-01&to=2026-03-01x": "to",
		} {
			r := get(path+query).mustError(t, http.StatusBadRequest, "invalid_parameter")
			if !strings.HasPrefix(r.Message, param+":") {
				t.Errorf("%s: message %q does not name %s", query, r.Message, param)
			}
		}

		// Check images: PNGs; a transaction that is not a check has none.
		front := get(check.CheckImages.Front).must(t, http.StatusOK)
		back := get(check.CheckImages.Back).must(t, http.StatusOK)
		for _, img := range []*response{front, back} {
			if !bytes.HasPrefix(img.Body, []byte("\x89PNG\r\n\x1a\n")) || img.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("check image: %s, %q…", img.Header.Get("Content-Type"), img.Body[:min(8, len(img.Body))])
			}
		}
		if bytes.Equal(front.Body, back.Body) {
			t.Fatal("the check's front and back are the same image")
		}
		notCheck := every[0]
		for _, tx := range every {
			if tx.CheckNumber == "" {
				notCheck = tx
				break
			}
		}
		get("/api/v1/checks/"+itoa(notCheck.ID)+"/front").mustError(t, http.StatusNotFound, "not_found")

		// Statements: listed, and the PDF the member site sends.
		sts := decodeInto[struct{ Statements []statementJSON }](t, get("/api/v1/accounts/"+itoa(checking.ID)+"/statements").must(t, http.StatusOK)).Statements
		wantSts, err := institution.Statements(ctx, q, checking.ID, b.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(sts) == 0 || len(sts) != len(wantSts) || sts[0].ClosingBalance.Amount != cents(wantSts[0].Closing) {
			t.Fatalf("statements %+v, want %d, the newest closing at %s", sts, len(wantSts), cents(wantSts[0].Closing))
		}
		pdf := get(sts[0].PDF).must(t, http.StatusOK)
		if !bytes.HasPrefix(pdf.Body, []byte("%PDF")) || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("statement PDF: %s %q", pdf.Header.Get("Content-Type"), pdf.Body[:min(8, len(pdf.Body))])
		}

		// bob's ids are not alice's to read.
		bobs, err := institution.Accounts(ctx, q, bob.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		bobSts, err := institution.Statements(ctx, q, bobs[0].ID, b.clock.Now())
		if err != nil || len(bobSts) == 0 {
			t.Fatalf("bob's statements: %v", err)
		}
		bobTxs, err := institution.Transactions(ctx, q, bobs[0].ID, institution.TransactionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var bobCheck int64
		for _, tx := range bobTxs {
			if tx.CheckNumber != "" && tx.Amount < 0 {
				bobCheck = tx.ID
			}
		}
		for _, p := range []string{
			"/api/v1/accounts/" + itoa(bobs[0].ID) + "/transactions",
			"/api/v1/accounts/" + itoa(bobs[0].ID) + "/statements",
			"/api/v1/statements/" + itoa(bobSts[0].ID),
			"/api/v1/checks/" + itoa(bobCheck) + "/front",
			"/api/v1/accounts/not-a-number/transactions",
			"/api/v1/statements/999999999",
		} {
			get(p).mustError(t, http.StatusNotFound, "not_found")
		}

		// alice's accountant, with read-only access, sees her accounts.
		cpa := addDelegate(t, b, alice.MemberID, "alice-cpa", "+12025550199")
		c := b.login("alice-cpa", b.demo.Password, "").mustChallenge(t, "choose_delivery")
		code := b.answer(c.ID, map[string]string{"option_id": c.Options[0].ID}).mustChallenge(t, "code")
		cpaToken := b.answer(code.ID, map[string]string{"answer": b.code("+12025550199")}).mustToken(t).Token
		seen := decodeInto[struct{ Accounts []accountJSON }](t, b.do(http.MethodGet, "/api/v1/accounts", nil, cpaToken).must(t, http.StatusOK))
		var ids, want []int64
		for _, a := range seen.Accounts {
			ids = append(ids, a.ID)
		}
		for _, a := range mine {
			want = append(want, a.ID)
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("the delegate (%d) sees accounts %v, want alice's %v", cpa, ids, want)
		}
	})
}

// addDelegate gives username read-only access to the member's accounts, as
// the member site's settings do, with the demo password and a mobile.
func addDelegate(t *testing.T, b *bank, memberID int64, username, mobile string) int64 {
	t.Helper()
	ctx := context.Background()
	a, err := account.Create(ctx, b.db.Writer(), bankapp.MemberRealm, username, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := b.app.Members.ChangePassword(ctx, a.ID, b.demo.Password, password.Personal{}, auth.Meta{}); err != nil || len(problems) > 0 {
		t.Fatalf("delegate password: %v %v", problems, err)
	}
	if _, err := phone.Add(ctx, b.db.Writer(), b.app.Phones, a.ID, phone.New{Number: mobile, Kind: phone.Mobile, Role: phone.Primary}, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := institution.AddDelegate(ctx, b.db.Writer(), &institution.Delegate{MemberID: memberID, SecurityAccountID: a.ID, Name: "Alice's accountant"}, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return a.ID
}
