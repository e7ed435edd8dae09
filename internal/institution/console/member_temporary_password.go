package console

import (
	"net/http"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/temppass"
)

// memberTemporaryPassword resets the member's password to a temporary one
// (S5) made by the policy's formula, valid for the policy's time (24 hours
// in the seed; the new-membership time when asked), which the member must
// change at first sign-in. It also reopens a blocked password. The
// password is shown on this response only.
func (c *Console) memberTemporaryPassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	m, err := c.enrolledMember(r)
	if err != nil {
		return err
	}
	if err := identityVerified(r); err != nil {
		return err
	}
	facts := formulaFacts(m)
	formula := c.app.Members.Policy().TempPasswordFormula
	// A formula needs facts from the member's record; say which is missing
	// before anything changes. (The trial password is thrown away.)
	if _, err := temppass.Generate(formula, facts); err != nil {
		return &problem{status: http.StatusConflict, err: err,
			msg: "The institution's temporary-password formula (" + string(formula) + ") needs facts this member's record lacks: " + strings.TrimPrefix(err.Error(), "temppass: ")}
	}
	newMembership := r.PostFormValue("new_membership") == "yes"
	pw, expires, err := c.app.Members.IssueTemporaryPassword(ctx, m.SecurityAccountID, actor(staffFrom(ctx)), facts, newMembership, meta(r))
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "secret.html", &view{Title: "Temporary password", Nav: "members", Data: secretPage{
		Member: m, Kind: "password", Secret: pw, Expires: expires, ValidFor: expires.Sub(c.app.Clock.Now()), MustChange: true,
	}})
}

// formulaFacts are the member's facts the temporary-password formulas draw
// on. The bank keeps only the first and last four digits of the SSN, which
// is all the seed's formulas use; the fifth digit, which none uses, is
// filled with a zero to make the nine digits temppass expects.
func formulaFacts(m *institution.Member) temppass.Facts {
	f := temppass.Facts{BirthYear: m.BirthYear, LastName: m.LastName}
	if len(m.SSNFirst4) == 4 && len(m.SSNLast4) == 4 {
		f.SSN = m.SSNFirst4 + "0" + m.SSNLast4
	}
	return f
}
