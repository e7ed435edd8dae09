package web

import "net/http"

// enrolPhoneAdd adds a phone during enrolment; the step stays open for
// another.
func (s *site) enrolPhoneAdd(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepPhones)
	if err != nil {
		return err
	}
	ctx := r.Context()
	n := phoneOf(r)
	if _, err := s.addPhone(ctx, ef.AccountID, n, s.meta(r)); err != nil {
		msg, field := phoneRefusal(err)
		if msg == "" {
			return err
		}
		p, perr := s.newPhonesPage(ctx, ef.AccountID)
		if perr != nil {
			return perr
		}
		p.Flow, p.Add, p.Done, p.Form, p.Field = ef.ID, "/enrol/phones", "/enrol/phones/done", n, field
		v := s.newView(r, "Your phone numbers")
		v.Error = msg
		v.Data = p
		return s.render(w, http.StatusUnprocessableEntity, "phones", v)
	}
	return redirect(w, r, ef.url("/enrol/phones"))
}
