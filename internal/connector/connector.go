// Package connector owns the conversation with a bank: the Connector
// interface every connection type implements (OFX Direct Connect, the
// institution's JSON API, later aggregator APIs), the challenges a bank can
// raise on the way in, and the bank data a signed-in session reads.
//
// A connector never waits on a person. When the bank asks for something only
// a person can give, Login or Answer returns a Challenge carrying the
// connector's resumable State; the refresh engine persists it (encrypted),
// ends its job, and calls Answer later, perhaps in another process, with the
// answer and the same State. A connector keeps nothing between calls.
//
// Secrets (the credentials, answers, codes, the bank's tokens inside State
// and Device) travel only in requests to the bank: no error of a connector
// contains them.
package connector

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind names a connection type.
type Kind string

// The connection types.
const (
	OFX     Kind = "ofx"     // OFX Direct Connect
	InstAPI Kind = "instapi" // the institution's JSON API ("premium")
)

// Institution is where a connector connects: one entry of the directory.
type Institution struct {
	Name string
	Kind Kind
	// OFX Direct Connect: the server's URL and the FI's ORG and FID.
	OFXURL, OFXOrg, OFXFID string
	// The JSON API's base URL, ending in /api/v1.
	APIURL string
}

// Credentials are what the client gave to sign in. They are secrets: never
// log or print them, and keep them out of errors.
type Credentials struct {
	Username string
	Password string
}

// Login is everything a sign-in needs.
type Login struct {
	Institution Institution
	Credentials Credentials
	// Device is the device state the connector returned after the last
	// successful sign-in (cookies, a CLIENTUID, a device token), nil the
	// first time. Keeping it is what lets the bank recognise us (L7).
	Device []byte
	// Attended says a person is waiting to answer. Unattended, a connector
	// must not make the bank send a code nobody will read: it returns
	// ErrPersonNeeded instead of asking for one.
	Attended bool
}

// ChallengeType is what a challenge asks for.
type ChallengeType string

// The challenge types.
const (
	Question       ChallengeType = "question"        // one or more security questions
	ChooseDelivery ChallengeType = "choose_delivery" // where the bank should send a code
	Code           ChallengeType = "code"            // a one-time code the bank sent
	Approve        ChallengeType = "approve"         // approve this device at the bank, then go on
)

// Challenge is the bank asking for something before it lets us in.
type Challenge struct {
	Type   ChallengeType
	Prompt string // the bank's words, to show as they are
	// Questions are the questions of a Question challenge, answered
	// together (one rotating question, or two of three).
	Questions []QuestionPrompt
	// Options are the choices of a ChooseDelivery challenge, with masked
	// destinations ("Text to (•••) •••-0111").
	Options []Option
	// AttemptsLeft is how many wrong answers the bank still accepts before
	// it locks the method, or -1 when the bank does not say.
	AttemptsLeft int
	// ExpiresAt is when the bank stops accepting an answer, or zero when it
	// does not say.
	ExpiresAt time.Time
	// Rejected says the bank did not accept the previous answer and this
	// is what it asks now (the same question again, or another).
	Rejected bool
	// State is the connector's resumable state, to pass back to Answer. It
	// may hold the bank's tokens: the caller stores it encrypted.
	State []byte
	// Device, when set, is device state to keep whether or not the
	// challenge is ever answered: the bank now knows this device (an OFX
	// CLIENTUID it asks the member to approve), and a new one next time
	// would need approving again.
	Device []byte
}

// QuestionPrompt is one security question of a challenge.
type QuestionPrompt struct {
	ID     string
	Prompt string
}

// Option is one choice of a ChooseDelivery challenge.
type Option struct {
	ID      string
	Label   string // masked: "Text to (•••) •••-0111"
	Channel string // "sms", "voice", "email" or "" when the bank does not say
	// Firm is set by LedgerSync, never by a connector: the destination
	// ends in the digits of the firm's own phone, which the client added at
	// the bank as a point of contact (L8), so staff can take the code
	// themselves.
	Firm bool `json:",omitempty"`
}

// Answer is a person's answer to a challenge: Text for a code or a single
// question, Answers (question id → text) for several questions, OptionID
// for a delivery choice; nothing for Approve. It is a secret.
type Answer struct {
	Text     string
	Answers  map[string]string
	OptionID string
}

// Step is where a sign-in stands after Login or Answer: signed in
// (Session) or asked something (Challenge). Exactly one is set.
type Step struct {
	Session   Session
	Challenge *Challenge
}

// Connector signs in to one kind of bank interface.
type Connector interface {
	// Login signs in with l's credentials and device state.
	Login(ctx context.Context, l Login) (Step, error)
	// Answer resumes the sign-in of challenge c (its State) with a.
	Answer(ctx context.Context, l Login, c *Challenge, a Answer) (Step, error)
}

// Session is a signed-in bank session: what the refresh engine reads.
type Session interface {
	// Accounts lists the member's accounts, closed ones included when the
	// bank still lists them.
	Accounts(ctx context.Context) ([]Account, error)
	// Transactions lists an account's transactions dated from..to
	// (inclusive days), pending ones included when the bank has them.
	Transactions(ctx context.Context, a Account, from, to time.Time) ([]Transaction, error)
	// Statements lists an account's statements.
	Statements(ctx context.Context, a Account) ([]Statement, error)
	// StatementPDF downloads one statement.
	StatementPDF(ctx context.Context, s Statement) ([]byte, error)
	// CheckImage downloads one side of a check.
	CheckImage(ctx context.Context, c CheckImageRef) ([]byte, error)
	// Device is the device state to keep for the next sign-in.
	Device() []byte
	// Close signs out.
	Close(ctx context.Context) error
}

// AccountType is the kind of a bank account.
type AccountType string

// The account types.
const (
	Checking   AccountType = "checking"
	Savings    AccountType = "savings"
	CreditCard AccountType = "credit_card"
	Loan       AccountType = "loan"
	Other      AccountType = "other"
)

// Account is one account as the bank reports it. Amounts are minor units.
type Account struct {
	ID       string // the bank's stable id for it (an account number or an id)
	Mask     string // what to show: the last four digits
	Name     string
	Type     AccountType
	Currency string
	Balance  int64 // ledger balance; a card's amount owed is negative
	// Available is the available balance, when HasAvailable.
	Available    int64
	HasAvailable bool
	BalanceAt    time.Time
	Closed       bool
	// Ref is whatever else the connector needs to read this account again
	// within the session (the OFX ACCTFROM, the API's id).
	Ref string
}

// Transaction is one transaction as the bank reports it.
type Transaction struct {
	ID      string // the bank's id (FITID): stable across refreshes
	Pending bool
	// PendingID is the id of the pending transaction this posted one
	// replaces, when the bank links them.
	PendingID   string
	Date        time.Time // posted date, or the authorisation date of a pending one
	Amount      int64     // minor units; money out is negative
	Currency    string
	Description string
	Memo        string
	CheckNumber string
	Checks      []CheckImageRef // the check's images, front first
}

// Side is the side of a check image.
type Side string

// The sides of a check.
const (
	Front Side = "front"
	Back  Side = "back"
)

// CheckImageRef points at one side of a check's image within a session.
type CheckImageRef struct {
	Side Side
	Ref  string // connector-specific: a URL or an id
}

// Statement is one statement as the bank lists it.
type Statement struct {
	ID          string // stable across refreshes
	PeriodStart time.Time
	PeriodEnd   time.Time
	Ref         string // connector-specific: a URL or an id
}

// The errors a connector returns, which the refresh engine maps to a
// connection's status (L11). Wrap them with %w; anything else is treated as
// a transient failure and retried.
var (
	// ErrInvalidCredentials: the bank refused the username or password.
	ErrInvalidCredentials = errors.New("the bank refused the username or password")
	// ErrLocked: the bank locked the sign-in (too many failures).
	ErrLocked = errors.New("the bank has locked this sign-in")
	// ErrPersonNeeded: unattended, and going on would make the bank send a
	// code or ask a question nobody is there to answer.
	ErrPersonNeeded = errors.New("the bank is asking for a password, security question or code")
	// ErrBlocked: the bank refuses us (our address, our program), not the
	// member's credentials.
	ErrBlocked = errors.New("the bank is blocking this connection")
	// ErrChallengeExpired: the bank no longer accepts an answer to this
	// challenge.
	ErrChallengeExpired = errors.New("the bank's challenge expired")
	// ErrPasswordChange: the bank wants the member to choose a new password
	// on its own site first.
	ErrPasswordChange = errors.New("the bank requires a new password: the client must sign in to the bank's site")
)

// DownError is the bank being unreachable or failing (a timeout, a 5xx, an
// OFX server error): transient, retried with backoff.
type DownError struct {
	Err error
}

func (e *DownError) Error() string { return fmt.Sprintf("the bank is not answering: %v", e.Err) }
func (e *DownError) Unwrap() error { return e.Err }
