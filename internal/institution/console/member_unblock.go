package console

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/lockout"
)

// memberUnblock reopens a sign-in method the member blocked with three
// failures (S4), through the members' engine, which audits it.
func (c *Console) memberUnblock(w http.ResponseWriter, r *http.Request) error {
	m, err := c.enrolledMember(r)
	if err != nil {
		return err
	}
	method := lockout.Method(r.PostFormValue("method"))
	if _, ok := knownMethod(method); !ok {
		return badRequest("Choose a sign-in method to unblock.")
	}
	if err := c.app.Members.Unblock(r.Context(), m.SecurityAccountID, method, actor(staffFrom(r.Context())), meta(r)); err != nil {
		return err
	}
	return redirect(w, r, memberURL(m, "unblocked", "signin"))
}
