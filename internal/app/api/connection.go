package api

import (
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// connectionView is a connection as the API shows it: its settings and
// health, never its credentials or shared answers.
type connectionView struct {
	ID            int64  `json:"id"`
	ClientID      int64  `json:"client_id"`
	InstitutionID int64  `json:"institution_id"`
	Label         string `json:"label"`
	Restricted    bool   `json:"restricted"`
	ContactPhone  string `json:"contact_phone"`
	Schedule      string `json:"schedule"`
	// Status is the connection's health (L11); StatusMessage says it in
	// words a firm acts on, StatusDetail what the last refresh said.
	Status           string     `json:"status"`
	StatusMessage    string     `json:"status_message"`
	StatusDetail     string     `json:"status_detail"`
	StatusAt         time.Time  `json:"status_at"`
	NeedsPerson      bool       `json:"needs_person"`
	LastSuccessAt    *time.Time `json:"last_success_at"`
	NextRefreshAt    *time.Time `json:"next_refresh_at"`
	HasSharedAnswers bool       `json:"has_shared_answers"`
	CreatedAt        time.Time  `json:"created_at"`
}

func connectionOf(c *firm.Connection) connectionView {
	return connectionView{
		ID: c.ID, ClientID: c.ClientID, InstitutionID: c.InstitutionID, Label: c.Label, Restricted: c.Restricted,
		ContactPhone: c.ContactPhone, Schedule: string(c.Schedule),
		Status: string(c.Status), StatusMessage: c.Status.Message(), StatusDetail: c.StatusDetail, StatusAt: c.StatusAt,
		NeedsPerson: c.Status.NeedsPerson(), LastSuccessAt: timePtr(c.LastSuccessAt), NextRefreshAt: timePtr(c.NextRefreshAt),
		HasSharedAnswers: c.HasSharedAnswers, CreatedAt: c.CreatedAt,
	}
}

// connectionDetail is one connection with what a screen shows beside it.
type connectionDetail struct {
	connectionView
	Institution institutionView `json:"institution"`
	Refresh     *refreshView    `json:"refresh"`   // the refresh in flight, or null
	Challenge   *challengeView  `json:"challenge"` // the challenge waiting for a person, or null
	Accounts    []accountView   `json:"accounts"`
}

// timePtr is t for JSON: null when zero.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func connectionPath(id int64) string { return "/api/v1/connections/" + strconv.FormatInt(id, 10) }
