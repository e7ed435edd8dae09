package firm

import "time"

// Status is a connection's health (L11): how its last refresh ended, in
// words a firm can act on.
type Status string

// The statuses.
const (
	StatusNew                Status = "new"               // never refreshed
	StatusOK                 Status = "ok"                // the last refresh succeeded
	StatusChallengePending   Status = "challenge_pending" // a person is being asked the bank's challenge now
	StatusActionRequired     Status = "action_required"   // an unattended refresh met a challenge
	StatusCanceled           Status = "canceled_or_aborted"
	StatusInvalidCredentials Status = "invalid_credentials"
	StatusLocked             Status = "locked"
	StatusAccountClosed      Status = "account_closed" // closed at the bank: not an error
	StatusInstitutionDown    Status = "institution_down"
	StatusBlocked            Status = "blocked" // the bank refuses us, not the client's credentials
)

// Statuses lists every status, for filters and forms.
var Statuses = []Status{
	StatusNew, StatusOK, StatusChallengePending, StatusActionRequired, StatusCanceled,
	StatusInvalidCredentials, StatusLocked, StatusAccountClosed, StatusInstitutionDown, StatusBlocked,
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	_, ok := statusMessages[s]
	return ok
}

// Message is what the firm sees for the status.
func (s Status) Message() string {
	if m, ok := statusMessages[s]; ok {
		return m
	}
	return "Unknown status"
}

// The wording of action_required and canceled_or_aborted is the seed's
// (L5), word for word; the others follow its voice.
var statusMessages = map[Status]string{
	StatusNew:                "Not updated yet, update manually to connect",
	StatusOK:                 "Connected, the last update succeeded",
	StatusChallengePending:   "Bank is asking password, security question or code, waiting for the answer",
	StatusActionRequired:     "Bank is asking password, security question or code, update manually to answer and continue",
	StatusCanceled:           "update account canceled or aborted",
	StatusInvalidCredentials: "Bank refused the username or password, update the credentials and continue",
	StatusLocked:             "Bank has locked this sign-in, the client must unlock it at the bank, then update manually",
	StatusAccountClosed:      "Account closed at the bank",
	StatusInstitutionDown:    "Bank is not answering, the update will be retried",
	StatusBlocked:            "Bank is blocking this connection, updates resume when the bank allows them",
}

// NeedsPerson reports whether only a person can move the connection on:
// answering a challenge, updating manually, fixing the credentials or
// unlocking the sign-in at the bank. The others either are fine or heal by
// themselves.
func (s Status) NeedsPerson() bool {
	switch s {
	case StatusActionRequired, StatusCanceled, StatusInvalidCredentials, StatusLocked, StatusChallengePending:
		return true
	}
	return false
}

// Schedule is how often a connection refreshes unattended.
type Schedule string

// The schedules.
const (
	Manual  Schedule = "manual" // only when a person asks
	Daily   Schedule = "daily"
	Weekly  Schedule = "weekly"
	Monthly Schedule = "monthly"
)

// Valid reports whether s is one of the schedules.
func (s Schedule) Valid() bool {
	switch s {
	case Manual, Daily, Weekly, Monthly:
		return true
	}
	return false
}

// Next is when a connection on this schedule refreshes after a refresh at
// after: 24 hours later, 7 days later, or one calendar month later (the
// last day of the next month when it is shorter: January 31 → February
// 28). It is zero for Manual and for an unknown schedule.
func (s Schedule) Next(after time.Time) time.Time {
	switch s {
	case Daily:
		return after.Add(24 * time.Hour)
	case Weekly:
		return after.AddDate(0, 0, 7)
	case Monthly:
		next := after.AddDate(0, 1, 0)
		// AddDate normalises January 31 + 1 month to March 3; a monthly
		// refresh must not skip February.
		if next.Day() != after.Day() {
			next = next.AddDate(0, 0, -next.Day())
		}
		return next
	}
	return time.Time{}
}
