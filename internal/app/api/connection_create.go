package api

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
)

// connectionCreateRequest connects a client's bank. It holds the client's
// bank password and shared answers: never logged, never shown back.
type connectionCreateRequest struct {
	ClientID      int64             `json:"client_id"`
	InstitutionID int64             `json:"institution_id"`
	Label         string            `json:"label"`
	Username      string            `json:"username"`
	Password      string            `json:"password"`
	SharedAnswers map[string]string `json:"shared_answers"`
	Restricted    bool              `json:"restricted"`
	ContactPhone  string            `json:"contact_phone"`
	Schedule      string            `json:"schedule"`
}

// connectionCreate connects one of the firm's clients to an institution of
// the directory, with the credentials sealed (L3). Its first refresh is a
// person's: POST /connections/{id}/refresh.
func (s *server) connectionCreate(w http.ResponseWriter, r *http.Request, c *caller) error {
	var in connectionCreateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	var problems []fieldProblem
	if in.ClientID <= 0 {
		problems = append(problems, fieldProblem{"client_id", "Give the id of the client whose bank this is"})
	}
	if in.InstitutionID <= 0 {
		problems = append(problems, fieldProblem{"institution_id", "Give the id of the bank, from GET /api/v1/institutions"})
	}
	if len(problems) > 0 {
		return invalidFields(problems...)
	}
	ctx := r.Context()
	q := s.app.DB.Reader()
	if _, err := firm.GetClient(ctx, q, c.firmID, in.ClientID); errors.Is(err, store.ErrNotFound) {
		return notFound("client_id: the firm has no such client.")
	} else if err != nil {
		return err
	}
	if _, err := firm.GetInstitution(ctx, q, in.InstitutionID); errors.Is(err, store.ErrNotFound) {
		return notFound("institution_id: the directory has no such institution; see GET /api/v1/institutions.")
	} else if err != nil {
		return err
	}
	conn, err := firm.CreateConnection(ctx, s.app.DB, s.app.Box, c.firmID, firm.NewConnection{
		ClientID: in.ClientID, InstitutionID: in.InstitutionID, Label: in.Label,
		Credentials:   connector.Credentials{Username: in.Username, Password: in.Password},
		SharedAnswers: in.SharedAnswers, Restricted: in.Restricted, ContactPhone: in.ContactPhone, Schedule: firm.Schedule(in.Schedule),
	}, s.now())
	if err != nil {
		return err
	}
	w.Header().Set("Location", connectionPath(conn.ID))
	writeJSON(w, http.StatusCreated, connectionOf(conn))
	return nil
}
