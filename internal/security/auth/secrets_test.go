package auth_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ledgersync/ledgersync/internal/notify"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/security/challenge"
	"github.com/ledgersync/ledgersync/internal/security/password"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/policy"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Complete logins with wrong and right passwords, answers and codes, at
// debug level: no secret typed or sent may be found in the logs, in any
// error the engine returned, or anywhere in the audit stream.
func TestNoSecretReachesLogsErrorsOrAudit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		b := setup(t, db, policy.Seed(), password.TestParams())
		const (
			rightPW = "Secret-Horse-Battery-1"
			wrongPW = "Wrong-Guess-Zebra-9"
		)
		a := b.member(t, "olivia member", rightPW)
		b.setQuestions(t, a)
		ph := b.addPhone(t, a, "(201) 555-0123", phone.Mobile)
		m := auth.Meta{IP: minneapolis, UserAgent: "Firefox"}
		var errs []error
		secrets := []string{rightPW, wrongPW, "paris", "rex", "green-wrong-answer"}

		_, err := b.engine.CheckPassword(ctx, "olivia member", wrongPW, m)
		errs = append(errs, err)
		_, err = b.engine.CheckPassword(ctx, "olivia member", rightPW, m)
		errs = append(errs, err)
		_, err = b.engine.CheckPassword(ctx, "nobody", wrongPW, m)
		errs = append(errs, err)
		_, err = b.engine.Assess(ctx, a, m, risk.ActionLogin, 0, risk.Controls{})
		errs = append(errs, err)

		prompts, err := b.engine.AskQuestions(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		errs = append(errs, b.engine.AnswerQuestions(ctx, a, map[challenge.QuestionID]string{prompts[0].ID: "green-wrong-answer"}, m))
		prompts, _ = b.engine.AskQuestions(ctx, a)
		errs = append(errs, b.engine.AnswerQuestions(ctx, a, map[challenge.QuestionID]string{prompts[0].ID: demoAnswers[prompts[0].ID]}, m))

		if _, err := b.engine.SendCode(ctx, a, "flow-s", "login", ph.ID, phone.SMS, m); err != nil {
			t.Fatal(err)
		}
		code := b.codeFor(t, ph.Number, notify.SMS)
		wrongCode := fmt.Sprintf("%06d", (mustAtoi(code)+1)%1000000)
		errs = append(errs, b.engine.VerifyCode(ctx, a, "flow-s", "login", wrongCode, m))
		errs = append(errs, b.engine.VerifyCode(ctx, a, "flow-s", "login", code, m))
		errs = append(errs, b.engine.CompleteLogin(ctx, a, m))
		_, err = b.engine.ChangePassword(ctx, a.ID, "Another-Secret-Pw-22", password.Personal{}, m)
		errs = append(errs, err)
		secrets = append(secrets, code, wrongCode, "Another-Secret-Pw-22")

		haystack := b.logs.String()
		for _, err := range errs {
			if err != nil {
				haystack += "\n" + err.Error()
			}
		}
		haystack += "\n" + dumpAudit(t, db)
		if !strings.Contains(haystack, "password.failed") || !strings.Contains(haystack, "code.failed") {
			t.Fatal("the audit dump is missing the failures it should record")
		}
		for _, s := range secrets {
			if strings.Contains(haystack, s) {
				t.Errorf("secret %q found in logs, errors or audit", s)
			}
		}
		if !errors.Is(errs[0], auth.ErrInvalidCredentials) {
			t.Fatalf("the wrong password returned %v", errs[0])
		}
	})
}

func mustAtoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// dumpAudit renders every column of every audit row.
func dumpAudit(t *testing.T, db *store.DB) string {
	t.Helper()
	rows, err := db.Reader().Query(`SELECT event_id, scope, actor, action, subject, ip, detail FROM audit_event`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var cols [7]sql.NullString
		ptrs := make([]any, len(cols))
		for i := range cols {
			ptrs[i] = &cols[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			b.WriteString(c.String + " ")
		}
		b.WriteString("\n")
	}
	return b.String()
}
