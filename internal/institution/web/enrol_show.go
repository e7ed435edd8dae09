package web

import (
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
)

// enrolForm is the data of the enrolment pages.
type enrolForm struct {
	Flow    string
	Number  string
	Last    string
	Phone   string // the phone on file, masked
	Email   string // the email on file, masked
	SentTo  string
	Channel string
	Hours   int
}

// enrolShow starts a first-time enrolment (S7): the member identifies
// themselves with facts the institution has on file.
func (s *site) enrolShow(w http.ResponseWriter, r *http.Request) error {
	sess, ok := sessionOf(r)
	if ok && sess.Authenticated() {
		return redirect(w, r, "/")
	}
	if !ok {
		var err error
		if sess, err = s.app.MemberSessions.Start(w, r, s.app.DB.Writer(), session.Params{Area: session.AreaSecurity}); err != nil {
			return fmt.Errorf("web: start a session: %w", err)
		}
	}
	f, err := flow.Start(r.Context(), s.app.DB.Writer(), flow.Params{
		Kind: enrolKind, SessionID: sess.ID, Steps: enrolSteps(), TTL: s.app.Members.Policy().ActivationCodeTTL,
	}, s.now())
	if err != nil {
		return fmt.Errorf("web: start an enrolment: %w", err)
	}
	v := s.newView(r, "Set up online banking")
	v.Data = enrolForm{Flow: f.ID}
	return s.render(w, http.StatusOK, "enrol", v)
}
