package web

import "net/http"

// settingsPhoneAdd adds a phone; the change reaches the message center.
func (s *site) settingsPhoneAdd(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	n := phoneOf(r)
	ph, err := s.addPhone(r.Context(), me.Account.ID, n, s.meta(r))
	if err != nil {
		msg, field := phoneRefusal(err)
		if msg == "" {
			return err
		}
		return s.renderSettingsPhones(w, r, me, &phonesPage{Form: n, Field: field}, http.StatusUnprocessableEntity, "", msg)
	}
	return s.renderSettingsPhones(w, r, me, nil, http.StatusOK, "We added "+ph.Masked()+".", "")
}
