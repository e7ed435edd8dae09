package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// loginVerify checks the member's answer to the step-up: the code, the
// answers, or the access code. Wrong ones say how many attempts are left;
// a method that becomes blocked is no longer offered (S4).
func (s *site) loginVerify(w http.ResponseWriter, r *http.Request) error {
	lf, err := s.loadLogin(r, stepVerify)
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := account.Get(ctx, s.app.DB.Reader(), lf.AccountID)
	if err != nil {
		return err
	}
	ms, err := s.loginMethods(r, lf, a)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("phone"), 10, 64)
	c := verifyChoice{Via: r.PostFormValue("via"), PhoneID: id, Channel: phone.Channel(r.PostFormValue("channel")), Sent: true}
	if !ms.Has(c.method()) {
		return s.renderLoginVerify(w, r, lf, a, verifyChoice{Via: viaOptions}, http.StatusUnprocessableEntity, "That way of confirming it's you is not available. Choose another.")
	}
	meta := s.meta(r)
	passed := loginState{}
	switch c.Via {
	case viaPIN, viaCallback:
		err = s.app.Members.VerifyCode(ctx, a, lf.ID, "login", r.PostFormValue("code"), meta)
		passed.Factor = string(c.Channel)
		if c.Via == viaCallback {
			passed.Factor = viaCallback
		}
	case viaQuestions:
		err = s.app.Members.AnswerQuestions(ctx, a, answersOf(r), meta)
		passed.QuestionsOK = true
	case viaAccessCode:
		err = s.app.Members.RedeemAccessCode(ctx, a, r.PostFormValue("code"), meta)
		passed.Factor = viaAccessCode
	}
	if err != nil {
		msg := codeRefusal(err)
		if msg == "" {
			msg = answerRefusal(err)
		}
		if errors.Is(err, auth.ErrQuestionsBlocked) {
			msg = "Your security questions are now blocked after three wrong answers. Choose another way to confirm it's you."
		}
		if msg == "" {
			return err
		}
		if errors.Is(err, auth.ErrPINBlocked) || errors.Is(err, auth.ErrMethodBlocked) || errors.Is(err, auth.ErrQuestionsBlocked) {
			c = verifyChoice{Via: viaOptions}
		}
		if c.Via == viaQuestions {
			c.Sent = false
		}
		return s.renderLoginVerify(w, r, lf, a, c, http.StatusUnauthorized, msg)
	}
	if passed.QuestionsOK {
		lf.State.QuestionsOK, lf.State.QuestionsStepUp = true, true
	} else {
		lf.State.Factor = passed.Factor
	}
	if err := s.advanceLogin(ctx, lf); err != nil {
		return err
	}
	return s.proceed(w, r, lf)
}
