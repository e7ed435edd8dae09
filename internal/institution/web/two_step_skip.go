package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// twoStepSkip is "skip for now" (S17), which the engine refuses from the
// mandatory date on.
func (s *site) twoStepSkip(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepTwoStep)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	if lf.State.Enrol != risk.EnrolOffer {
		return s.renderTwoStep(w, r, lf, a, 0, http.StatusForbidden, "Two-step sign-in is now required and can no longer be skipped.")
	}
	if err := s.app.Members.SetTwoFactor(ctx, a, false, s.meta(r)); err != nil {
		return s.renderTwoStep(w, r, lf, a, 0, http.StatusForbidden, "Two-step sign-in is now required and can no longer be skipped.")
	}
	if err := s.advanceLogin(ctx, lf); err != nil {
		return err
	}
	return s.proceed(w, r, lf)
}
