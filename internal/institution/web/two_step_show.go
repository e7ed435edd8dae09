package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// twoStepPage is the data of the two-step enrolment prompt (S17).
type twoStepPage struct {
	Flow          string
	Mobiles       []phoneOption
	Sent          *phone.Phone
	CanSkip       bool
	MandatoryFrom time.Time
	CodeMinutes   int
}

// twoStepShow offers two-step sign-in to a member who has not set it up:
// a code by text to their mobile whenever we need to confirm it's them.
// "Skip for now" is offered until the policy's mandatory date.
func (s *site) twoStepShow(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepTwoStep)
	if err != nil {
		return err
	}
	a, err := account.Get(r.Context(), s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	sent, _ := strconv.ParseInt(r.URL.Query().Get("sent"), 10, 64)
	return s.renderTwoStep(w, r, lf, a, sent, http.StatusOK, "")
}

func (s *site) renderTwoStep(w http.ResponseWriter, r *http.Request, lf *loginFlow, a *account.Account, sent int64, status int, msg string) error {
	phones, err := phone.List(r.Context(), s.app.DB.Reader(), a.ID)
	if err != nil {
		return err
	}
	p := twoStepPage{Flow: lf.ID, CanSkip: lf.State.Enrol == risk.EnrolOffer, MandatoryFrom: s.app.Members.Policy().Risk.TwoFactorMandatoryFrom,
		CodeMinutes: int(s.app.Members.Policy().CodeTTL.Minutes())}
	for _, ph := range phones {
		if s.app.Phones.CheckChannel(ph, phone.SMS) != nil {
			continue
		}
		p.Mobiles = append(p.Mobiles, phoneOption{PhoneID: ph.ID, Channel: phone.SMS, Label: ph.Masked() + roleNote(ph)})
		if ph.ID == sent {
			p.Sent = ph
		}
	}
	v := s.loginView(r, lf, "Set up two-step sign-in")
	v.Error = msg
	v.Data = p
	return s.render(w, status, "two_step", v)
}
