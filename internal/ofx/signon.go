package ofx

import (
	"strconv"
	"time"
)

// Status is a STATUS aggregate.
type Status struct {
	Code     int    `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message,omitempty"`
}

// NewStatus returns the status for code with the specification's severity.
func NewStatus(code int, message string) Status {
	return Status{Code: code, Severity: StatusSeverity(code), Message: message}
}

func (s Status) element() *Element {
	sev := s.Severity
	if sev == "" {
		sev = StatusSeverity(s.Code)
	}
	return Aggregate("STATUS", Leaf("CODE", strconv.Itoa(s.Code)), Leaf("SEVERITY", sev), optLeaf("MESSAGE", s.Message))
}

func (d *decoder) status(parent *Element) Status {
	e := parent.Find("STATUS")
	if e == nil {
		d.fail(parent, []string{parent.Name, "STATUS"}, "missing")
		return Status{}
	}
	code := d.reqStr(e, "CODE")
	n, err := strconv.Atoi(code)
	if err != nil && code != "" {
		d.fail(e.Find("CODE"), []string{"STATUS", "CODE"}, "%q is not a number", truncate(code))
	}
	return Status{Code: n, Severity: d.str(e, "SEVERITY"), Message: d.str(e, "MESSAGE")}
}

// FI names the financial institution (FI aggregate).
type FI struct {
	Org string `json:"org"`
	FID string `json:"fid,omitempty"`
}

func fiElement(fi *FI) *Element {
	if fi == nil {
		return nil
	}
	return Aggregate("FI", Leaf("ORG", fi.Org), optLeaf("FID", fi.FID))
}

func (d *decoder) fi(parent *Element) *FI {
	e := parent.Find("FI")
	if e == nil {
		return nil
	}
	return &FI{Org: d.str(e, "ORG"), FID: d.str(e, "FID")}
}

// MFAAnswer is one MFACHALLENGEA: the answer to a challenge phrase.
type MFAAnswer struct {
	PhraseID string `json:"phrase_id"`
	Answer   string `json:"answer"`
}

// SignonRequest is SONRQ. Passwords, credentials and answers are secrets:
// callers must keep them out of logs.
type SignonRequest struct {
	DTClient    time.Time   `json:"dtclient"`
	UserID      string      `json:"userid,omitempty"`
	UserPass    string      `json:"userpass,omitempty"`
	UserKey     string      `json:"userkey,omitempty"`
	AccessToken string      `json:"accesstoken,omitempty"`
	GenUserKey  bool        `json:"genuserkey,omitempty"`
	Language    string      `json:"language"`
	FI          *FI         `json:"fi,omitempty"`
	SessCookie  string      `json:"sesscookie,omitempty"`
	AppID       string      `json:"appid"`
	AppVer      string      `json:"appver"`
	ClientUID   string      `json:"clientuid,omitempty"`
	UserCred1   string      `json:"usercred1,omitempty"`
	UserCred2   string      `json:"usercred2,omitempty"`
	AuthToken   string      `json:"authtoken,omitempty"`
	MFAAnswers  []MFAAnswer `json:"mfa_answers,omitempty"`
}

func (s *SignonRequest) element() *Element {
	e := Aggregate("SONRQ",
		Leaf("DTCLIENT", FormatDate(s.DTClient)),
		optLeaf("USERID", s.UserID), optLeaf("USERPASS", s.UserPass), optLeaf("USERKEY", s.UserKey),
		optLeaf("ACCESSTOKEN", s.AccessToken), optFlag("GENUSERKEY", s.GenUserKey),
		Leaf("LANGUAGE", s.Language), fiElement(s.FI), optLeaf("SESSCOOKIE", s.SessCookie),
		Leaf("APPID", s.AppID), Leaf("APPVER", s.AppVer), optLeaf("CLIENTUID", s.ClientUID),
		optLeaf("USERCRED1", s.UserCred1), optLeaf("USERCRED2", s.UserCred2), optLeaf("AUTHTOKEN", s.AuthToken))
	for _, a := range s.MFAAnswers {
		e.Children = append(e.Children, Aggregate("MFACHALLENGEA", Leaf("MFAPHRASEID", a.PhraseID), Leaf("MFAPHRASEA", a.Answer)))
	}
	return e
}

func (d *decoder) signonRequest(e *Element) SignonRequest {
	s := SignonRequest{
		DTClient: d.reqDate(e, "DTCLIENT"), UserID: d.str(e, "USERID"), UserPass: d.str(e, "USERPASS"),
		UserKey: d.str(e, "USERKEY"), AccessToken: d.str(e, "ACCESSTOKEN"), GenUserKey: d.boolean(e, "GENUSERKEY"),
		Language: d.str(e, "LANGUAGE"), FI: d.fi(e), SessCookie: d.str(e, "SESSCOOKIE"),
		AppID: d.str(e, "APPID"), AppVer: d.str(e, "APPVER"), ClientUID: d.str(e, "CLIENTUID"),
		UserCred1: d.str(e, "USERCRED1"), UserCred2: d.str(e, "USERCRED2"), AuthToken: d.str(e, "AUTHTOKEN"),
	}
	for _, a := range e.Children {
		if a.Name == "MFACHALLENGEA" {
			s.MFAAnswers = append(s.MFAAnswers, MFAAnswer{PhraseID: d.reqStr(a, "MFAPHRASEID"), Answer: d.str(a, "MFAPHRASEA")})
		}
	}
	return s
}

// SignonResponse is SONRS.
type SignonResponse struct {
	Status      Status    `json:"status"`
	DTServer    time.Time `json:"dtserver"`
	UserKey     string    `json:"userkey,omitempty"`
	TSKeyExpire time.Time `json:"tskeyexpire,omitzero"`
	Language    string    `json:"language"`
	DTProfUp    time.Time `json:"dtprofup,omitzero"`
	DTAcctUp    time.Time `json:"dtacctup,omitzero"`
	FI          *FI       `json:"fi,omitempty"`
	SessCookie  string    `json:"sesscookie,omitempty"`
	AccessToken string    `json:"accesstoken,omitempty"`
}

func (s *SignonResponse) element() *Element {
	return Aggregate("SONRS", s.Status.element(), Leaf("DTSERVER", FormatDate(s.DTServer)),
		optLeaf("USERKEY", s.UserKey), optDate("TSKEYEXPIRE", s.TSKeyExpire), Leaf("LANGUAGE", s.Language),
		optDate("DTPROFUP", s.DTProfUp), optDate("DTACCTUP", s.DTAcctUp), fiElement(s.FI),
		optLeaf("SESSCOOKIE", s.SessCookie), optLeaf("ACCESSTOKEN", s.AccessToken))
}

func (d *decoder) signonResponse(e *Element) SignonResponse {
	return SignonResponse{
		Status: d.status(e), DTServer: d.date(e, "DTSERVER"), UserKey: d.str(e, "USERKEY"),
		TSKeyExpire: d.date(e, "TSKEYEXPIRE"), Language: d.str(e, "LANGUAGE"), DTProfUp: d.date(e, "DTPROFUP"),
		DTAcctUp: d.date(e, "DTACCTUP"), FI: d.fi(e), SessCookie: d.str(e, "SESSCOOKIE"), AccessToken: d.str(e, "ACCESSTOKEN"),
	}
}

// MFAChallengeRequest is MFACHALLENGETRNRQ: the client asks for the
// challenge questions after a 3000 status.
type MFAChallengeRequest struct {
	TrnUID    string    `json:"trnuid"`
	CltCookie string    `json:"cltcookie,omitempty"`
	DTClient  time.Time `json:"dtclient"`
}

func (m *MFAChallengeRequest) element() *Element {
	return Aggregate("MFACHALLENGETRNRQ", Leaf("TRNUID", m.TrnUID), optLeaf("CLTCOOKIE", m.CltCookie),
		Aggregate("MFACHALLENGERQ", Leaf("DTCLIENT", FormatDate(m.DTClient))))
}

func (d *decoder) mfaChallengeRequest(e *Element) *MFAChallengeRequest {
	rq := e.Find("MFACHALLENGERQ")
	if rq == nil {
		d.fail(e, []string{e.Name, "MFACHALLENGERQ"}, "missing")
		return nil
	}
	return &MFAChallengeRequest{TrnUID: d.str(e, "TRNUID"), CltCookie: d.str(e, "CLTCOOKIE"), DTClient: d.reqDate(rq, "DTCLIENT")}
}

// MFAChallenge is one question of MFACHALLENGERS.
type MFAChallenge struct {
	PhraseID string `json:"phrase_id"`
	Label    string `json:"label,omitempty"`
}

// MFAChallengeResponse is MFACHALLENGETRNRS with its MFACHALLENGERS.
type MFAChallengeResponse struct {
	TrnUID     string         `json:"trnuid"`
	Status     Status         `json:"status"`
	CltCookie  string         `json:"cltcookie,omitempty"`
	Challenges []MFAChallenge `json:"challenges"`
}

func (m *MFAChallengeResponse) element() *Element {
	rs := Aggregate("MFACHALLENGERS")
	for _, c := range m.Challenges {
		rs.Children = append(rs.Children, Aggregate("MFACHALLENGE", Leaf("MFAPHRASEID", c.PhraseID), optLeaf("MFAPHRASELABEL", c.Label)))
	}
	if len(rs.Children) == 0 {
		rs = nil
	}
	return Aggregate("MFACHALLENGETRNRS", Leaf("TRNUID", m.TrnUID), m.Status.element(), optLeaf("CLTCOOKIE", m.CltCookie), rs)
}

func (d *decoder) mfaChallengeResponse(e *Element) *MFAChallengeResponse {
	m := &MFAChallengeResponse{TrnUID: d.str(e, "TRNUID"), Status: d.status(e), CltCookie: d.str(e, "CLTCOOKIE")}
	if rs := e.Find("MFACHALLENGERS"); rs != nil {
		for _, c := range rs.Children {
			if c.Name == "MFACHALLENGE" {
				m.Challenges = append(m.Challenges, MFAChallenge{PhraseID: d.reqStr(c, "MFAPHRASEID"), Label: d.str(c, "MFAPHRASELABEL")})
			}
		}
	}
	return m
}
