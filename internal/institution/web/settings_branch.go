package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
)

// Confirmation codes (S21) are a second password for transfers.
const (
	minConfirmationLength = 6
	maxConfirmationLength = 64
)

// settingsBranch saves the Personal Internet Branch controls and the
// confirmation code; the change reaches the message center (S21, S28).
// Requiring registered computers is refused from a computer that is not
// registered, which would lock the member out at once.
func (s *site) settingsBranch(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	c, problems := controlsOf(r)
	f := newBranchForm(c)
	code, confirm, remove := r.PostFormValue("confirmation"), r.PostFormValue("confirmation_again"), r.PostFormValue("remove_confirmation") == "on"
	if c.PCRegistrationRequired {
		dev, err := s.app.Devices.Recognise(ctx, s.app.DB.Reader(), r, me.Account.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err != nil || !dev.Registered {
			problems = append(problems, "Register this computer first (under Registered computers); otherwise you could not sign in from it.")
		}
	}
	if code != "" {
		n := utf8.RuneCountInString(code)
		switch {
		case code != confirm:
			problems = append(problems, "The two confirmation codes are not the same.")
		case n < minConfirmationLength || n > maxConfirmationLength:
			problems = append(problems, "A confirmation code has 6 to 64 characters.")
		}
	}
	if len(problems) > 0 {
		f.Problems = problems
		return s.renderBranch(w, r, me, f, http.StatusUnprocessableEntity, "")
	}
	hash := ""
	if code != "" {
		var err error
		if hash, err = s.hasher.Hash(ctx, code); err != nil {
			return err
		}
	}
	err := s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := institution.SetControls(ctx, tx, me.Member.ID, c); err != nil {
			return err
		}
		if code != "" || remove {
			if err := institution.SetConfirmationHash(ctx, tx, me.Member.ID, hash); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, me.Account.ID, "controls.changed", s.meta(r), nil)
	})
	if err != nil {
		return err
	}
	if err := s.reloadMember(ctx, me); err != nil {
		return err
	}
	return s.renderBranch(w, r, me, newBranchForm(me.Member.Controls), http.StatusOK, "Your Personal Internet Branch settings were saved.")
}

func (s *site) reloadMember(ctx context.Context, me *signedIn) error {
	m, err := institution.GetMember(ctx, s.app.DB.Reader(), me.Member.ID)
	if err != nil {
		return err
	}
	me.Member = m
	return nil
}
