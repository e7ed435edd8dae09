package console

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

// maxReason is the longest reason for an access code (otp keeps 200).
const maxReason = 200

// memberAccessCode issues a one-time access code (S16) for a member who
// lost their phone: it stands in for the second factor once, for the
// policy's time (at most 24 hours), and replaces any earlier unused code.
// The code is shown on this response only.
func (c *Console) memberAccessCode(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := c.enrolledMember(r)
	if err != nil {
		return err
	}
	if err := identityVerified(r); err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	switch {
	case reason == "":
		return badRequest("Say why the member needs an access code (for example: lost phone, identity checked by callback).")
	case utf8.RuneCountInString(reason) > maxReason:
		return badRequest("Keep the reason to 200 characters.")
	}
	code, expires, err := c.app.Members.IssueAccessCode(ctx, m.SecurityAccountID, staffFrom(ctx).SecurityAccountID, reason, meta(r))
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "secret.html", &view{Title: "One-time access code", Nav: "members", Data: secretPage{
		Member: m, Kind: "access_code", Secret: code, Expires: expires, ValidFor: expires.Sub(c.app.Clock.Now()), Reason: reason,
	}})
}
