package instapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ledgersync/ledgersync/internal/connector"
)

// dateLayout is how the API writes dates.
const dateLayout = "2006-01-02"

// ErrSessionEnded is a request the bank refused because the bearer token
// no longer works: it was idle for 15 minutes, was signed out, or the bank
// ended it. Sign in again.
var ErrSessionEnded = errors.New("the bank ended the session: sign in again")

// session is a signed-in API session. The bearer token lives only here, in
// memory.
type session struct {
	c    *Connector
	base *url.URL

	mu     sync.Mutex
	token  string // "" once closed
	device deviceState
}

var _ connector.Session = (*session)(nil)

func newSession(c *Connector, base *url.URL, token, deviceToken string) *session {
	return &session{c: c, base: base, token: token, device: deviceState{V: stateVersion, DeviceToken: deviceToken}}
}

// Device returns the device state with the newest device token the bank
// gave, to keep for the next sign-in.
func (s *session) Device() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.device.bytes()
}

func (s *session) bearer() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" {
		return "", errors.New("the session is closed: sign in again")
	}
	return s.token, nil
}

// get reads u with the bearer token and wants a 200.
func (s *session) get(ctx context.Context, u *url.URL) (*response, error) {
	tok, err := s.bearer()
	if err != nil {
		return nil, err
	}
	res, err := s.c.send(ctx, http.MethodGet, u, tok, nil)
	if err != nil {
		return nil, err
	}
	switch res.status {
	case http.StatusOK:
		return res, nil
	case http.StatusUnauthorized:
		return nil, ErrSessionEnded
	}
	return nil, fmt.Errorf("GET %s: %s", routeOf(u), res.describe())
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

// Accounts lists the member's accounts, closed ones included. The API does
// not say when it computed the balances: they are dated when read.
func (s *session) Accounts(ctx context.Context) ([]connector.Account, error) {
	res, err := s.get(ctx, s.base.JoinPath("accounts"))
	if err != nil {
		return nil, fmt.Errorf("instapi: list the accounts: %w", err)
	}
	var body struct {
		Accounts []accountJSON `json:"accounts"`
	}
	if err := res.decodeJSON(&body); err != nil {
		return nil, fmt.Errorf("instapi: list the accounts: %w", err)
	}
	now := s.c.clock.Now()
	out := make([]connector.Account, 0, len(body.Accounts))
	for _, j := range body.Accounts {
		a, err := accountOf(j, now)
		if err != nil {
			return nil, fmt.Errorf("instapi: list the accounts: account %d: %w", j.ID, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func accountOf(j accountJSON, at time.Time) (connector.Account, error) {
	id := strconv.FormatInt(j.ID, 10)
	a := connector.Account{ID: id, Ref: id, Mask: lastFour(j.NumberMasked), Name: j.Name, Type: accountType(j.Type),
		Currency: j.Balance.Currency, BalanceAt: at, Closed: j.Status == "closed"}
	var err error
	if a.Balance, err = j.Balance.minor("balance"); err != nil {
		return a, err
	}
	// A closed account's available balance is written as zero: it has
	// none, rather than zero to spend.
	if !a.Closed && j.Available.Amount != "" {
		if a.Available, err = j.Available.minor("available balance"); err != nil {
			return a, err
		}
		a.HasAvailable = true
	}
	return a, nil
}

// lastFour keeps the last four characters of a masked number
// ("••••1234" is "1234").
func lastFour(masked string) string {
	r := []rune(strings.TrimLeft(masked, "•*xX "))
	if len(r) > 4 {
		r = r[len(r)-4:]
	}
	return string(r)
}

func accountType(t string) connector.AccountType {
	switch t {
	case "checking":
		return connector.Checking
	case "savings":
		return connector.Savings
	case "credit_card":
		return connector.CreditCard
	case "loan":
		return connector.Loan
	}
	return connector.Other
}

type transactionJSON struct {
	ID                   int64     `json:"id"`
	FITID                string    `json:"fit_id"`
	Status               string    `json:"status"`
	Date                 string    `json:"date"`
	Amount               moneyJSON `json:"amount"`
	Type                 string    `json:"type"`
	Description          string    `json:"description"`
	Memo                 string    `json:"memo"`
	Payee                string    `json:"payee"`
	CheckNumber          string    `json:"check_number"`
	PendingTransactionID *int64    `json:"pending_transaction_id"`
	CheckImages          *struct {
		Front string `json:"front"`
		Back  string `json:"back"`
	} `json:"check_images"`
}

// Transactions lists an account's pending and posted transactions dated
// from..to (inclusive days; a zero time leaves that end open).
//
// A transaction's ID is the API's id, not its fit_id: a posted transaction
// names the pending one it replaced by the pending one's API id (and the
// pending one is no longer listed, so its fit_id cannot be looked up), and
// PendingID must match the ID the pending one was stored under. Both ids
// are the bank's and stable across refreshes.
func (s *session) Transactions(ctx context.Context, a connector.Account, from, to time.Time) ([]connector.Transaction, error) {
	ref, err := accountRef(a)
	if err != nil {
		return nil, fmt.Errorf("instapi: list the transactions: %w", err)
	}
	u := s.base.JoinPath("accounts", ref, "transactions")
	q := url.Values{}
	if !from.IsZero() {
		q.Set("from", from.Format(dateLayout))
	}
	if !to.IsZero() {
		q.Set("to", to.Format(dateLayout))
	}
	u.RawQuery = q.Encode()
	res, err := s.get(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("instapi: list the transactions of account %s: %w", a.Mask, err)
	}
	var body struct {
		Transactions []transactionJSON `json:"transactions"`
	}
	if err := res.decodeJSON(&body); err != nil {
		return nil, fmt.Errorf("instapi: list the transactions of account %s: %w", a.Mask, err)
	}
	out := make([]connector.Transaction, 0, len(body.Transactions))
	for _, j := range body.Transactions {
		t, err := s.transactionOf(j)
		if err != nil {
			return nil, fmt.Errorf("instapi: list the transactions of account %s: transaction %d: %w", a.Mask, j.ID, err)
		}
		out = append(out, t)
	}
	return out, nil
}

func (s *session) transactionOf(j transactionJSON) (connector.Transaction, error) {
	t := connector.Transaction{ID: strconv.FormatInt(j.ID, 10), Pending: j.Status == "pending", Currency: j.Amount.Currency,
		Description: j.Description, Memo: j.Memo, CheckNumber: j.CheckNumber}
	if t.Description == "" {
		t.Description = j.Payee
	}
	if j.PendingTransactionID != nil {
		t.PendingID = strconv.FormatInt(*j.PendingTransactionID, 10)
	}
	var err error
	if t.Date, err = time.Parse(dateLayout, j.Date); err != nil {
		return t, fmt.Errorf("the date %q is not YYYY-MM-DD", printable(j.Date, 32))
	}
	if t.Amount, err = j.Amount.minor("amount"); err != nil {
		return t, err
	}
	if j.CheckImages != nil {
		for _, side := range []struct {
			side connector.Side
			ref  string
		}{{connector.Front, j.CheckImages.Front}, {connector.Back, j.CheckImages.Back}} {
			if side.ref == "" {
				continue
			}
			if _, err := s.link(side.ref); err != nil {
				return t, fmt.Errorf("check image: %w", err)
			}
			t.Checks = append(t.Checks, connector.CheckImageRef{Side: side.side, Ref: side.ref})
		}
	}
	return t, nil
}

type statementJSON struct {
	ID          int64  `json:"id"`
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	PDF         string `json:"pdf"`
}

// Statements lists an account's statements available so far, newest
// first.
func (s *session) Statements(ctx context.Context, a connector.Account) ([]connector.Statement, error) {
	ref, err := accountRef(a)
	if err != nil {
		return nil, fmt.Errorf("instapi: list the statements: %w", err)
	}
	res, err := s.get(ctx, s.base.JoinPath("accounts", ref, "statements"))
	if err != nil {
		return nil, fmt.Errorf("instapi: list the statements of account %s: %w", a.Mask, err)
	}
	var body struct {
		Statements []statementJSON `json:"statements"`
	}
	if err := res.decodeJSON(&body); err != nil {
		return nil, fmt.Errorf("instapi: list the statements of account %s: %w", a.Mask, err)
	}
	out := make([]connector.Statement, 0, len(body.Statements))
	for _, j := range body.Statements {
		st := connector.Statement{ID: strconv.FormatInt(j.ID, 10), Ref: j.PDF}
		start, err1 := time.Parse(dateLayout, j.PeriodStart)
		end, err2 := time.Parse(dateLayout, j.PeriodEnd)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("instapi: list the statements of account %s: statement %d: its period is not written YYYY-MM-DD", a.Mask, j.ID)
		}
		st.PeriodStart, st.PeriodEnd = start, end
		if st.Ref == "" {
			st.Ref = s.base.JoinPath("statements", st.ID).Path
		}
		if _, err := s.link(st.Ref); err != nil {
			return nil, fmt.Errorf("instapi: list the statements of account %s: statement %d: %w", a.Mask, j.ID, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// StatementPDF downloads one statement's PDF.
func (s *session) StatementPDF(ctx context.Context, st connector.Statement) ([]byte, error) {
	u, err := s.link(st.Ref)
	if err != nil {
		return nil, fmt.Errorf("instapi: download statement %s: %w", st.ID, err)
	}
	res, err := s.get(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("instapi: download statement %s: %w", st.ID, err)
	}
	if !bytes.HasPrefix(res.body, []byte("%PDF-")) {
		return nil, fmt.Errorf("instapi: download statement %s: the bank sent %q, not a PDF", st.ID, res.header.Get("Content-Type"))
	}
	return res.body, nil
}

// CheckImage downloads one side of a check's image (a PNG).
func (s *session) CheckImage(ctx context.Context, c connector.CheckImageRef) ([]byte, error) {
	u, err := s.link(c.Ref)
	if err != nil {
		return nil, fmt.Errorf("instapi: download the %s of a check: %w", c.Side, err)
	}
	res, err := s.get(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("instapi: download the %s of a check: %w", c.Side, err)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "image/") || len(res.body) == 0 {
		return nil, fmt.Errorf("instapi: download the %s of a check: the bank sent %q, not an image", c.Side, ct)
	}
	return res.body, nil
}

// Close signs out: the bearer token stops working at the bank and is
// forgotten here. A session the bank already ended is closed too.
func (s *session) Close(ctx context.Context) error {
	s.mu.Lock()
	tok := s.token
	s.token = ""
	s.mu.Unlock()
	if tok == "" {
		return nil
	}
	u := s.base.JoinPath("sessions", "current")
	res, err := s.c.send(ctx, http.MethodDelete, u, tok, nil)
	if err != nil {
		return fmt.Errorf("instapi: sign out: %w", err)
	}
	switch res.status {
	case http.StatusNoContent, http.StatusOK, http.StatusUnauthorized:
		return nil
	}
	return fmt.Errorf("instapi: sign out: %s", res.describe())
}

// link resolves a path the bank gave (a statement's PDF, a check's image)
// against the API's address. The bearer token goes with the request, so
// the link must stay within the API: same scheme, host and base path.
func (s *session) link(ref string) (*url.URL, error) {
	r, err := url.Parse(ref)
	if err != nil || ref == "" {
		return nil, errors.New("the bank's link is not a URL")
	}
	u := s.base.ResolveReference(r)
	if u.Scheme != s.base.Scheme || u.Host != s.base.Host || u.User != nil || !strings.HasPrefix(u.Path, s.base.Path+"/") || strings.Contains(u.Path, "/../") {
		return nil, errors.New("the bank's link leads outside its API; it is not followed")
	}
	return u, nil
}

// accountRef is the API id of a, checked to be one: it goes in a path.
func accountRef(a connector.Account) (string, error) {
	ref := a.Ref
	if ref == "" {
		ref = a.ID
	}
	if _, err := strconv.ParseInt(ref, 10, 64); err != nil {
		return "", fmt.Errorf("account %s was not listed by this connector (its reference is not an API id)", a.Mask)
	}
	return ref, nil
}
