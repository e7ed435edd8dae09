package web

import (
	"net/http"
	"slices"

	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// loginVerifyShow is the challenge of a step-up (S14–S18): a PIN by text to
// the primary mobile first, with "more options" listing every phone and
// channel (landlines take calls only), the questions, the call-back and an
// access code from staff. Blocked methods are not offered.
func (s *site) loginVerifyShow(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepVerify)
	if err != nil {
		return err
	}
	a, err := account.Get(r.Context(), s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	return s.renderLoginVerify(w, r, lf, a, choiceOf(r), http.StatusOK, "")
}

// loginMethods is what the member can pass this login's step-up with: the
// questions count once, so a member who answered them is not asked again.
func (s *site) loginMethods(r *http.Request, lf *loginFlow, a *account.Account) (signin.Methods, error) {
	ms, err := signin.StepUpMethods(r.Context(), s.app, a)
	if err != nil {
		return ms, err
	}
	if lf.State.QuestionsOK {
		ms.Methods = slices.DeleteFunc(ms.Methods, func(m risk.Method) bool { return m == risk.MethodQuestions })
	}
	return ms, nil
}

func (s *site) renderLoginVerify(w http.ResponseWriter, r *http.Request, lf *loginFlow, a *account.Account, c verifyChoice, status int, msg string) error {
	ctx := r.Context()
	ms, err := s.loginMethods(r, lf, a)
	if err != nil {
		return err
	}
	if len(ms.Methods) == 0 {
		return s.deny(w, r, []string{risk.ReasonNoStepUpMethod}, "Sign-in refused")
	}
	m, _, err := signin.MemberOfAccount(ctx, s.app, a.ID)
	if err != nil {
		return err
	}
	p, err := s.buildVerifyPage(ctx, a, m, ms, c)
	if err != nil {
		return err
	}
	p.Flow, p.Action, p.SendAction, p.Page = lf.ID, "/login/verify", "/login/verify/send", "/login/verify"
	p.Why = whyText(lf.State.Reasons)
	v := s.loginView(r, lf, "Confirm it's you")
	v.Error = msg
	if lf.State.Notice == "questions_blocked" && msg == "" {
		v.Notice = "Your security questions are blocked after three wrong answers. Choose another way to confirm it's you, or call us to unblock them."
	}
	v.Data = p
	return s.render(w, status, "login_verify", v)
}
