package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// First-time enrolment by activation code (S7) is one flow (S25): the
// member proves who they are with facts on file and a code sent to a phone
// or address on file, then sets up the sign-in step by step.
const (
	enrolKind         = "enrolment"
	enrolStepIdentify = "identify"  // member number and last name
	enrolStepDeliver  = "deliver"   // text or email
	enrolStepCode     = "code"      // the activation code, valid 24 hours
	enrolStepUsername = "username"  // S1
	enrolStepPassword = "password"  // S2, with the strength meter
	enrolStepQuestion = "questions" // S8
	enrolStepPhones   = "phones"    // S13
	enrolStepImage    = "watermark" // S22
	enrolStepDone     = "done"
)

func enrolSteps() []string {
	return []string{enrolStepIdentify, enrolStepDeliver, enrolStepCode, enrolStepUsername, enrolStepPassword,
		enrolStepQuestion, enrolStepPhones, enrolStepImage, enrolStepDone}
}

// enrolPage is the page of an enrolment step.
func enrolPage(step string) string {
	if step == enrolStepIdentify {
		return "/enrol"
	}
	return "/enrol/" + step
}

// activationRealm holds one placeholder sign-in per member who asked for an
// activation code: one-time codes belong to a sign-in, and the member's
// own is only created when they choose a username, after the code. Nobody
// can sign in to this realm.
const activationRealm = "institution-activation"

// enrolState is what the enrolment has learned; nothing secret.
type enrolState struct {
	MemberID     int64  `json:"member_id"`
	ActivationID int64  `json:"activation_id,omitempty"`
	Channel      string `json:"channel,omitempty"`
	SentTo       string `json:"sent_to,omitempty"` // masked
	Username     string `json:"username,omitempty"`
}

type enrolFlow struct {
	*flow.Flow
	State enrolState
}

func (ef *enrolFlow) url(page string) string { return page + "?flow=" + url.QueryEscape(ef.ID) }

func staleEnrol(err error) error {
	return &pageError{Status: http.StatusConflict, Title: "Start setting up again",
		Message: "This step was already used, has expired, or belongs to another window. For your security each step works once. Start again to set up online banking.",
		Next:    "/enrol", NextLabel: "Start again", Err: err}
}

func (s *site) loadEnrol(r *http.Request, step string) (*enrolFlow, error) {
	ef := &enrolFlow{}
	f, err := s.openFlow(r, enrolKind, &ef.State, staleEnrol)
	if err != nil {
		return nil, err
	}
	ef.Flow = f
	if err := f.At(step, s.now()); err != nil {
		if r.Method == http.MethodGet && errors.Is(err, flow.ErrWrongStep) && f.Step() != enrolStepDone {
			return nil, &goTo{URL: ef.url(enrolPage(f.Step()))}
		}
		return nil, staleEnrol(err)
	}
	return ef, nil
}

func (s *site) advanceEnrol(ctx context.Context, q store.Querier, ef *enrolFlow, opts ...flow.Option) error {
	f, err := s.advanceFlow(ctx, q, ef.Flow, ef.State, staleEnrol, opts...)
	if err != nil {
		return err
	}
	ef.Flow = f
	return nil
}

// enrolView is the view of an enrolment page.
func (s *site) enrolView(r *http.Request, title string) *view {
	return s.newView(r, title)
}

// enrolMember is the member the enrolment is for.
func (s *site) enrolMember(ctx context.Context, ef *enrolFlow) (*institution.Member, error) {
	return institution.GetMember(ctx, s.app.DB.Reader(), ef.State.MemberID)
}

// activationAccount is the member's placeholder sign-in for activation
// codes, created the first time they ask for one.
func (s *site) activationAccount(ctx context.Context, m *institution.Member) (*account.Account, error) {
	name := "member " + m.Number
	a, err := account.ByUsername(ctx, s.app.DB.Reader(), activationRealm, name)
	if !errors.Is(err, store.ErrNotFound) {
		return a, err
	}
	a, err = account.Create(ctx, s.app.DB.Writer(), activationRealm, name, s.now())
	if errors.Is(err, store.ErrConflict) { // created meanwhile by another window
		return account.ByUsername(ctx, s.app.DB.Reader(), activationRealm, name)
	}
	return a, err
}

// maskEmail shows enough of an address to recognise it: a••••@example.com.
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "••••"
	}
	return local[:1] + "••••@" + domain
}
