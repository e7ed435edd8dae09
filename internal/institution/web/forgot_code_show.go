package web

import (
	"net/http"
)

// forgotCodeShow asks for a PIN by text to the member's primary mobile,
// with "more options" for every phone and channel (S14).
func (s *site) forgotCodeShow(w http.ResponseWriter, r *http.Request) error {
	ff, err := s.loadForgot(r, forgotStepCode)
	if err != nil {
		return err
	}
	return s.renderForgotCode(w, r, ff, choiceOf(r), http.StatusOK, "")
}

func (s *site) renderForgotCode(w http.ResponseWriter, r *http.Request, ff *forgotFlow, c verifyChoice, status int, msg string) error {
	ctx := r.Context()
	a, m, err := s.forgotAccount(ctx, ff)
	if err != nil {
		return err
	}
	ms, err := s.recoveryMethods(ctx, a)
	if err != nil {
		return err
	}
	p, err := s.buildVerifyPage(ctx, a, m, ms, c)
	if err != nil {
		return err
	}
	p.Flow, p.Action, p.SendAction, p.Page = ff.ID, "/forgot/code", "/forgot/code/send", "/forgot/code"
	p.Why = []string{"You answered your security questions. To finish, we send a code to a phone you gave us."}
	v := s.newView(r, "Confirm it's you")
	v.Error = msg
	v.Data = p
	return s.render(w, status, "login_verify", v)
}
