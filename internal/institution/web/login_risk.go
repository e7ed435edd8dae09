package web

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/store"
)

// assessLogin asks the risk engine about the login (S17–S21): the device
// from its cookie, the member's layered controls, the place and the
// history. A refusal ends the session and says why (the engine has left a
// message in the member's message center); otherwise the plan is saved in
// the flow and the login moves on.
func (s *site) assessLogin(w http.ResponseWriter, r *http.Request, lf *loginFlow, a *account.Account) error {
	ctx := r.Context()
	meta := s.meta(r)
	dev, err := s.app.Devices.Recognise(ctx, s.app.DB.Reader(), r, a.ID)
	switch {
	case err == nil:
		meta.DeviceKnown, meta.DeviceRegistered = true, dev.Registered
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	p, err := signin.Assess(ctx, s.app, a, meta)
	if err != nil {
		return err
	}
	if p.Deny {
		return s.deny(w, r, p.Reasons, "Sign-in refused")
	}
	st := &lf.State
	st.DeviceKnown, st.DeviceRegistered = meta.DeviceKnown, meta.DeviceRegistered
	st.StepUp, st.Question, st.QuestionsStepUp, st.Enrol, st.Reasons = p.StepUp, p.Question, p.QuestionsStepUp, p.Enrol, p.Reasons
	if err := s.advanceLogin(ctx, lf); err != nil {
		return err
	}
	return s.proceed(w, r, lf)
}

// denied is the data of the refusal page.
type denied struct {
	Messages []string
}

// deny ends the session (and with it the flow) and shows why.
func (s *site) deny(w http.ResponseWriter, r *http.Request, reasons []string, title string) error {
	if err := s.app.MemberSessions.Destroy(w, r, s.app.DB.Writer()); err != nil {
		return err
	}
	var d denied
	for _, code := range reasons {
		d.Messages = append(d.Messages, signin.DenialMessage(code))
	}
	if len(d.Messages) == 0 {
		d.Messages = []string{signin.DenialMessage("")}
	}
	v := s.newView(r, title)
	v.Data = d
	return s.render(w, http.StatusForbidden, "denied", v)
}
