package ofxserver

import (
	"strings"

	"github.com/ledgersync/ledgersync/internal/ofx"
)

// signonRealm names the members' password rules in the profile.
const signonRealm = "MEMBERS"

// profile answers PROFRQ: the message sets the bank offers (signon,
// signup, bank, credit card, profile) at this server's /ofx, and the
// members' password rules with the OFX 2.1.1 switches (MFA challenges
// supported, never asked first; a CLIENTUID required when the policy says
// so). The 1.0.3/2.0.3 switches are left out of answers to older versions,
// whose clients do not know them.
func (x *exchange) profile(rq *ofx.ProfileRequest) *ofx.ProfileResponse {
	app := x.s.app
	pol := app.Members.Policy()
	url := x.baseURL() + "/ofx"
	maxLen := min(pol.PasswordMaxLength, 99) // MAX is N-2
	if x.version < 200 {
		maxLen = min(maxLen, 32) // USERPASS is A-32 in OFX 1.x
	}
	charType := "ALPHAORNUMERIC"
	if pol.PasswordComplexity {
		charType = "ALPHAANDNUMERIC"
	}
	mfa := x.version == 103 || x.version >= 203
	info := ofx.SignonInfo{
		Realm: signonRealm, Min: pol.PasswordMinLength, Max: maxLen, CharType: charType,
		CaseSensitive: true, Special: true, Spaces: true,
		ClientUIDReq: mfa && pol.OFXClientUIDRequired, MFAChallengeSupt: mfa,
	}
	core := func() *ofx.Element {
		return ofx.Aggregate("MSGSETCORE", ofx.Leaf("VER", "1"), ofx.Leaf("URL", url), ofx.Leaf("OFXSEC", "NONE"),
			ofx.Leaf("TRANSPSEC", "Y"), ofx.Leaf("SIGNONREALM", signonRealm), ofx.Leaf("LANGUAGE", "ENG"),
			ofx.Leaf("SYNCMODE", "LITE"), ofx.Leaf("RESPFILEER", "N"))
	}
	images := func() *ofx.Element {
		if x.version < 211 {
			return nil
		}
		return ofx.Aggregate("IMAGEPROF", ofx.Leaf("CLOSINGIMGAVAIL", "Y"), ofx.Leaf("TRANIMGAVAIL", "Y"))
	}
	enrol := printable("Sign up for online banking at "+x.baseURL()+" or call "+app.Info.Phone+".", 80)
	msl := ofx.Aggregate("MSGSETLIST",
		ofx.Aggregate("SIGNONMSGSET", ofx.Aggregate("SIGNONMSGSETV1", core())),
		ofx.Aggregate("SIGNUPMSGSET", ofx.Aggregate("SIGNUPMSGSETV1", core(),
			ofx.Aggregate("OTHERENROLL", ofx.Leaf("MESSAGE", enrol)),
			ofx.Leaf("CHGUSERINFO", "N"), ofx.Leaf("AVAILACCTS", "Y"), ofx.Leaf("CLIENTACTREQ", "N"))),
		ofx.Aggregate("BANKMSGSET", ofx.Aggregate("BANKMSGSETV1", core(), ofx.Leaf("CLOSINGAVAIL", "Y"),
			ofx.Aggregate("EMAILPROF", ofx.Leaf("CANEMAIL", "N"), ofx.Leaf("CANNOTIFY", "N")), images())),
		ofx.Aggregate("CREDITCARDMSGSET", ofx.Aggregate("CREDITCARDMSGSETV1", core(), ofx.Leaf("CLOSINGAVAIL", "Y"), images())),
		ofx.Aggregate("PROFMSGSET", ofx.Aggregate("PROFMSGSETV1", core())),
	)
	addr1, city, state, zip := postalAddress(app.Info.Address)
	return &ofx.ProfileResponse{
		TrnUID: rq.TrnUID, CltCookie: rq.CltCookie, Status: ofx.NewStatus(ofx.StatusSuccess, ""),
		MsgSetList: msl, SignonInfos: []ofx.SignonInfo{info}, DTProfUp: x.s.profileUpdated,
		FIName: app.Info.Name, Addr1: addr1, City: city, State: state, PostalCode: zip, Country: "USA", URL: url,
	}
}

// baseURL is the scheme and host the client reached this server at.
func (x *exchange) baseURL() string {
	scheme := "http"
	if x.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + x.r.Host
}

// postalAddress reads the bank's printed address, its last line "City, ST
// 12345".
func postalAddress(lines []string) (addr1, city, state, zip string) {
	if len(lines) == 0 {
		return "", "", "", ""
	}
	addr1 = lines[0]
	last := lines[len(lines)-1]
	city = last
	if i := strings.LastIndexByte(last, ','); i > 0 {
		if f := strings.Fields(last[i+1:]); len(f) == 2 {
			city, state, zip = strings.TrimSpace(last[:i]), f[0], f[1]
		}
	}
	return addr1, city, state, zip
}
