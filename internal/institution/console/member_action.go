package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
)

// enrolledMember is the member a member-service action is for; actions on
// a sign-in need one.
func (c *Console) enrolledMember(r *http.Request) (*institution.Member, error) {
	id, err := pathID(r, "member")
	if err != nil {
		return nil, err
	}
	m, err := institution.GetMember(r.Context(), c.app.DB.Reader(), id)
	if err != nil {
		return nil, err
	}
	if !m.Enrolled() {
		return nil, errNotEnrolled
	}
	return m, nil
}

// identityVerified refuses an action that hands over access unless the
// employee confirmed they verified the member's identity first, as the
// institution's procedures require (the seed: "first following credit
// union policies").
func identityVerified(r *http.Request) error {
	if r.PostFormValue("identity_verified") != "yes" {
		return badRequest("Confirm that you verified the member's identity before doing this. Go back and tick the box.")
	}
	return nil
}

// memberURL is the member page, with a notice of what was just done.
func memberURL(m *institution.Member, notice, anchor string) string {
	u := fmt.Sprintf("/staff/members/%d", m.ID)
	if notice != "" {
		u += "?notice=" + notice
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

// secretPage hands a temporary password or an access code to the employee,
// once: it is not stored in a readable form, and no other page shows it.
type secretPage struct {
	Member     *institution.Member
	Kind       string // "password" or "access_code"
	Secret     string
	Expires    time.Time
	ValidFor   time.Duration
	Reason     string
	MustChange bool
}
