package console

import "net/http"

// memberQuestionsDelete deletes the member's security questions (S11):
// the member sets new ones at the next sign-in.
func (c *Console) memberQuestionsDelete(w http.ResponseWriter, r *http.Request) error {
	m, err := c.enrolledMember(r)
	if err != nil {
		return err
	}
	if err := identityVerified(r); err != nil {
		return err
	}
	if err := c.app.Members.DeleteQuestions(r.Context(), m.SecurityAccountID, actor(staffFrom(r.Context())), meta(r)); err != nil {
		return err
	}
	return redirect(w, r, memberURL(m, "questions_deleted", "signin"))
}
