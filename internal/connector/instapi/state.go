package instapi

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ledgersync/ledgersync/internal/connector"
)

// stateVersion is the version of the device and challenge states this
// package writes. A state of another version is not read: a device state
// is then ignored (a new device), a challenge state refused (sign in
// again).
const stateVersion = 1

// deviceState is what Session.Device returns and Login.Device brings back.
// The device token is a secret: the caller stores it encrypted.
type deviceState struct {
	V           int    `json:"v"`
	DeviceToken string `json:"device_token,omitempty"`
}

// readDevice reads a device state, or returns the empty one (a new device)
// for nil or anything this package did not write.
func readDevice(raw []byte) deviceState {
	var d deviceState
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil || d.V != stateVersion {
		return deviceState{V: stateVersion}
	}
	return d
}

func (d deviceState) bytes() []byte {
	d.V = stateVersion
	raw, err := json.Marshal(d)
	if err != nil {
		panic(err) // a struct of strings always encodes
	}
	return raw
}

// challengeState is a challenge's resumable state (Challenge.State): what
// Answer needs to answer it, in any process, later. It holds the device
// token: the caller stores it encrypted.
type challengeState struct {
	V    int                     `json:"v"`
	ID   string                  `json:"challenge_id"`
	Type connector.ChallengeType `json:"type"`
	// QuestionIDs are a question challenge's questions, in the bank's
	// order; OptionIDs a choose_delivery's options.
	QuestionIDs []string `json:"question_ids,omitempty"`
	OptionIDs   []string `json:"option_ids,omitempty"`
	// AttemptsLeft is the bank's count when it asked (-1 when it did not
	// say).
	AttemptsLeft int `json:"attempts_left"`
	// DeviceToken is the token the sign-in presented, or the one the bank
	// gave a client awaiting approval.
	DeviceToken string `json:"device_token,omitempty"`
}

var errStateUnreadable = errors.New("the saved challenge cannot be read (it was not made by this connector, or by an older version)")

// readChallenge reads a challenge's State. A state that cannot be answered
// is reported as ErrChallengeExpired: the only way on is to sign in again.
func readChallenge(raw []byte) (challengeState, error) {
	var st challengeState
	if err := json.Unmarshal(raw, &st); err != nil || st.V != stateVersion || !pathSegment(st.ID) {
		return challengeState{}, fmt.Errorf("%w: %w: sign in again", connector.ErrChallengeExpired, errStateUnreadable)
	}
	switch st.Type {
	case connector.Question, connector.ChooseDelivery, connector.Code, connector.Approve:
	default:
		return challengeState{}, fmt.Errorf("%w: %w: sign in again", connector.ErrChallengeExpired, errStateUnreadable)
	}
	if st.Type == connector.Question && len(st.QuestionIDs) == 0 {
		return challengeState{}, fmt.Errorf("%w: %w: sign in again", connector.ErrChallengeExpired, errStateUnreadable)
	}
	return st, nil
}

func (st challengeState) bytes() []byte {
	st.V = stateVersion
	raw, err := json.Marshal(st)
	if err != nil {
		panic(err) // strings, ints and slices of strings always encode
	}
	return raw
}

// pathSegment says whether id can be put in a URL path as one segment as it
// is: the API's ids are letters, digits, '-', '_' and '.'.
func pathSegment(id string) bool {
	if id == "" || id == "." || id == ".." {
		return false
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
		if !ok {
			return false
		}
	}
	return true
}
