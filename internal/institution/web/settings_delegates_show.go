package web

import (
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// delegatesPage is the data of the accountant access page.
type delegatesPage struct {
	Delegates []delegateRow
	Form      delegateForm
}

// delegateRow is one delegate as the member sees it.
type delegateRow struct {
	ID        int64
	Name      string
	Username  string
	CreatedAt time.Time
	RevokedAt time.Time
}

// settingsDelegatesShow lists the member's delegates (restricted,
// read-only access for their accountant, with its own sign-in and phone)
// with a form to add one and a button to revoke each.
func (s *site) settingsDelegatesShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	return s.renderDelegates(w, r, me, delegateForm{}, http.StatusOK, "", "")
}

func (s *site) renderDelegates(w http.ResponseWriter, r *http.Request, me *signedIn, form delegateForm, status int, notice, msg string) error {
	ctx := r.Context()
	q := s.app.DB.Reader()
	list, err := s.delegatesOf(r, me)
	if err != nil {
		return err
	}
	p := delegatesPage{Form: form}
	for _, d := range list {
		a, err := account.Get(ctx, q, d.SecurityAccountID)
		if err != nil {
			return err
		}
		p.Delegates = append(p.Delegates, delegateRow{ID: d.ID, Name: d.Name, Username: a.Username, CreatedAt: d.CreatedAt, RevokedAt: d.RevokedAt})
	}
	v := s.newView(r, "Accountant access")
	v.Nav, v.Notice, v.Error = "settings", notice, msg
	v.Data = p
	return s.render(w, status, "delegates", v)
}
