package ofx

import "time"

// StatementEndRequest is STMTENDTRNRQ (bank) or CCSTMTENDTRNRQ (credit card)
// with its STMTENDRQ/CCSTMTENDRQ: the closing information of the statement
// periods that closed between DTStart and DTEnd (OFX 2.1.1 §11.5).
// IncImages asks for each statement's image (INCSTMTIMG, OFX 2.1.1): that
// is where the specification puts statement IMAGEDATA, not in STMTRS.
type StatementEndRequest struct {
	TrnUID    string    `json:"trnuid"`
	CltCookie string    `json:"cltcookie,omitempty"`
	Account   Account   `json:"account"`
	DTStart   time.Time `json:"dtstart,omitzero"`
	DTEnd     time.Time `json:"dtend,omitzero"`
	IncImages bool      `json:"incstmtimg,omitempty"`
}

func (s *StatementEndRequest) element(creditCard bool) *Element {
	wrap, rq, acct := "STMTENDTRNRQ", "STMTENDRQ", "BANKACCTFROM"
	if creditCard {
		wrap, rq, acct = "CCSTMTENDTRNRQ", "CCSTMTENDRQ", "CCACCTFROM"
	}
	return Aggregate(wrap, Leaf("TRNUID", s.TrnUID), optLeaf("CLTCOOKIE", s.CltCookie),
		Aggregate(rq, s.Account.element(acct), optDate("DTSTART", s.DTStart), optDate("DTEND", s.DTEnd), optFlag("INCSTMTIMG", s.IncImages)))
}

func (d *decoder) statementEndRequest(e *Element, creditCard bool) StatementEndRequest {
	rqName, acct := "STMTENDRQ", "BANKACCTFROM"
	if creditCard {
		rqName, acct = "CCSTMTENDRQ", "CCACCTFROM"
	}
	s := StatementEndRequest{TrnUID: d.str(e, "TRNUID"), CltCookie: d.str(e, "CLTCOOKIE")}
	rq := e.Find(rqName)
	if rq == nil {
		d.fail(e, []string{e.Name, rqName}, "missing")
		return s
	}
	s.Account = d.account(rq, acct)
	s.DTStart, s.DTEnd = d.date(rq, "DTSTART"), d.date(rq, "DTEND")
	s.IncImages = d.boolean(rq, "INCSTMTIMG")
	return s
}

// Closing is one statement period of a StatementEndResponse: CLOSING for a
// bank account, CCCLOSING for a card (the elements both have). Amounts are
// in minor units; BalOpen is nil when the server did not send it.
type Closing struct {
	FITID       string     `json:"fitid"`
	DTOpen      time.Time  `json:"dtopen,omitzero"`
	DTClose     time.Time  `json:"dtclose"`
	DTNext      time.Time  `json:"dtnext,omitzero"`
	BalOpen     *int64     `json:"balopen,omitempty"`
	BalClose    int64      `json:"balclose"`
	DTPostStart time.Time  `json:"dtpoststart"`
	DTPostEnd   time.Time  `json:"dtpostend"`
	Image       *ImageData `json:"imagedata,omitempty"`
}

func (c *Closing) element(name string) *Element {
	var open, img *Element
	if c.BalOpen != nil {
		open = Leaf("BALOPEN", FormatAmount(*c.BalOpen))
	}
	if c.Image != nil {
		img = c.Image.element()
	}
	return Aggregate(name, Leaf("FITID", c.FITID), optDate("DTOPEN", c.DTOpen), Leaf("DTCLOSE", FormatDate(c.DTClose)),
		optDate("DTNEXT", c.DTNext), open, Leaf("BALCLOSE", FormatAmount(c.BalClose)),
		Leaf("DTPOSTSTART", FormatDate(c.DTPostStart)), Leaf("DTPOSTEND", FormatDate(c.DTPostEnd)), img)
}

func (d *decoder) closing(e *Element) Closing {
	c := Closing{FITID: d.reqStr(e, "FITID"), DTOpen: d.date(e, "DTOPEN"), DTClose: d.reqDate(e, "DTCLOSE"), DTNext: d.date(e, "DTNEXT"),
		BalClose: d.reqAmount(e, "BALCLOSE"), DTPostStart: d.reqDate(e, "DTPOSTSTART"), DTPostEnd: d.reqDate(e, "DTPOSTEND")}
	if e.Find("BALOPEN") != nil {
		n := d.reqAmount(e, "BALOPEN")
		c.BalOpen = &n
	}
	if imgs := d.images(e); len(imgs) > 0 {
		c.Image = &imgs[0]
	}
	return c
}

// StatementEndResponse is STMTENDTRNRS (bank) or CCSTMTENDTRNRS (credit
// card) with its STMTENDRS/CCSTMTENDRS; the closing part is absent when
// Status is an error.
type StatementEndResponse struct {
	TrnUID    string    `json:"trnuid"`
	Status    Status    `json:"status"`
	CltCookie string    `json:"cltcookie,omitempty"`
	CurDef    string    `json:"curdef,omitempty"`
	Account   Account   `json:"account"`
	Closings  []Closing `json:"closings,omitempty"`
}

func (s *StatementEndResponse) element(creditCard bool) *Element {
	wrap, rsName, acct, closing := "STMTENDTRNRS", "STMTENDRS", "BANKACCTFROM", "CLOSING"
	if creditCard {
		wrap, rsName, acct, closing = "CCSTMTENDTRNRS", "CCSTMTENDRS", "CCACCTFROM", "CCCLOSING"
	}
	var rs *Element
	if s.CurDef != "" || s.Account.AcctID != "" {
		rs = Aggregate(rsName, Leaf("CURDEF", s.CurDef), s.Account.element(acct))
		for i := range s.Closings {
			rs.Children = append(rs.Children, s.Closings[i].element(closing))
		}
	}
	return Aggregate(wrap, Leaf("TRNUID", s.TrnUID), s.Status.element(), optLeaf("CLTCOOKIE", s.CltCookie), rs)
}

func (d *decoder) statementEndResponse(e *Element, creditCard bool) StatementEndResponse {
	rsName, acct, closing := "STMTENDRS", "BANKACCTFROM", "CLOSING"
	if creditCard {
		rsName, acct, closing = "CCSTMTENDRS", "CCACCTFROM", "CCCLOSING"
	}
	s := StatementEndResponse{TrnUID: d.str(e, "TRNUID"), Status: d.status(e), CltCookie: d.str(e, "CLTCOOKIE")}
	rs := e.Find(rsName)
	if rs == nil {
		return s
	}
	s.CurDef = d.str(rs, "CURDEF")
	s.Account = d.account(rs, acct)
	for _, c := range children(rs, closing) {
		s.Closings = append(s.Closings, d.closing(c))
	}
	return s
}
