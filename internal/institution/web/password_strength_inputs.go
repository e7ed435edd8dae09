package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// strengthInputs are the member's own details a password is scored
// against: the signed-in member's, or those of the member a flow of this
// session is about (an enrolment, or a login changing a temporary
// password).
func (s *site) strengthInputs(r *http.Request, flowID string) ([]string, error) {
	ctx := r.Context()
	sess, ok := sessionOf(r)
	if !ok {
		return nil, nil
	}
	var m *institution.Member
	var username string
	switch {
	case sess.Authenticated():
		me, err := s.loadSignedIn(ctx, sess)
		if err != nil {
			return nil, err
		}
		m, username = me.Member, me.Account.Username
	case flowID != "":
		f, err := flow.Get(ctx, s.app.DB.Reader(), flowID, sess.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var st struct {
			MemberID int64  `json:"member_id"`
			Username string `json:"username"`
		}
		_ = json.Unmarshal(f.State, &st)
		username = st.Username
		switch {
		case st.MemberID != 0:
			m, err = institution.GetMember(ctx, s.app.DB.Reader(), st.MemberID)
		case f.AccountID != 0:
			m, _, err = signin.MemberOfAccount(ctx, s.app, f.AccountID)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	inputs := []string{username}
	if m != nil {
		p, err := s.personalOf(ctx, m)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, p.FirstName, p.LastName, p.Email)
		inputs = append(inputs, p.AccountNumbers...)
	}
	return inputs, nil
}
