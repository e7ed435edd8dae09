package ofx

import "time"

// AccountInfoRequest is ACCTINFOTRNRQ with its ACCTINFORQ.
type AccountInfoRequest struct {
	TrnUID    string    `json:"trnuid"`
	CltCookie string    `json:"cltcookie,omitempty"`
	DTAcctUp  time.Time `json:"dtacctup"`
}

func (a *AccountInfoRequest) element() *Element {
	dt := a.DTAcctUp
	if dt.IsZero() {
		dt = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return Aggregate("ACCTINFOTRNRQ", Leaf("TRNUID", a.TrnUID), optLeaf("CLTCOOKIE", a.CltCookie),
		Aggregate("ACCTINFORQ", Leaf("DTACCTUP", FormatDate(dt))))
}

// AccountInfo is one ACCTINFO: a bank account (BANKACCTINFO) or, when
// CreditCard is set, a credit-card account (CCACCTINFO).
type AccountInfo struct {
	Desc       string  `json:"desc,omitempty"`
	Phone      string  `json:"phone,omitempty"`
	CreditCard bool    `json:"creditcard,omitempty"`
	Account    Account `json:"account"`
	SupTxDl    bool    `json:"suptxdl"`
	XferSrc    bool    `json:"xfersrc"`
	XferDest   bool    `json:"xferdest"`
	SvcStatus  string  `json:"svcstatus"` // AVAIL, PEND or ACTIVE
}

// AccountInfoResponse is ACCTINFOTRNRS with its ACCTINFORS.
type AccountInfoResponse struct {
	TrnUID    string        `json:"trnuid"`
	Status    Status        `json:"status"`
	CltCookie string        `json:"cltcookie,omitempty"`
	DTAcctUp  time.Time     `json:"dtacctup,omitzero"`
	Accounts  []AccountInfo `json:"accounts,omitempty"`
}

func (a *AccountInfoResponse) element() *Element {
	var rs *Element
	if !a.DTAcctUp.IsZero() || len(a.Accounts) > 0 {
		rs = Aggregate("ACCTINFORS", Leaf("DTACCTUP", FormatDate(a.DTAcctUp)))
		for _, ai := range a.Accounts {
			inner, from := "BANKACCTINFO", "BANKACCTFROM"
			if ai.CreditCard {
				inner, from = "CCACCTINFO", "CCACCTFROM"
			}
			rs.Children = append(rs.Children, Aggregate("ACCTINFO", optLeaf("DESC", ai.Desc), optLeaf("PHONE", ai.Phone),
				Aggregate(inner, ai.Account.element(from), Leaf("SUPTXDL", yn(ai.SupTxDl)), Leaf("XFERSRC", yn(ai.XferSrc)),
					Leaf("XFERDEST", yn(ai.XferDest)), Leaf("SVCSTATUS", ai.SvcStatus))))
		}
	}
	return Aggregate("ACCTINFOTRNRS", Leaf("TRNUID", a.TrnUID), a.Status.element(), optLeaf("CLTCOOKIE", a.CltCookie), rs)
}

func (d *decoder) accountInfoResponse(e *Element) *AccountInfoResponse {
	a := &AccountInfoResponse{TrnUID: d.str(e, "TRNUID"), Status: d.status(e), CltCookie: d.str(e, "CLTCOOKIE")}
	rs := e.Find("ACCTINFORS")
	if rs == nil {
		return a
	}
	a.DTAcctUp = d.date(rs, "DTACCTUP")
	for _, ai := range rs.Children {
		if ai.Name != "ACCTINFO" {
			continue
		}
		info := AccountInfo{Desc: d.str(ai, "DESC"), Phone: d.str(ai, "PHONE")}
		inner, from := ai.Find("BANKACCTINFO"), "BANKACCTFROM"
		if inner == nil {
			inner, from, info.CreditCard = ai.Find("CCACCTINFO"), "CCACCTFROM", true
		}
		if inner == nil { // investment and other account kinds are not modelled
			continue
		}
		info.Account = d.account(inner, from)
		info.SupTxDl, info.XferSrc, info.XferDest = d.boolean(inner, "SUPTXDL"), d.boolean(inner, "XFERSRC"), d.boolean(inner, "XFERDEST")
		info.SvcStatus = d.str(inner, "SVCSTATUS")
		a.Accounts = append(a.Accounts, info)
	}
	return a
}
