package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/account"
)

// enrolCode checks the activation code; wrong ones count (three block).
func (s *site) enrolCode(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepCode)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), ef.State.ActivationID)
	if err != nil {
		return err
	}
	if err := s.app.Members.VerifyActivationCode(ctx, a, ef.ID, r.PostFormValue("code"), s.meta(r)); err != nil {
		msg := codeRefusal(err)
		if msg == "" {
			return err
		}
		return s.renderEnrolCode(w, r, ef, http.StatusUnauthorized, msg, "")
	}
	if err := s.advanceEnrol(ctx, s.app.DB.Writer(), ef); err != nil {
		return err
	}
	return redirect(w, r, ef.url("/enrol/username"))
}
