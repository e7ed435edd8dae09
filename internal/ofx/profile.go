package ofx

import "time"

// ProfileRequest is PROFTRNRQ with its PROFRQ.
type ProfileRequest struct {
	TrnUID        string    `json:"trnuid"`
	CltCookie     string    `json:"cltcookie,omitempty"`
	ClientRouting string    `json:"clientrouting"`
	DTProfUp      time.Time `json:"dtprofup"`
}

func (p *ProfileRequest) element() *Element {
	routing := p.ClientRouting
	if routing == "" {
		routing = "NONE"
	}
	dt := p.DTProfUp
	if dt.IsZero() {
		dt = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) // "send me everything"
	}
	return Aggregate("PROFTRNRQ", Leaf("TRNUID", p.TrnUID), optLeaf("CLTCOOKIE", p.CltCookie),
		Aggregate("PROFRQ", Leaf("CLIENTROUTING", routing), Leaf("DTPROFUP", FormatDate(dt))))
}

func (d *decoder) profileRequest(e *Element) *ProfileRequest {
	rq := e.Find("PROFRQ")
	if rq == nil {
		d.fail(e, []string{e.Name, "PROFRQ"}, "missing")
		return nil
	}
	return &ProfileRequest{TrnUID: d.str(e, "TRNUID"), CltCookie: d.str(e, "CLTCOOKIE"), ClientRouting: d.str(rq, "CLIENTROUTING"), DTProfUp: d.date(rq, "DTPROFUP")}
}

// SignonInfo is one SIGNONINFO of a profile: the password rules of a signon
// realm and the OFX 2.1.1 MFA, CLIENTUID and AUTHTOKEN switches.
type SignonInfo struct {
	Realm             string `json:"signonrealm"`
	Min               int    `json:"min"`
	Max               int    `json:"max"`
	CharType          string `json:"chartype"`
	CaseSensitive     bool   `json:"casesen"`
	Special           bool   `json:"special"`
	Spaces            bool   `json:"spaces"`
	PinChange         bool   `json:"pinch"`
	ChangePinFirst    bool   `json:"chgpinfirst"`
	UserCred1Label    string `json:"usercred1label,omitempty"`
	UserCred2Label    string `json:"usercred2label,omitempty"`
	ClientUIDReq      bool   `json:"clientuidreq,omitempty"`
	AuthTokenFirst    bool   `json:"authtokenfirst,omitempty"`
	AuthTokenLabel    string `json:"authtokenlabel,omitempty"`
	AuthTokenInfoURL  string `json:"authtokeninfourl,omitempty"`
	MFAChallengeSupt  bool   `json:"mfachallengesupt,omitempty"`
	MFAChallengeFirst bool   `json:"mfachallengefirst,omitempty"`
	AccessTokenReq    bool   `json:"accesstokenreq,omitempty"`
}

func (s *SignonInfo) element() *Element {
	return Aggregate("SIGNONINFO", Leaf("SIGNONREALM", s.Realm), Leaf("MIN", itoa(s.Min)), Leaf("MAX", itoa(s.Max)),
		Leaf("CHARTYPE", s.CharType), Leaf("CASESEN", yn(s.CaseSensitive)), Leaf("SPECIAL", yn(s.Special)),
		Leaf("SPACES", yn(s.Spaces)), Leaf("PINCH", yn(s.PinChange)), Leaf("CHGPINFIRST", yn(s.ChangePinFirst)),
		optLeaf("USERCRED1LABEL", s.UserCred1Label), optLeaf("USERCRED2LABEL", s.UserCred2Label),
		optFlag("CLIENTUIDREQ", s.ClientUIDReq), optFlag("AUTHTOKENFIRST", s.AuthTokenFirst),
		optLeaf("AUTHTOKENLABEL", s.AuthTokenLabel), optLeaf("AUTHTOKENINFOURL", s.AuthTokenInfoURL),
		optFlag("MFACHALLENGESUPT", s.MFAChallengeSupt), optFlag("MFACHALLENGEFIRST", s.MFAChallengeFirst),
		optFlag("ACCESSTOKENREQ", s.AccessTokenReq))
}

func (d *decoder) signonInfo(e *Element) SignonInfo {
	return SignonInfo{
		Realm: d.str(e, "SIGNONREALM"), Min: d.integer(e, "MIN"), Max: d.integer(e, "MAX"), CharType: d.str(e, "CHARTYPE"),
		CaseSensitive: d.boolean(e, "CASESEN"), Special: d.boolean(e, "SPECIAL"), Spaces: d.boolean(e, "SPACES"),
		PinChange: d.boolean(e, "PINCH"), ChangePinFirst: d.boolean(e, "CHGPINFIRST"),
		UserCred1Label: d.str(e, "USERCRED1LABEL"), UserCred2Label: d.str(e, "USERCRED2LABEL"),
		ClientUIDReq: d.boolean(e, "CLIENTUIDREQ"), AuthTokenFirst: d.boolean(e, "AUTHTOKENFIRST"),
		AuthTokenLabel: d.str(e, "AUTHTOKENLABEL"), AuthTokenInfoURL: d.str(e, "AUTHTOKENINFOURL"),
		MFAChallengeSupt: d.boolean(e, "MFACHALLENGESUPT"), MFAChallengeFirst: d.boolean(e, "MFACHALLENGEFIRST"),
		AccessTokenReq: d.boolean(e, "ACCESSTOKENREQ"),
	}
}

// ProfileResponse is PROFTRNRS with its PROFRS. MsgSetList is kept as the
// element tree: it is long, and only the server writes it.
type ProfileResponse struct {
	TrnUID      string       `json:"trnuid"`
	Status      Status       `json:"status"`
	CltCookie   string       `json:"cltcookie,omitempty"`
	MsgSetList  *Element     `json:"msgsetlist,omitempty"`
	SignonInfos []SignonInfo `json:"signoninfos,omitempty"`
	DTProfUp    time.Time    `json:"dtprofup,omitzero"`
	FIName      string       `json:"finame,omitempty"`
	Addr1       string       `json:"addr1,omitempty"`
	City        string       `json:"city,omitempty"`
	State       string       `json:"state,omitempty"`
	PostalCode  string       `json:"postalcode,omitempty"`
	Country     string       `json:"country,omitempty"`
	URL         string       `json:"url,omitempty"`
}

func (p *ProfileResponse) element() *Element {
	var rs *Element
	if p.Status.Code == StatusSuccess || len(p.SignonInfos) > 0 {
		list := Aggregate("SIGNONINFOLIST")
		for i := range p.SignonInfos {
			list.Children = append(list.Children, p.SignonInfos[i].element())
		}
		msl := p.MsgSetList
		if msl == nil {
			msl = Aggregate("MSGSETLIST")
		}
		rs = Aggregate("PROFRS", msl, list, optDate("DTPROFUP", p.DTProfUp), optLeaf("FINAME", p.FIName),
			optLeaf("ADDR1", p.Addr1), optLeaf("CITY", p.City), optLeaf("STATE", p.State),
			optLeaf("POSTALCODE", p.PostalCode), optLeaf("COUNTRY", p.Country), optLeaf("URL", p.URL))
	}
	return Aggregate("PROFTRNRS", Leaf("TRNUID", p.TrnUID), p.Status.element(), optLeaf("CLTCOOKIE", p.CltCookie), rs)
}

func (d *decoder) profileResponse(e *Element) *ProfileResponse {
	p := &ProfileResponse{TrnUID: d.str(e, "TRNUID"), Status: d.status(e), CltCookie: d.str(e, "CLTCOOKIE")}
	rs := e.Find("PROFRS")
	if rs == nil {
		return p
	}
	if m := rs.Find("MSGSETLIST"); m != nil && len(m.Children) > 0 {
		p.MsgSetList = m
	}
	for _, si := range rs.All("SIGNONINFO") {
		p.SignonInfos = append(p.SignonInfos, d.signonInfo(si))
	}
	p.DTProfUp = d.date(rs, "DTPROFUP")
	p.FIName, p.Addr1, p.City, p.State = d.str(rs, "FINAME"), d.str(rs, "ADDR1"), d.str(rs, "CITY"), d.str(rs, "STATE")
	p.PostalCode, p.Country, p.URL = d.str(rs, "POSTALCODE"), d.str(rs, "COUNTRY"), d.str(rs, "URL")
	return p
}
