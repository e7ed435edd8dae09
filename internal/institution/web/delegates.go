package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
	"github.com/ledgersync/ledgersync/internal/store"
)

// delegateForm is what a member types to give their accountant access.
// It never holds a secret.
type delegateForm struct {
	Name     string
	Username string
	Phone    phone.New
	Field    string // the field a refusal is about, for focus and aria-invalid
}

// delegateRefusal is a problem with what the member typed, shown next to
// the form; Field names the input.
type delegateRefusal struct {
	Field   string
	Message string
}

func (e *delegateRefusal) Error() string { return "web: delegate refused: " + e.Message }

// newDelegate is the accountant's access just made, shown once.
type newDelegate struct {
	Delegate   *institution.Delegate
	Username   string
	Phone      string // masked
	Temporary  string // the temporary password: on the result page only, never logged
	Expires    time.Time
	ValidHours int // how long the temporary password works, rounded
}

// addDelegate creates restricted, read-only access for the member's
// accountant: a sign-in of its own in the members' realm, the accountant's
// phone for codes, and the delegate record, in one transaction with the
// audit event; then a temporary password, which the engine issues in its
// own transaction. Should that last step fail, the delegate is revoked and
// its sign-in disabled, so nothing half-made can sign in.
func (s *site) addDelegate(ctx context.Context, me *signedIn, f delegateForm, m auth.Meta) (*newDelegate, error) {
	if s.app.Policy.TempPasswordFormula != policy.Random {
		// A formula password is derived from the member's facts, which an
		// accountant's sign-in does not have (and should not share).
		return nil, &pageError{Status: http.StatusConflict, Title: "Not available online",
			Message: fmt.Sprintf("Accountant access cannot be set up online at this bank. Call us at %s.", s.app.Info.Phone),
			Next:    "/settings/delegates", NextLabel: "Back to accountant access"}
	}
	name := strings.Join(strings.Fields(f.Name), " ")
	switch {
	case name == "":
		return nil, &delegateRefusal{Field: "name", Message: "Give your accountant's name, so you can tell their access apart."}
	case len(name) > 80:
		return nil, &delegateRefusal{Field: "name", Message: "Use at most 80 characters for the name."}
	}
	personal, err := s.personalOf(ctx, me.Member)
	if err != nil {
		return nil, err
	}
	if problems := password.CheckUsername(f.Username, personal); len(problems) > 0 {
		return nil, &delegateRefusal{Field: "username", Message: problems[0].Message}
	}
	if f.Phone.Kind != phone.Mobile && f.Phone.Kind != phone.Landline {
		return nil, &delegateRefusal{Field: "kind", Message: "Say whether the accountant's phone is a mobile or a landline."}
	}
	f.Phone.Role = phone.Primary
	nd := &newDelegate{}
	err = s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		a, err := account.Create(ctx, tx, bankapp.MemberRealm, f.Username, s.now())
		if errors.Is(err, store.ErrConflict) {
			return &delegateRefusal{Field: "username", Message: "That username is taken. Choose another."}
		} else if err != nil {
			return err
		}
		ph, err := phone.Add(ctx, tx, s.app.Phones, a.ID, f.Phone, s.now())
		if err != nil {
			if msg, field := phoneRefusal(err); msg != "" {
				if field == "" || field == "channel" || field == "role" || field == "label" {
					field = "number"
				}
				return &delegateRefusal{Field: field, Message: msg}
			}
			return err
		}
		d := &institution.Delegate{MemberID: me.Member.ID, SecurityAccountID: a.ID, Name: name}
		if err := institution.AddDelegate(ctx, tx, d, s.now()); err != nil {
			return err
		}
		nd.Delegate, nd.Username, nd.Phone = d, a.Username, ph.Masked()
		return s.audit(ctx, tx, me.Account.ID, "delegate.added", m, map[string]string{"name": name, "username": a.Username, "phone": ph.Masked()})
	})
	if err != nil {
		return nil, err
	}
	// The member, not staff, issues it: the audit's actor is their sign-in.
	pw, expires, err := s.app.Members.IssueTemporaryPassword(ctx, nd.Delegate.SecurityAccountID, me.subject(), temppass.Facts{}, false, m)
	if err != nil {
		if rerr := s.revokeDelegate(ctx, me, nd.Delegate, m); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return nil, fmt.Errorf("web: the delegate's temporary password: %w", err)
	}
	nd.Temporary, nd.Expires = pw, expires
	nd.ValidHours = int(expires.Sub(s.now()).Round(time.Hour) / time.Hour)
	return nd, nil
}

// revokeDelegate ends a delegate's access for good: the record is revoked,
// its sign-in disabled and every session it has ended, with the audit
// event, in one transaction.
func (s *site) revokeDelegate(ctx context.Context, me *signedIn, d *institution.Delegate, m auth.Meta) error {
	return s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := institution.RevokeDelegate(ctx, tx, me.Member.ID, d.ID, s.now()); err != nil {
			return err
		}
		if err := account.SetDisabled(ctx, tx, d.SecurityAccountID, s.now()); err != nil {
			return err
		}
		if _, err := session.DestroyAllForAccount(ctx, tx, d.SecurityAccountID, 0); err != nil {
			return err
		}
		return s.audit(ctx, tx, me.Account.ID, "delegate.revoked", m, map[string]string{"name": d.Name})
	})
}

// delegatesOf lists the signed-in member's delegates, active and revoked.
func (s *site) delegatesOf(r *http.Request, me *signedIn) ([]*institution.Delegate, error) {
	return institution.Delegates(r.Context(), s.app.DB.Reader(), me.Member.ID)
}
