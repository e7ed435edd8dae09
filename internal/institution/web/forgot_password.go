package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session/flow"
)

// forgotPassword sets the new password through the engine (the policy's
// rules, not the old password, every other session ended) and completes
// the reset. The member is not signed in: they sign in with the new
// password, through the usual checks.
func (s *site) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, forgotStepPassword)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, m, err := s.forgotAccount(ctx, ff)
	if err != nil {
		return err
	}
	if err := s.passwordStillBlocked(ctx, a); err != nil {
		return err
	}
	form := passwordForm{Flow: ff.ID, Action: "/forgot/password", Rules: s.ruleText(a)}
	pw := r.PostFormValue("password")
	personal, err := s.personalOf(ctx, m)
	if err != nil {
		return err
	}
	if pw != r.PostFormValue("confirm") {
		form.Problems = []string{"The two passwords are not the same. Type the new password twice."}
	} else {
		form.Problems = problemTexts(s.app.Members.CheckNewPassword(ctx, a, pw, personal))
	}
	if len(form.Problems) > 0 {
		v := s.newView(r, "Choose a new password")
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "password_change", v)
	}
	// Complete the flow before changing anything: of two windows submitting
	// at once, exactly one gets past this compare-and-set (S25).
	if _, err := flow.Complete(ctx, s.app.DB.Writer(), ff.ID, ff.SessionID, forgotStepPassword, s.now()); err != nil {
		return staleForgot(err)
	}
	problems, err := s.app.Members.ChangePassword(ctx, a.ID, pw, personal, s.meta(r))
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		// Only a change made meanwhile from elsewhere can land here; the
		// flow is spent, so the member starts again.
		form.Problems = append(problemTexts(problems), "Start again from “Forgot your password?” to choose another one.")
		v := s.newView(r, "Choose a new password")
		v.Data = form
		return s.render(w, http.StatusUnprocessableEntity, "password_change", v)
	}
	v := s.newView(r, "Your password was changed")
	return s.render(w, http.StatusOK, "forgot_done", v)
}
