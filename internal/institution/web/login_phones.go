package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// loginPhones records that the member confirmed their phones (S10); a
// number that is wrong is changed in the settings once signed in.
func (s *site) loginPhones(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepPhones)
	if err != nil {
		return err
	}
	if err := phone.MarkCollected(r.Context(), s.app.DB.Writer(), lf.AccountID, s.now()); err != nil {
		return err
	}
	if err := s.advanceLogin(r.Context(), lf); err != nil {
		return err
	}
	return s.proceed(w, r, lf)
}
