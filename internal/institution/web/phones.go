package web

import (
	"context"
	"database/sql"

	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// addPhone adds a phone to the member's sign-in (at most four, S13) and
// records it for the message center; a refusal is a *phone.FieldError.
func (s *site) addPhone(ctx context.Context, accountID int64, n phone.New, m auth.Meta) (*phone.Phone, error) {
	var ph *phone.Phone
	err := s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if ph, err = phone.Add(ctx, tx, s.app.Phones, accountID, n, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, accountID, "phone.added", m, map[string]string{"to": ph.Masked(), "kind": string(ph.Kind)})
	})
	return ph, err
}

// removePhone removes one of the member's phones and records it.
func (s *site) removePhone(ctx context.Context, accountID, phoneID int64, m auth.Meta) error {
	return s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		ph, err := phone.Get(ctx, tx, accountID, phoneID)
		if err != nil {
			return err
		}
		if err := phone.Remove(ctx, tx, accountID, phoneID); err != nil {
			return err
		}
		return s.audit(ctx, tx, accountID, "phone.removed", m, map[string]string{"to": ph.Masked()})
	})
}
