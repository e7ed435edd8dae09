package ofxconn

import (
	"encoding/json"

	"github.com/ledgersync/ledgersync/internal/ofx/directconnect"
)

// stateVersion is the version of the device and challenge states this
// package writes.
const stateVersion = 1

// device is the device state: what Session.Device returns and Login.Device
// brings back. SessCookie is the bank's: the caller stores it encrypted.
type device struct {
	V int `json:"v"`
	// ClientUID names this connection to the bank (OFX CLIENTUID).
	ClientUID string `json:"clientuid"`
	// Approved says the bank let this CLIENTUID in at least once.
	Approved bool `json:"approved,omitempty"`
	// SessCookie is the bank's SESSCOOKIE, returned in the next signon.
	SessCookie string `json:"sesscookie,omitempty"`
}

// readDevice reads a device state. Nil, or a state this package did not
// write, is a new device with a new CLIENTUID: the member approves it once.
func readDevice(raw []byte) device {
	var d device
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil || d.V != stateVersion || !validClientUID(d.ClientUID) {
		return device{V: stateVersion, ClientUID: directconnect.NewTrnUID()}
	}
	return d
}

// validClientUID accepts what OFX allows in a CLIENTUID: at most 36
// printable ASCII characters.
func validClientUID(s string) bool {
	if s == "" || len(s) > 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func (d device) bytes() []byte {
	d.V = stateVersion
	raw, err := json.Marshal(d)
	if err != nil {
		panic(err) // a struct of strings and a bool always encodes
	}
	return raw
}
