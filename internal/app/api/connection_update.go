package api

import (
	"database/sql"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/firm"
)

// connectionUpdateRequest changes a connection: fields left out keep their
// value. New credentials replace the old (a password alone keeps the
// username); shared_answers replaces every shared answer ({} removes them).
type connectionUpdateRequest struct {
	Label         *string            `json:"label"`
	Restricted    *bool              `json:"restricted"`
	ContactPhone  *string            `json:"contact_phone"`
	Schedule      *string            `json:"schedule"`
	Username      *string            `json:"username"`
	Password      *string            `json:"password"`
	SharedAnswers *map[string]string `json:"shared_answers"`
}

// connectionUpdate changes one of the firm's connections, all of it in one
// transaction: a refused field changes nothing.
func (s *server) connectionUpdate(w http.ResponseWriter, r *http.Request, c *caller) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in connectionUpdateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	now := s.now()
	var conn *firm.Connection
	err = s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		cur, err := firm.GetConnection(ctx, tx, c.firmID, id)
		if err != nil {
			return err
		}
		set := firm.ConnectionSettings{Label: cur.Label, Restricted: cur.Restricted, ContactPhone: cur.ContactPhone, Schedule: cur.Schedule}
		if in.Label != nil {
			set.Label = *in.Label
		}
		if in.Restricted != nil {
			set.Restricted = *in.Restricted
		}
		if in.ContactPhone != nil {
			set.ContactPhone = *in.ContactPhone
		}
		if in.Schedule != nil {
			set.Schedule = firm.Schedule(*in.Schedule)
		}
		if _, err := firm.UpdateConnection(ctx, tx, c.firmID, id, set, now); err != nil {
			return err
		}
		if in.Username != nil || in.Password != nil {
			secrets, err := firm.ConnectionSecrets(ctx, tx, s.app.Box, c.firmID, id)
			if err != nil {
				return err
			}
			creds := secrets.Credentials
			if in.Username != nil {
				creds.Username = *in.Username
			}
			if in.Password != nil {
				creds.Password = *in.Password
			}
			if err := firm.SetCredentials(ctx, tx, s.app.Box, c.firmID, id, creds); err != nil {
				return err
			}
		}
		if in.SharedAnswers != nil {
			if err := firm.SetSharedAnswers(ctx, tx, s.app.Box, c.firmID, id, *in.SharedAnswers); err != nil {
				return err
			}
		}
		conn, err = firm.GetConnection(ctx, tx, c.firmID, id)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, connectionOf(conn))
	return nil
}
