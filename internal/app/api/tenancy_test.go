package api_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ledgersync/ledgersync/internal/app/api"
	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// tenant is a firm with one of everything: a client connected to bob's
// bank, a refresh waiting on a challenge, and an account with a
// transaction, a statement and a check image.
type tenant struct {
	staff                                  *staff
	client, conn, refresh, challenge       int64
	account, txn, statement                int64
	option                                 string // an option of the challenge
	statementPDF, checkPNG                 []byte
	clientName, connLabel, transactionDesc string
}

func (e *env) newTenant(name string) *tenant {
	e.t.Helper()
	ctx := context.Background()
	tn := &tenant{staff: e.newStaff(name, strings.ToLower(strings.Fields(name)[0])+"@firms.example")}
	tok := tn.staff.token
	tn.clientName = name + "'s client"
	tn.client = e.createClient(tok, tn.clientName).ID
	tn.conn = e.connectBob(tok, tn.client).ID
	tn.connLabel = "Bob's bank"
	st := e.openStream(tok)
	var started struct {
		Refresh refreshJSON `json:"refresh"`
	}
	e.do(http.MethodPost, "/api/v1/connections/"+itoa(tn.conn)+"/refresh", nil, tok).must(e.t, http.StatusAccepted).decode(e.t, &started)
	tn.refresh = started.Refresh.ID
	tn.challenge = st.challengeRaised(tn.refresh).ChallengeID
	tn.option = e.getChallenge(tok, tn.challenge).Options[0].ID

	// The bank data, landed as a refresh lands it.
	w, fid, now := e.db.Writer(), tn.staff.firm.ID, e.clock.Now()
	ids, err := bankdata.UpsertAccounts(ctx, w, fid, tn.conn, []connector.Account{
		{ID: "chk-" + name, Mask: "4321", Name: "Checking", Type: connector.Checking, Currency: "USD", Balance: 123456}}, now)
	if err != nil {
		e.t.Fatal(err)
	}
	tn.account = ids["chk-"+name]
	day := now.Truncate(24 * time.Hour)
	tn.transactionDesc = "Check 1001 to " + name
	_, txns, err := bankdata.UpsertTransactions(ctx, w, fid, tn.account, tn.refresh, []connector.Transaction{
		{ID: "t-" + name, Date: day, Amount: -4210, Description: tn.transactionDesc, CheckNumber: "1001"}}, day.AddDate(0, 0, -30), day, now)
	if err != nil {
		e.t.Fatal(err)
	}
	tn.txn = txns["t-"+name]
	tn.statementPDF = []byte("%PDF-1.4 statement of " + name)
	key, sum, err := bankdata.StoreBlob(ctx, e.ls.Blobs, bankdata.KindStatement, tn.statementPDF)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := bankdata.UpsertStatement(ctx, w, fid, tn.account, connector.Statement{ID: "s-" + name, PeriodStart: day.AddDate(0, -1, 0), PeriodEnd: day},
		key, sum, int64(len(tn.statementPDF)), now); err != nil {
		e.t.Fatal(err)
	}
	sts, err := bankdata.ListStatements(ctx, e.db.Reader(), fid, tn.account)
	if err != nil || len(sts) != 1 {
		e.t.Fatalf("statements: %v %v", sts, err)
	}
	tn.statement = sts[0].ID
	tn.checkPNG = []byte("\x89PNG\r\n\x1a\n check of " + name)
	key, sum, err = bankdata.StoreBlob(ctx, e.ls.Blobs, bankdata.KindCheckImage, tn.checkPNG)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := bankdata.UpsertCheckImage(ctx, w, fid, tn.txn, connector.Front, key, sum, int64(len(tn.checkPNG)), now); err != nil {
		e.t.Fatal(err)
	}
	return tn
}

// call is one request of the matrix, built from the tenant whose ids it
// names.
type call struct {
	pattern string // the route it exercises
	method  string
	path    func(*tenant) string
	body    func(*tenant) any
}

func byID(pattern string, path func(*tenant) string, body func(*tenant) any) call {
	method, _, _ := strings.Cut(pattern, " ")
	return call{pattern: pattern, method: method, path: path, body: body}
}

// idCalls are the requests naming a record of the firm: every route that
// takes an id, in the path or in the query or body.
var idCalls = []call{
	byID("GET /api/v1/clients/{id}", func(tn *tenant) string { return "/api/v1/clients/" + itoa(tn.client) }, nil),
	byID("PATCH /api/v1/clients/{id}", func(tn *tenant) string { return "/api/v1/clients/" + itoa(tn.client) },
		func(*tenant) any { return map[string]any{"name": "Taken over"} }),
	byID("DELETE /api/v1/clients/{id}", func(tn *tenant) string { return "/api/v1/clients/" + itoa(tn.client) }, nil),
	byID("GET /api/v1/connections", func(tn *tenant) string { return "/api/v1/connections?client_id=" + itoa(tn.client) }, nil),
	byID("POST /api/v1/connections", func(*tenant) string { return "/api/v1/connections" },
		func(tn *tenant) any {
			return map[string]any{"client_id": tn.client, "institution_id": 1, "username": "bob", "password": "x"}
		}),
	byID("GET /api/v1/connections/{id}", func(tn *tenant) string { return "/api/v1/connections/" + itoa(tn.conn) }, nil),
	byID("PATCH /api/v1/connections/{id}", func(tn *tenant) string { return "/api/v1/connections/" + itoa(tn.conn) },
		func(*tenant) any { return map[string]any{"label": "Taken over", "password": "a new one"} }),
	byID("DELETE /api/v1/connections/{id}", func(tn *tenant) string { return "/api/v1/connections/" + itoa(tn.conn) }, nil),
	byID("POST /api/v1/connections/{id}/refresh", func(tn *tenant) string { return "/api/v1/connections/" + itoa(tn.conn) + "/refresh" }, nil),
	byID("GET /api/v1/connections/{id}/refreshes", func(tn *tenant) string { return "/api/v1/connections/" + itoa(tn.conn) + "/refreshes" }, nil),
	byID("GET /api/v1/refreshes/{id}", func(tn *tenant) string { return "/api/v1/refreshes/" + itoa(tn.refresh) }, nil),
	byID("GET /api/v1/challenges", func(tn *tenant) string { return "/api/v1/challenges?connection_id=" + itoa(tn.conn) }, nil),
	byID("GET /api/v1/challenges/{id}", func(tn *tenant) string { return "/api/v1/challenges/" + itoa(tn.challenge) }, nil),
	byID("POST /api/v1/challenges/{id}/answer", func(tn *tenant) string { return "/api/v1/challenges/" + itoa(tn.challenge) + "/answer" },
		func(tn *tenant) any { return map[string]any{"option_id": tn.option} }),
	byID("POST /api/v1/challenges/{id}/cancel", func(tn *tenant) string { return "/api/v1/challenges/" + itoa(tn.challenge) + "/cancel" }, nil),
	byID("GET /api/v1/accounts", func(tn *tenant) string { return "/api/v1/accounts?connection_id=" + itoa(tn.conn) }, nil),
	byID("GET /api/v1/accounts/{id}/transactions", func(tn *tenant) string { return "/api/v1/accounts/" + itoa(tn.account) + "/transactions" }, nil),
	byID("GET /api/v1/accounts/{id}/statements", func(tn *tenant) string { return "/api/v1/accounts/" + itoa(tn.account) + "/statements" }, nil),
	byID("GET /api/v1/statements/{id}", func(tn *tenant) string { return "/api/v1/statements/" + itoa(tn.statement) }, nil),
	byID("GET /api/v1/transactions/{id}/checks/{side}", func(tn *tenant) string { return "/api/v1/transactions/" + itoa(tn.txn) + "/checks/front" }, nil),
}

// firmWide are the routes that take no id: they act on the token's firm
// (or, for the directory and this document, on nobody's).
var firmWide = []string{
	"POST /api/v1/tokens", "POST /api/v1/tokens/current/rotate", "DELETE /api/v1/tokens/current",
	"GET /api/v1/clients", "POST /api/v1/clients", "GET /api/v1/institutions",
	"GET /api/v1/events", "GET /api/v1/openapi.json",
}

// snapshot is everything firm tn's own token reads of its records.
func (e *env) snapshot(tn *tenant) map[string]string {
	e.t.Helper()
	out := map[string]string{}
	for _, c := range idCalls {
		if c.method != http.MethodGet {
			continue
		}
		r := e.do(http.MethodGet, c.path(tn), nil, tn.staff.token).must(e.t, http.StatusOK)
		out[c.pattern] = string(r.Body)
	}
	for _, path := range []string{"/api/v1/clients", "/api/v1/connections", "/api/v1/accounts", "/api/v1/challenges"} {
		out[path] = string(e.do(http.MethodGet, path, nil, tn.staff.token).must(e.t, http.StatusOK).Body)
	}
	return out
}

// Firm A's token on every route that names a record, with firm B's ids:
// 404, exactly as for a record that does not exist, and nothing of B's
// changes. A's lists never show B's records. Without a token (or with a
// token that is not one) every route but the token's issue and the
// OpenAPI document is 401, and changes nothing either.
func TestTenancy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, options{bank: true})
		a, b := e.newTenant("Alpha Books"), e.newTenant("Beta Ledgers")

		// The matrix covers every route.
		var covered []string
		for _, c := range idCalls {
			covered = append(covered, c.pattern)
		}
		covered = append(covered, firmWide...)
		for _, p := range api.Routes() {
			if !slices.Contains(covered, p) {
				t.Errorf("route %s is not in the tenancy matrix", p)
			}
		}

		// Each firm sees its own.
		for _, tn := range []*tenant{a, b} {
			for _, c := range idCalls {
				if c.method == http.MethodGet {
					e.do(c.method, c.path(tn), nil, tn.staff.token).must(t, http.StatusOK)
				}
			}
		}
		before := e.snapshot(b)

		for _, c := range idCalls {
			var body any
			if c.body != nil {
				body = c.body(b)
			}
			r := e.do(c.method, c.path(b), body, a.staff.token)
			r.mustError(t, http.StatusNotFound, "not_found")
			// The same request for an id nobody has reads the same.
			missing := &tenant{client: 1 << 40, conn: 1 << 40, refresh: 1 << 40, challenge: 1 << 40, account: 1 << 40, txn: 1 << 40, statement: 1 << 40, option: b.option}
			if c.body != nil {
				body = c.body(missing)
			}
			if m := e.do(c.method, c.path(missing), body, a.staff.token).mustError(t, http.StatusNotFound, "not_found"); m.Message != r.Message {
				t.Errorf("%s: another firm's record says %q, a missing one %q", c.pattern, r.Message, m.Message)
			}
		}

		// A's lists hold A's records and none of B's.
		var lists struct {
			Clients     []clientJSON     `json:"clients"`
			Connections []connectionJSON `json:"connections"`
			Accounts    []accountJSON    `json:"accounts"`
			Challenges  []challengeJSON  `json:"challenges"`
		}
		for _, path := range []string{"/api/v1/clients", "/api/v1/connections", "/api/v1/accounts", "/api/v1/challenges"} {
			e.do(http.MethodGet, path, nil, a.staff.token).must(t, http.StatusOK).decode(t, &lists)
		}
		ids := func(n int, id func(int) int64) []int64 {
			var out []int64
			for i := range n {
				out = append(out, id(i))
			}
			return out
		}
		for _, l := range []struct {
			what   string
			got    []int64
			own, b int64
		}{
			{"clients", ids(len(lists.Clients), func(i int) int64 { return lists.Clients[i].ID }), a.client, b.client},
			{"connections", ids(len(lists.Connections), func(i int) int64 { return lists.Connections[i].ID }), a.conn, b.conn},
			{"accounts", ids(len(lists.Accounts), func(i int) int64 { return lists.Accounts[i].ID }), a.account, b.account},
			{"challenges", ids(len(lists.Challenges), func(i int) int64 { return lists.Challenges[i].ID }), a.challenge, b.challenge},
		} {
			if !slices.Equal(l.got, []int64{l.own}) {
				t.Errorf("A's %s are %v, want only A's %d (B's is %d)", l.what, l.got, l.own, l.b)
			}
		}
		e.do(http.MethodPost, "/api/v1/clients", map[string]any{"name": "Alpha's new client"}, a.staff.token).must(t, http.StatusCreated)

		// No token, a malformed one, one that is no token: 401.
		forged := strings.Repeat("A", 43)
		for _, p := range api.Routes() {
			if p == "POST /api/v1/tokens" || p == "GET /api/v1/openapi.json" {
				continue
			}
			method, path, _ := strings.Cut(p, " ")
			var body any
			for _, c := range idCalls {
				if c.pattern == p {
					path = c.path(b)
					if c.body != nil {
						body = c.body(b)
					}
				}
			}
			path = strings.NewReplacer("{id}", itoa(b.client), "{side}", "front").Replace(path)
			if method == http.MethodPost && body == nil {
				body = map[string]any{}
			}
			for _, tok := range []string{"", "not-a-token", forged} {
				r := e.do(method, path, body, tok).mustError(t, http.StatusUnauthorized, "unauthenticated")
				if r.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: 401 without WWW-Authenticate", p)
				}
			}
		}

		after := e.snapshot(b)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("B's %s changed:\nbefore %s\nafter  %s", k, v, after[k])
			}
		}
		pdf := e.do(http.MethodGet, "/api/v1/statements/"+itoa(b.statement), nil, b.staff.token).must(t, http.StatusOK)
		png := e.do(http.MethodGet, "/api/v1/transactions/"+itoa(b.txn)+"/checks/front", nil, b.staff.token).must(t, http.StatusOK)
		if !bytes.Equal(pdf.Body, b.statementPDF) || !bytes.Equal(png.Body, b.checkPNG) {
			t.Error("B's statement or check image is not what was stored")
		}
		if got := e.getChallenge(b.staff.token, b.challenge); got.Status != "pending" {
			t.Errorf("B's challenge is %q after A's attempts, want pending", got.Status)
		}
	})
}
