package web

import (
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session"
)

// routes is the member site's one route table. Each page names its idle
// area (S23): login, enrolment and security screens idle out after five
// minutes, the others after fifteen; "" leaves the session's area alone
// (the idle warning's poll must not even count as a visit).
func (s *site) routes() *http.ServeMux {
	mux := http.NewServeMux()
	const sec, std, none = session.AreaSecurity, session.AreaDefault, session.Area("")
	page := func(pattern string, area session.Area, h handler) { mux.Handle(pattern, s.serve(area, h)) }
	member := func(pattern string, area session.Area, h memberHandler) { page(pattern, area, s.member(h)) }

	// Sign-in: one flow, username → password → (new password) → (question)
	// → (step-up) → (questions due) → (two-step prompt) → home.
	page("GET /login", sec, s.loginShow)
	page("POST /login", sec, s.loginUsername)
	page("GET /login/password", sec, s.loginPasswordShow)
	page("POST /login/password", sec, s.loginPassword)
	page("GET /password/change", sec, s.passwordChangeShow)
	page("POST /password/change", sec, s.passwordChange)
	page("GET /login/question", sec, s.loginQuestionShow)
	page("POST /login/question", sec, s.loginQuestion)
	page("GET /login/verify", sec, s.loginVerifyShow)
	page("POST /login/verify/send", sec, s.loginVerifySend)
	page("POST /login/verify", sec, s.loginVerify)
	page("GET /login/questions", sec, s.loginQuestionsShow)
	page("POST /login/questions", sec, s.loginQuestionsSave)
	page("GET /login/phones", sec, s.loginPhonesShow)
	page("POST /login/phones", sec, s.loginPhones)
	page("GET /login/two-step", sec, s.twoStepShow)
	page("POST /login/two-step/send", sec, s.twoStepSend)
	page("POST /login/two-step", sec, s.twoStepVerify)
	page("POST /login/two-step/skip", sec, s.twoStepSkip)
	page("POST /logout", none, s.logout)
	page("GET /logout", none, s.logoutShow)
	mux.Handle("GET /session/status", s.app.MemberSessions.StatusHandler())
	page("POST /session/stay", none, s.sessionStay)
	page("POST /password/strength", none, s.passwordStrength)

	// "Forgot your password?": one flow, username → all three questions
	// → (a PIN to a phone on file) → new password → sign in.
	page("GET /forgot", sec, s.forgotShow)
	page("POST /forgot", sec, s.forgotUsername)
	page("GET /forgot/questions", sec, s.forgotQuestionsShow)
	page("POST /forgot/questions", sec, s.forgotQuestions)
	page("GET /forgot/code", sec, s.forgotCodeShow)
	page("POST /forgot/code/send", sec, s.forgotCodeSend)
	page("POST /forgot/code", sec, s.forgotCode)
	page("GET /forgot/password", sec, s.forgotPasswordShow)
	page("POST /forgot/password", sec, s.forgotPassword)

	// First-time enrolment by activation code: one flow.
	page("GET /enrol", sec, s.enrolShow)
	page("POST /enrol", sec, s.enrolIdentify)
	page("GET /enrol/deliver", sec, s.enrolDeliverShow)
	page("POST /enrol/deliver", sec, s.enrolSend)
	page("GET /enrol/code", sec, s.enrolCodeShow)
	page("POST /enrol/code", sec, s.enrolCode)
	page("POST /enrol/resend", sec, s.enrolResend)
	page("GET /enrol/username", sec, s.enrolUsernameShow)
	page("POST /enrol/username", sec, s.enrolUsername)
	page("GET /enrol/password", sec, s.enrolPasswordShow)
	page("POST /enrol/password", sec, s.enrolPassword)
	page("GET /enrol/questions", sec, s.enrolQuestionsShow)
	page("POST /enrol/questions", sec, s.enrolQuestions)
	page("GET /enrol/phones", sec, s.enrolPhonesShow)
	page("POST /enrol/phones", sec, s.enrolPhoneAdd)
	page("POST /enrol/phones/done", sec, s.enrolPhonesDone)
	page("GET /enrol/watermark", sec, s.enrolWatermarkShow)
	page("POST /enrol/watermark", sec, s.enrolWatermark)

	// Accounts.
	member("GET /{$}", std, s.home)
	member("GET /accounts/{id}", std, s.accountShow)
	member("GET /accounts/{id}/statements/{sid}", std, s.statementPDF)
	member("GET /accounts/{id}/checks/{tid}/{side}", std, s.checkImage)

	// Transfers: reviewed, then confirmed once.
	member("GET /transfer", std, owner(s.transferShow))
	member("POST /transfer", std, owner(s.transferReview))
	member("GET /transfer/confirm", std, owner(s.transferConfirmShow))
	member("POST /transfer/confirm/send", std, owner(s.transferSend))
	member("POST /transfer/confirm", std, owner(s.transferConfirm))

	// Security settings (security screens) and the message center.
	member("GET /settings", sec, s.settingsShow)
	member("POST /settings/security-level", sec, owner(s.settingsLevel))
	member("GET /settings/phones", sec, owner(s.settingsPhonesShow))
	member("POST /settings/phones", sec, owner(s.settingsPhoneAdd))
	member("POST /settings/phones/{id}/remove", sec, owner(s.settingsPhoneRemove))
	member("GET /settings/questions", sec, s.settingsQuestionsShow)
	member("POST /settings/questions", sec, s.settingsQuestions)
	member("GET /settings/password", sec, s.settingsPasswordShow)
	member("POST /settings/password", sec, s.settingsPassword)
	member("GET /settings/branch", sec, owner(s.settingsBranchShow))
	member("POST /settings/branch", sec, owner(s.settingsBranch))
	member("GET /settings/delegates", sec, owner(s.settingsDelegatesShow))
	member("POST /settings/delegates", sec, owner(s.settingsDelegateAdd))
	member("POST /settings/delegates/{id}/revoke", sec, owner(s.settingsDelegateRevoke))
	member("GET /settings/devices", sec, s.settingsDevicesShow)
	member("POST /settings/devices/register", sec, s.settingsDeviceRegister)
	member("POST /settings/devices/{id}/register", sec, s.settingsDeviceApprove)
	member("POST /settings/devices/{id}/revoke", sec, s.settingsDeviceRevoke)
	member("GET /messages", std, s.messages)

	// The development outbox: demo mode only.
	if s.app.Info.Demo && s.app.Outbox != nil {
		page("GET /dev/outbox", none, s.outbox)
	}
	return mux
}
