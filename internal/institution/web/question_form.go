package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/challenge"
)

// customChoice is the select value for "write my own question" (S8).
const customChoice = "custom"

// questionRow is one of the three questions of the form, as the member
// left it. The answer is never put back into the form.
type questionRow struct {
	N        int
	Selected string
	Custom   string
}

// questionsSetForm is the data of a page that sets the three questions.
type questionsSetForm struct {
	Flow      string
	Action    string
	Catalogue []challenge.Question
	Rows      []questionRow
	Problems  []string
	MaxAnswer int
}

func newQuestionsSetForm(flowID, action string) questionsSetForm {
	f := questionsSetForm{Flow: flowID, Action: action, Catalogue: challenge.Selectable(), MaxAnswer: challenge.MaxAnswerLength}
	for i := range challenge.QuestionCount {
		f.Rows = append(f.Rows, questionRow{N: i + 1})
	}
	return f
}

// parseQuestions reads the three rows: a catalogue question or the
// member's own, each with its answer.
func parseQuestions(r *http.Request, f *questionsSetForm) []challenge.Answer {
	var answers []challenge.Answer
	for i := range f.Rows {
		n := strconv.Itoa(i + 1)
		row := &f.Rows[i]
		row.Selected, row.Custom = r.PostFormValue("q"+n), trimmed(r, "custom"+n)
		a := challenge.Answer{Text: r.PostFormValue("a" + n)}
		if row.Selected == customChoice {
			a.Custom = row.Custom
		} else {
			a.QuestionID = challenge.QuestionID(row.Selected)
		}
		answers = append(answers, a)
	}
	return answers
}

// questionProblems turns a refusal of the questions into what to show;
// nil when err is not a refusal.
func questionProblems(err error) []string {
	var inv *challenge.InvalidError
	if !errors.As(err, &inv) {
		return nil
	}
	out := make([]string, len(inv.Problems))
	for i, p := range inv.Problems {
		out[i] = p.Message
	}
	return out
}
