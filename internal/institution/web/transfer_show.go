package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// transferForm is the data of the transfer form.
type transferForm struct {
	From     []accountRow
	To       []accountRow
	Kind     string
	FromID   int64
	ToID     int64
	Routing  string
	Number   string
	Name     string
	Amount   string
	Memo     string
	Problems []string
}

// transferShow is the transfer form: between the member's own accounts, or
// to another bank by ACH or wire.
func (s *site) transferShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	return s.renderTransfer(w, r, me, transferForm{Kind: string(institution.Internal)}, http.StatusOK)
}

func (s *site) renderTransfer(w http.ResponseWriter, r *http.Request, me *signedIn, f transferForm, status int) error {
	accts, err := institution.Accounts(r.Context(), s.app.DB.Reader(), me.Member.ID)
	if err != nil {
		return err
	}
	f.From, f.To = nil, nil
	for _, a := range accts {
		if a.Closed() {
			continue
		}
		if a.Type != institution.CreditCard {
			f.From = append(f.From, rowOf(a))
		}
		f.To = append(f.To, rowOf(a))
	}
	v := s.newView(r, "Transfer money")
	v.Nav = "transfer"
	v.Data = f
	return s.render(w, status, "transfer", v)
}
