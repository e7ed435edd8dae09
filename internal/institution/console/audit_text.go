package console

import (
	"strings"

	"github.com/ledgersync/ledgersync/internal/security/audit"
)

// actionTexts say what an audit action means, for staff (the member's
// message center words are written for the member).
var actionTexts = map[string]string{
	"password.ok":               "Password accepted",
	"password.failed":           "Wrong password",
	"password.refused_blocked":  "Sign-in refused: the password is disabled",
	"password.expired":          "Sign-in refused: the password has expired",
	"password.changed":          "Password changed",
	"password.temporary_issued": "Temporary password issued",
	"method.blocked":            "Method blocked after too many failures",
	"method.unblocked":          "Method unblocked",
	"login.succeeded":           "Signed in",
	"login.refused_disabled":    "Sign-in refused: the sign-in is disabled",
	"login.denied":              "Sign-in refused by the risk engine or the member's layered controls",
	"questions.set":             "Security questions set",
	"questions.deleted":         "Security questions deleted",
	"questions.ok":              "Security questions answered",
	"questions.failed":          "Wrong answer to a security question",
	"code.sent":                 "One-time PIN sent",
	"code.ok":                   "One-time PIN accepted",
	"code.failed":               "Wrong one-time PIN",
	"pin.ok":                    "One-time code accepted",
	"pin.failed":                "Wrong one-time code",
	"totp.ok":                   "Authenticator code accepted",
	"totp.failed":               "Wrong authenticator code",
	"recovery_code.ok":          "Recovery code used",
	"recovery_code.failed":      "Wrong recovery code",
	"access_code.issued":        "One-time access code issued",
	"access_code.ok":            "One-time access code used",
	"access_code.failed":        "Wrong one-time access code",
	"activation.sent":           "Activation code sent",
	"two_factor.enrolled":       "Two-factor sign-in turned on",
	"two_factor.skipped":        "Two-factor enrolment skipped for now",
	"security_level.changed":    "Security level changed",
	"phone.added":               "Phone added",
	"phone.removed":             "Phone removed",
	"email.changed":             "Email address changed",
	"address.changed":           "Mailing address changed",
	"device.registered":         "Device registered",
	"device.revoked":            "Device revoked",
	"controls.changed":          "Layered security settings changed",
	"staff.member_viewed":       "Member page opened",
}

// actionText says what action means; an action we have no words for is
// shown as recorded.
func actionText(action string) string {
	if t, ok := actionTexts[action]; ok {
		return t
	}
	if k, ok := audit.KindOf(action); ok && k.Message != "" {
		return k.Message
	}
	return strings.ReplaceAll(action, "_", " ")
}
