package ofx

import "fmt"

// Request is one OFX request file: the signon, and the transactions of the
// message sets LedgerSync speaks. Message sets not modelled here are ignored
// when decoding.
type Request struct {
	Signon          SignonRequest         `json:"signon"`
	MFAChallenge    *MFAChallengeRequest  `json:"mfa_challenge,omitempty"`
	AccountInfo     *AccountInfoRequest   `json:"account_info,omitempty"`
	Statements      []StatementRequest    `json:"statements,omitempty"`
	StatementEnds   []StatementEndRequest `json:"statement_ends,omitempty"`
	CCStatements    []StatementRequest    `json:"cc_statements,omitempty"`
	CCStatementEnds []StatementEndRequest `json:"cc_statement_ends,omitempty"`
	Profile         *ProfileRequest       `json:"profile,omitempty"`
}

// Response is one OFX response file, the counterpart of Request.
type Response struct {
	Signon          SignonResponse         `json:"signon"`
	MFAChallenge    *MFAChallengeResponse  `json:"mfa_challenge,omitempty"`
	AccountInfo     *AccountInfoResponse   `json:"account_info,omitempty"`
	Statements      []StatementResponse    `json:"statements,omitempty"`
	StatementEnds   []StatementEndResponse `json:"statement_ends,omitempty"`
	CCStatements    []StatementResponse    `json:"cc_statements,omitempty"`
	CCStatementEnds []StatementEndResponse `json:"cc_statement_ends,omitempty"`
	Profile         *ProfileResponse       `json:"profile,omitempty"`
}

// Element returns the <OFX> tree of r, message sets in the order OFX
// requires.
func (r *Request) Element() *Element {
	var mfa, signup, bank, cc, prof *Element
	if r.MFAChallenge != nil {
		mfa = r.MFAChallenge.element()
	}
	if r.AccountInfo != nil {
		signup = Aggregate("SIGNUPMSGSRQV1", r.AccountInfo.element())
	}
	if len(r.Statements)+len(r.StatementEnds) > 0 {
		bank = Aggregate("BANKMSGSRQV1")
		for i := range r.Statements {
			bank.Children = append(bank.Children, r.Statements[i].element(false))
		}
		for i := range r.StatementEnds {
			bank.Children = append(bank.Children, r.StatementEnds[i].element(false))
		}
	}
	if len(r.CCStatements)+len(r.CCStatementEnds) > 0 {
		cc = Aggregate("CREDITCARDMSGSRQV1")
		for i := range r.CCStatements {
			cc.Children = append(cc.Children, r.CCStatements[i].element(true))
		}
		for i := range r.CCStatementEnds {
			cc.Children = append(cc.Children, r.CCStatementEnds[i].element(true))
		}
	}
	if r.Profile != nil {
		prof = Aggregate("PROFMSGSRQV1", r.Profile.element())
	}
	return Aggregate("OFX", Aggregate("SIGNONMSGSRQV1", r.Signon.element(), mfa), signup, bank, cc, prof)
}

// Element returns the <OFX> tree of r.
func (r *Response) Element() *Element {
	var mfa, signup, bank, cc, prof *Element
	if r.MFAChallenge != nil {
		mfa = r.MFAChallenge.element()
	}
	if r.AccountInfo != nil {
		signup = Aggregate("SIGNUPMSGSRSV1", r.AccountInfo.element())
	}
	if len(r.Statements)+len(r.StatementEnds) > 0 {
		bank = Aggregate("BANKMSGSRSV1")
		for i := range r.Statements {
			bank.Children = append(bank.Children, r.Statements[i].element(false))
		}
		for i := range r.StatementEnds {
			bank.Children = append(bank.Children, r.StatementEnds[i].element(false))
		}
	}
	if len(r.CCStatements)+len(r.CCStatementEnds) > 0 {
		cc = Aggregate("CREDITCARDMSGSRSV1")
		for i := range r.CCStatements {
			cc.Children = append(cc.Children, r.CCStatements[i].element(true))
		}
		for i := range r.CCStatementEnds {
			cc.Children = append(cc.Children, r.CCStatementEnds[i].element(true))
		}
	}
	if r.Profile != nil {
		prof = Aggregate("PROFMSGSRSV1", r.Profile.element())
	}
	return Aggregate("OFX", Aggregate("SIGNONMSGSRSV1", r.Signon.element(), mfa), signup, bank, cc, prof)
}

// NewDocument wraps root in a Document of the given OFX version (102 or 103
// for SGML, 211 or 220 for XML) ready for WriteSGML or WriteXML.
func NewDocument(version int, root *Element) *Document {
	return &Document{Header: map[string]string{}, Version: version, Root: root}
}

// DecodeRequest reads the typed request from a parsed document. Errors wrap
// ErrMessage and name the line and element path.
func DecodeRequest(doc *Document) (*Request, error) {
	root, err := ofxRoot(doc)
	if err != nil {
		return nil, err
	}
	var d decoder
	r := &Request{}
	son := root.Find("SIGNONMSGSRQV1", "SONRQ")
	if son == nil {
		return nil, fmt.Errorf("%w: <OFX>: no <SIGNONMSGSRQV1>/<SONRQ>", ErrMessage)
	}
	r.Signon = d.signonRequest(son)
	if m := root.Find("SIGNONMSGSRQV1", "MFACHALLENGETRNRQ"); m != nil {
		r.MFAChallenge = d.mfaChallengeRequest(m)
	}
	if a := root.Find("SIGNUPMSGSRQV1", "ACCTINFOTRNRQ"); a != nil {
		r.AccountInfo = &AccountInfoRequest{TrnUID: d.str(a, "TRNUID"), CltCookie: d.str(a, "CLTCOOKIE"), DTAcctUp: d.date(a, "ACCTINFORQ", "DTACCTUP")}
	}
	for _, s := range children(root.Find("BANKMSGSRQV1"), "STMTTRNRQ") {
		r.Statements = append(r.Statements, d.statementRequest(s, false))
	}
	for _, s := range children(root.Find("CREDITCARDMSGSRQV1"), "CCSTMTTRNRQ") {
		r.CCStatements = append(r.CCStatements, d.statementRequest(s, true))
	}
	for _, s := range children(root.Find("BANKMSGSRQV1"), "STMTENDTRNRQ") {
		r.StatementEnds = append(r.StatementEnds, d.statementEndRequest(s, false))
	}
	for _, s := range children(root.Find("CREDITCARDMSGSRQV1"), "CCSTMTENDTRNRQ") {
		r.CCStatementEnds = append(r.CCStatementEnds, d.statementEndRequest(s, true))
	}
	if p := root.Find("PROFMSGSRQV1", "PROFTRNRQ"); p != nil {
		r.Profile = d.profileRequest(p)
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

// DecodeResponse reads the typed response from a parsed document. Errors
// wrap ErrMessage and name the line and element path: an empty <DTPOSTED> or
// <BALAMT> and an amount like "$120" are errors, not zeros.
func DecodeResponse(doc *Document) (*Response, error) {
	root, err := ofxRoot(doc)
	if err != nil {
		return nil, err
	}
	var d decoder
	r := &Response{}
	son := root.Find("SIGNONMSGSRSV1", "SONRS")
	if son == nil {
		return nil, fmt.Errorf("%w: <OFX>: no <SIGNONMSGSRSV1>/<SONRS>", ErrMessage)
	}
	r.Signon = d.signonResponse(son)
	if m := root.Find("SIGNONMSGSRSV1", "MFACHALLENGETRNRS"); m != nil {
		r.MFAChallenge = d.mfaChallengeResponse(m)
	}
	if a := root.Find("SIGNUPMSGSRSV1", "ACCTINFOTRNRS"); a != nil {
		r.AccountInfo = d.accountInfoResponse(a)
	}
	for _, s := range children(root.Find("BANKMSGSRSV1"), "STMTTRNRS") {
		r.Statements = append(r.Statements, d.statementResponse(s, false))
	}
	for _, s := range children(root.Find("CREDITCARDMSGSRSV1"), "CCSTMTTRNRS") {
		r.CCStatements = append(r.CCStatements, d.statementResponse(s, true))
	}
	for _, s := range children(root.Find("BANKMSGSRSV1"), "STMTENDTRNRS") {
		r.StatementEnds = append(r.StatementEnds, d.statementEndResponse(s, false))
	}
	for _, s := range children(root.Find("CREDITCARDMSGSRSV1"), "CCSTMTENDTRNRS") {
		r.CCStatementEnds = append(r.CCStatementEnds, d.statementEndResponse(s, true))
	}
	if p := root.Find("PROFMSGSRSV1", "PROFTRNRS"); p != nil {
		r.Profile = d.profileResponse(p)
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

func ofxRoot(doc *Document) (*Element, error) {
	if doc == nil || doc.Root == nil {
		return nil, fmt.Errorf("%w: empty document", ErrMessage)
	}
	if doc.Root.Name != "OFX" {
		return nil, fmt.Errorf("%w: line %d: root element is <%s>, not <OFX>", ErrMessage, doc.Root.Line, doc.Root.Name)
	}
	return doc.Root, nil
}

func children(e *Element, name string) []*Element {
	if e == nil {
		return nil
	}
	var out []*Element
	for _, c := range e.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}
