package web

import "net/http"

// settingsPhonesShow lists the member's phones (S13) with forms to add and
// remove them.
func (s *site) settingsPhonesShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	return s.renderSettingsPhones(w, r, me, nil, http.StatusOK, "", "")
}

func (s *site) renderSettingsPhones(w http.ResponseWriter, r *http.Request, me *signedIn, form *phonesPage, status int, notice, msg string) error {
	p, err := s.newPhonesPage(r.Context(), me.Account.ID)
	if err != nil {
		return err
	}
	if form != nil {
		p.Form, p.Field = form.Form, form.Field
	}
	p.Add, p.Remove = "/settings/phones", "/settings/phones/"
	v := s.newView(r, "Your phone numbers")
	v.Nav, v.Notice, v.Error = "settings", notice, msg
	v.Data = p
	return s.render(w, status, "phones", v)
}
