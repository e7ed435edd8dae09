package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
)

// enrolIdentify finds the member by member number and last name. The
// same refusal covers a wrong number and a wrong name.
func (s *site) enrolIdentify(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepIdentify)
	if err != nil {
		return err
	}
	ctx := r.Context()
	number, last := trimmed(r, "number"), trimmed(r, "last_name")
	refuse := func(status int, msg string) error {
		v := s.newView(r, "Set up online banking")
		v.Error = msg
		v.Data = enrolForm{Flow: ef.ID, Number: number, Last: last}
		return s.render(w, status, "enrol", v)
	}
	m, err := institution.MemberByNumber(ctx, s.app.DB.Reader(), number)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !strings.EqualFold(strings.Join(strings.Fields(m.LastName), " "), strings.Join(strings.Fields(last), " "))) {
		return refuse(http.StatusUnprocessableEntity, "We could not find a membership with that member number and last name. Check them, or call us.")
	}
	if err != nil {
		return err
	}
	if m.Enrolled() {
		return refuse(http.StatusConflict, "You are already set up for online banking. Sign in, or call us if you have forgotten your username or password.")
	}
	if m.PhoneOnFile == "" && m.Email == "" {
		return refuse(http.StatusUnprocessableEntity, "We have no phone number or email address on file to send your activation code to. Please call us.")
	}
	ef.State.MemberID = m.ID
	if err := s.advanceEnrol(ctx, s.app.DB.Writer(), ef); err != nil {
		return err
	}
	return redirect(w, r, ef.url("/enrol/deliver"))
}
