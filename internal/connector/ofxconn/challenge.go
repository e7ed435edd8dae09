package ofxconn

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/ofx"
)

// The kinds of challenge state.
const (
	kindApprove = "approve" // 15510: the member approves the CLIENTUID at the bank
	kindMFA     = "mfa"     // 3000: the phrases of an MFA challenge
)

// accessCodePhrase is the phrase id of the one-time access code the demo
// bank's staff issue; "PIN…" phrases are codes the bank sent.
const (
	accessCodePhrase = "ACCESSCODE"
	codePhrasePrefix = "PIN"
)

// challengeState is a challenge's resumable state (Challenge.State): what
// Answer needs, in any process, later. It holds the device state (the
// bank's cookie among it), never the password: the caller stores it
// encrypted.
type challengeState struct {
	V       int      `json:"v"`
	Kind    string   `json:"kind"`
	Device  device   `json:"device"`
	Phrases []phrase `json:"phrases,omitempty"`
}

// phrase is one MFA phrase the bank asked, machine ones included.
type phrase struct {
	ID    string `json:"id"`
	Label string `json:"label,omitempty"`
}

var errStateUnreadable = errors.New("the saved challenge cannot be read (it was not made by this connector, or by another version of it)")

// readChallenge reads a challenge's State. One that cannot be answered is
// ErrChallengeExpired: the only way on is to sign in again.
func readChallenge(raw []byte) (challengeState, error) {
	var st challengeState
	bad := func() (challengeState, error) {
		return challengeState{}, fmt.Errorf("%w: %w: sign in again", connector.ErrChallengeExpired, errStateUnreadable)
	}
	if err := json.Unmarshal(raw, &st); err != nil || st.V != stateVersion || !validClientUID(st.Device.ClientUID) {
		return bad()
	}
	switch {
	case st.Kind == kindApprove:
	case st.Kind == kindMFA && len(st.person()) > 0:
	default:
		return bad()
	}
	st.Device.V = stateVersion
	return st, nil
}

func (st challengeState) bytes() []byte {
	st.V = stateVersion
	raw, err := json.Marshal(st)
	if err != nil {
		panic(err) // strings, a bool and slices of them always encode
	}
	return raw
}

// approve is the Approve challenge of a CLIENTUID the bank does not let in
// yet. Its prompt is the bank's message, which says where its site lists
// the program to approve; program is the name the bank gives it.
func (st challengeState) approve(bankMessage, program string, rejected bool) *connector.Challenge {
	prompt := bankMessage
	if prompt == "" {
		prompt = fmt.Sprintf("Approve this connection at the bank: sign in to online banking, Settings → Registered computers, approve “Direct Connect: %s”, then continue.", program)
	}
	return &connector.Challenge{Type: connector.Approve, Prompt: prompt, AttemptsLeft: -1, Rejected: rejected, State: st.bytes(), Device: st.Device.bytes()}
}

// mfa is the challenge a person answers: a Code challenge for a single code
// phrase, else a Question challenge with every phrase a person answers.
// rejection, the bank's message about a refused answer, leads the prompt.
func (st challengeState) mfa(rejection string, rejected bool) *connector.Challenge {
	ps := st.person()
	ch := &connector.Challenge{AttemptsLeft: -1, Rejected: rejected, State: st.bytes()}
	if len(ps) == 1 && isCode(ps[0].ID) {
		ch.Type = connector.Code
		ch.Prompt = ps[0].prompt("Enter the code the bank sent you.")
	} else {
		ch.Type = connector.Question
		for _, p := range ps {
			ch.Questions = append(ch.Questions, connector.QuestionPrompt{ID: p.ID, Prompt: p.prompt(p.ID)})
		}
		ch.Prompt = "Answer the bank's security questions."
		if len(ps) == 1 {
			ch.Prompt = ch.Questions[0].Prompt
		}
	}
	if rejection != "" {
		ch.Prompt = rejection + " " + ch.Prompt
	}
	return ch
}

// prompt is how a phrase is asked: the bank's label, else the OFX meaning
// of a standard id, else fallback.
func (p phrase) prompt(fallback string) string {
	switch {
	case strings.TrimSpace(p.Label) != "":
		return strings.TrimSpace(p.Label)
	case ofx.MFAPhraseMeaning(p.ID) != "":
		return ofx.MFAPhraseMeaning(p.ID)
	}
	return fallback
}

// isCode reports whether a phrase asks for a one-time code rather than a
// security question.
func isCode(id string) bool { return id == accessCodePhrase || strings.HasPrefix(id, codePhrasePrefix) }

// person lists the phrases a person answers (not MFA101–MFA107).
func (st challengeState) person() []phrase {
	var out []phrase
	for _, p := range st.Phrases {
		if !ofx.MFAPhraseMachine(p.ID) {
			out = append(out, p)
		}
	}
	return out
}

// ofxPhrases is the challenge as the OFX client takes it, to answer the
// machine phrases.
func (st challengeState) ofxPhrases() []ofx.MFAChallenge {
	out := make([]ofx.MFAChallenge, 0, len(st.Phrases))
	for _, p := range st.Phrases {
		out = append(out, ofx.MFAChallenge{PhraseID: p.ID, Label: p.Label})
	}
	return out
}

// personAnswers pairs a's answers with the phrases: Text answers a code or
// a single question, Answers (phrase id → text) several. A missing answer
// is refused here, before it costs the member an attempt at the bank.
func (st challengeState) personAnswers(a connector.Answer) ([]ofx.MFAAnswer, error) {
	ps := st.person()
	var out []ofx.MFAAnswer
	for _, p := range ps {
		v, ok := a.Answers[p.ID]
		if !ok && len(ps) == 1 {
			v = a.Text
		}
		v = strings.TrimSpace(v)
		if v == "" {
			if isCode(p.ID) {
				return nil, errors.New("enter the code the bank sent before continuing")
			}
			return nil, fmt.Errorf("answer every question before continuing (%q has no answer)", p.prompt(p.ID))
		}
		out = append(out, ofx.MFAAnswer{PhraseID: p.ID, Answer: v})
	}
	return out, nil
}

// answerAgain reports whether the bank still takes an answer to the same
// phrases after refusing one. It does for a code: the demo bank keeps a
// code's flow open after a wrong code, until its attempts are used up or it
// expires, and then its message says to ask for a new challenge. It does
// not for questions: the bank asks another question after a wrong answer.
func (st challengeState) answerAgain(bankMessage string) bool {
	ps := st.person()
	for _, p := range ps {
		if !isCode(p.ID) {
			return false
		}
	}
	return len(ps) > 0 && !strings.Contains(strings.ToLower(bankMessage), "new challenge")
}
