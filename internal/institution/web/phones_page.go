package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// phonesPage is the data of a page listing the member's phones with a form
// to add one (S13), at enrolment and in the settings.
type phonesPage struct {
	Flow   string
	Add    string // the form that adds a phone
	Remove string // the prefix of a phone's remove form; "" for none
	Done   string // the form that carries on; "" for none
	Phones []*phone.Phone
	Max    int
	Full   bool
	Form   phone.New
	Field  string // the field a refusal is about
}

func (s *site) newPhonesPage(ctx context.Context, accountID int64) (phonesPage, error) {
	phones, err := phone.List(ctx, s.app.DB.Reader(), accountID)
	if err != nil {
		return phonesPage{}, err
	}
	p := phonesPage{Phones: phones, Max: s.app.Phones.MaxPhones, Form: phone.New{Kind: phone.Mobile}}
	p.Full = len(phones) >= p.Max
	p.Form.Role = phone.Primary
	for _, ph := range phones {
		if ph.Role == phone.Primary {
			p.Form.Role = phone.Recovery
		}
	}
	for _, ph := range phones {
		if ph.Role == phone.Recovery && p.Form.Role == phone.Recovery {
			p.Form.Role = phone.Other
		}
	}
	return p, nil
}

// phoneOf reads the add-a-phone form.
func phoneOf(r *http.Request) phone.New {
	return phone.New{Number: trimmed(r, "number"), Kind: phone.Kind(r.PostFormValue("kind")), Role: phone.Role(r.PostFormValue("role")), Label: trimmed(r, "label")}
}

// phoneRefusal is the message of a refused phone; "" when err is not a
// refusal. Several refusals come joined; the first is shown.
func phoneRefusal(err error) (string, string) {
	var fe *phone.FieldError
	if errors.As(err, &fe) {
		return fe.Message + ".", fe.Field
	}
	return "", ""
}
