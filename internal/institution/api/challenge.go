package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The kinds of challenge a login can meet.
const (
	typeQuestion       = "question"        // security questions: one, or two at once (two of three)
	typeChooseDelivery = "choose_delivery" // where to send a code: text or call to a phone, or a staff access code
	typeCode           = "code"            // the code that was sent (or the access code)
	typeApprove        = "approve"         // the member approves this new client on the member site
)

// optionAccessCode is the choice of the one-time access code staff issued
// (S16), offered beside the phones when the member has one.
const optionAccessCode = "access_code"

// option is one choice of a choose_delivery challenge.
type option struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// questionPrompt is one question of a question challenge.
type questionPrompt struct {
	ID     string `json:"id"`
	Prompt string `json:"prompt"`
}

// issued is a challenge as the login's flow keeps it between requests. It
// holds nothing secret: the questions' labels, masked phones, and where the
// code went.
type issued struct {
	N            int              `json:"n"`
	Type         string           `json:"type"`
	Prompt       string           `json:"prompt"`
	Questions    []questionPrompt `json:"questions,omitempty"`
	Options      []option         `json:"options,omitempty"`
	AttemptsLeft *int             `json:"attempts_left,omitempty"`
	IssuedAt     time.Time        `json:"issued_at"`
	ExpiresAt    time.Time        `json:"expires_at"`
	// Delivery is, for a code challenge, the option the code came by (a
	// phone and channel, or optionAccessCode).
	Delivery string `json:"delivery,omitempty"`
}

// challengeView is a challenge as the client sees it.
type challengeView struct {
	ID           string           `json:"id"`
	Type         string           `json:"type"`
	Prompt       string           `json:"prompt"`
	Questions    []questionPrompt `json:"questions,omitempty"`
	Options      []option         `json:"options"`
	AttemptsLeft *int             `json:"attempts_left,omitempty"`
	ExpiresAt    time.Time        `json:"expires_at"`
}

// challengeResponse is the 202 of a login that needs an answer.
type challengeResponse struct {
	Challenge challengeView `json:"challenge"`
	// Message says why this challenge came (a wrong answer, a blocked
	// method); empty for the first.
	Message string `json:"message,omitempty"`
	// DeviceToken, on an approve challenge, names the client awaiting the
	// member's approval: a later login that presents it once approved
	// needs no approval again.
	DeviceToken string `json:"device_token,omitempty"`
}

// challengeID names challenge n of a login flow: "<flow id>.<n>". The flow
// id is 128 random bits (package flow), so the id cannot be guessed; n
// names the step, so each id is answerable once.
func challengeID(flowID string, n int) string { return flowID + "." + strconv.Itoa(n) }

func parseChallengeID(id string) (flowID string, n int, ok bool) {
	i := strings.LastIndexByte(id, '.')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 1 || n > maxChallenges || strconv.Itoa(n) != id[i+1:] {
		return "", 0, false
	}
	return id[:i], n, true
}

func view(flowID string, ch issued) challengeView {
	opts := ch.Options
	if opts == nil {
		opts = []option{}
	}
	return challengeView{
		ID: challengeID(flowID, ch.N), Type: ch.Type, Prompt: ch.Prompt, Questions: ch.Questions,
		Options: opts, AttemptsLeft: ch.AttemptsLeft, ExpiresAt: ch.ExpiresAt,
	}
}

// The refusals of a challenge that cannot be answered.

func challengeNotFound(cause error) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found",
		Message: "There is no such challenge. Start signing in again with POST /api/v1/sessions.", Err: cause}
}

func challengeExpired(cause error) *apiError {
	return &apiError{Status: http.StatusGone, Code: "expired",
		Message: "This challenge has expired: each can be answered for 180 seconds. Start signing in again.", Err: cause}
}

func alreadyAnswered(cause error) *apiError {
	return &apiError{Status: http.StatusConflict, Code: "already_answered",
		Message: "This challenge was already answered. Each challenge can be answered once; answer the challenge that answer returned, or start signing in again.", Err: cause}
}

func intp(n int) *int { return &n }
