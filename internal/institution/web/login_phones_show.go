package web

import (
	"context"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// phonesDue says whether a phone of the member has not been confirmed for
// the policy's re-collection period (S10: "numbers and challenge questions
// are recollected every 180 days").
func (s *site) phonesDue(ctx context.Context, accountID int64) (bool, error) {
	every := s.app.Members.Policy().RecollectEvery
	if every <= 0 {
		return false, nil
	}
	phones, err := phone.List(ctx, s.app.DB.Reader(), accountID)
	if err != nil {
		return false, err
	}
	for _, ph := range phones {
		if !s.now().Before(ph.CollectedAt.Add(every)) {
			return true, nil
		}
	}
	return false, nil
}

// loginPhonesShow asks the member to confirm the phones on file, which are
// due for re-collection (S10).
func (s *site) loginPhonesShow(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepPhones)
	if err != nil {
		return err
	}
	phones, err := phone.List(r.Context(), s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	v := s.loginView(r, lf, "Confirm your phone numbers")
	v.Data = phonesPage{Flow: lf.ID, Phones: phones, Done: "/login/phones", Full: true}
	return s.render(w, http.StatusOK, "login_phones", v)
}
