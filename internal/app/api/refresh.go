package api

import (
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/refresh"
)

// refreshView is one refresh attempt as the API shows it.
type refreshView struct {
	ID           int64  `json:"id"`
	ConnectionID int64  `json:"connection_id"`
	Trigger      string `json:"trigger"`  // web, api, cli, portal or schedule
	Attended     bool   `json:"attended"` // a person was there to answer
	State        string `json:"state"`    // queued, running, challenge_pending or done
	// Outcome is the connection status it ended with; null until done.
	Outcome        *string       `json:"outcome"`
	OutcomeMessage string        `json:"outcome_message,omitempty"`
	Detail         string        `json:"detail"`
	Counts         refreshCounts `json:"counts"`
	CreatedAt      time.Time     `json:"created_at"`
	StartedAt      *time.Time    `json:"started_at"`
	FinishedAt     *time.Time    `json:"finished_at"`
}

// refreshCounts is what a refresh met and landed. Challenges is how many
// were relayed to a person: 0 for a refresh that needed nobody.
type refreshCounts struct {
	Challenges          int `json:"challenges"`
	Accounts            int `json:"accounts"`
	TransactionsNew     int `json:"transactions_new"`
	TransactionsUpdated int `json:"transactions_updated"`
	StatementsNew       int `json:"statements_new"`
	ChecksNew           int `json:"checks_new"`
}

func refreshOf(r *refresh.Refresh) refreshView {
	v := refreshView{
		ID: r.ID, ConnectionID: r.ConnectionID, Trigger: string(r.Trigger), Attended: r.Attended, State: string(r.State),
		Detail: r.Detail,
		Counts: refreshCounts{Challenges: r.Challenges, Accounts: r.Accounts, TransactionsNew: r.TransactionsNew,
			TransactionsUpdated: r.TransactionsUpdated, StatementsNew: r.StatementsNew, ChecksNew: r.ChecksNew},
		CreatedAt: r.CreatedAt.UTC(), StartedAt: timePtr(r.StartedAt.UTC()), FinishedAt: timePtr(r.FinishedAt.UTC()),
	}
	if r.State == refresh.Done {
		outcome := string(r.Outcome)
		v.Outcome, v.OutcomeMessage = &outcome, r.Outcome.Message()
	}
	return v
}

// refreshDetail is one refresh with the challenges it relayed.
type refreshDetail struct {
	refreshView
	Challenges []challengeView `json:"challenges"`
}

func refreshPath(id int64) string { return "/api/v1/refreshes/" + strconv.FormatInt(id, 10) }
