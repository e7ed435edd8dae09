package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/otp"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// enrolSend sends the activation code by the channel the member chose, to
// what is on file (never to an address typed here), valid 24 hours (S7).
func (s *site) enrolSend(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepDeliver)
	if err != nil {
		return err
	}
	ctx := r.Context()
	m, err := s.enrolMember(ctx, ef)
	if err != nil {
		return err
	}
	channel := notify.Channel(r.PostFormValue("channel"))
	if err := s.sendActivation(r, ef, m, channel); err != nil {
		if msg := codeRefusal(err); msg != "" {
			return s.renderEnrolDeliver(w, r, ef, http.StatusUnprocessableEntity, msg)
		}
		var pe *pageError
		if errors.As(err, &pe) && pe.Status == http.StatusUnprocessableEntity {
			return s.renderEnrolDeliver(w, r, ef, pe.Status, pe.Message)
		}
		return err
	}
	if err := s.advanceEnrol(ctx, s.app.DB.Writer(), ef); err != nil {
		return err
	}
	return redirect(w, r, ef.url("/enrol/code"))
}

// sendActivation sends (or sends again) the member's activation code and
// notes where it went in the flow's state.
func (s *site) sendActivation(r *http.Request, ef *enrolFlow, m *institution.Member, channel notify.Channel) error {
	var to, masked string
	switch {
	case channel == notify.SMS && m.PhoneOnFile != "":
		to, masked = m.PhoneOnFile, (&phone.Phone{Number: m.PhoneOnFile}).Masked()
	case channel == notify.Email && m.Email != "":
		to, masked = m.Email, maskEmail(m.Email)
	default:
		return &pageError{Status: http.StatusUnprocessableEntity, Message: "Choose a text message or an email."}
	}
	a, err := s.activationAccount(r.Context(), m)
	if err != nil {
		return err
	}
	send := s.app.Members.SendActivationCode
	if channel == notify.SMS {
		send = s.sendActivationText
	}
	if err := send(r.Context(), a, ef.ID, channel, to, s.meta(r)); err != nil {
		return err
	}
	ef.State.ActivationID, ef.State.Channel, ef.State.SentTo = a.ID, string(channel), masked
	return nil
}

// sendActivationText is auth.Engine.SendActivationCode for a text message.
// The engine issues its code without a destination phone, which package otp
// requires for a text, so an activation by text fails there; until the
// engine passes one, the site issues the same code the same way (purpose
// "activation", the policy's lifetime, attempts and digits), to the phone
// on file recorded as the placeholder sign-in's phone, with the engine's
// wording and audit event. VerifyActivationCode checks it unchanged.
func (s *site) sendActivationText(ctx context.Context, a *account.Account, flowID string, _ notify.Channel, to string, m auth.Meta) error {
	pol := s.app.Members.Policy()
	phones, err := phone.List(ctx, s.app.DB.Reader(), a.ID)
	if err != nil {
		return err
	}
	var ph *phone.Phone
	for _, p := range phones {
		if p.Number == to {
			ph = p
		}
	}
	if ph == nil {
		if ph, err = phone.Add(ctx, s.app.DB.Writer(), s.app.Phones, a.ID, phone.New{Number: to, Kind: phone.Mobile, Role: phone.Other}, s.now()); err != nil {
			return fmt.Errorf("web: the phone on file: %w", err)
		}
	}
	code, _, err := s.app.Codes.Issue(ctx, s.app.DB.Writer(), otp.Issue{
		AccountID: a.ID, FlowID: flowID, Purpose: "activation", Channel: otp.SMS, PhoneID: ph.ID,
		TTL: pol.ActivationCodeTTL, MaxAttempts: pol.CodeMaxAttempts, Digits: pol.CodeDigits,
	}, s.now())
	if err != nil {
		return fmt.Errorf("web: activation code: %w", err)
	}
	name := s.app.Info.Name
	_, err = s.app.Sender.Send(ctx, notify.Message{
		Channel: notify.SMS, To: to, Subject: name + " activation code", Purpose: "activation", Sensitive: true,
		Body: fmt.Sprintf("%s: your activation code is %s. Enter it within %d hours to set up online banking.", name, code, int(pol.ActivationCodeTTL.Hours())),
	})
	if err != nil {
		return fmt.Errorf("web: send the activation code by text to %s: %w", ph.Masked(), err)
	}
	return s.audit(ctx, s.app.DB.Writer(), a.ID, "activation.sent", m, map[string]string{"channel": string(notify.SMS)})
}
