package ofx

import "time"

// Account identifies an account: BANKACCTFROM (BankID, BranchID, AcctID,
// AcctType, AcctKey) or, for credit cards, CCACCTFROM (AcctID, AcctKey).
type Account struct {
	BankID   string `json:"bankid,omitempty"`
	BranchID string `json:"branchid,omitempty"`
	AcctID   string `json:"acctid"`
	AcctType string `json:"accttype,omitempty"`
	AcctKey  string `json:"acctkey,omitempty"`
}

func (a *Account) element(name string) *Element {
	if name == "CCACCTFROM" {
		return Aggregate(name, Leaf("ACCTID", a.AcctID), optLeaf("ACCTKEY", a.AcctKey))
	}
	return Aggregate(name, Leaf("BANKID", a.BankID), optLeaf("BRANCHID", a.BranchID), Leaf("ACCTID", a.AcctID),
		Leaf("ACCTTYPE", a.AcctType), optLeaf("ACCTKEY", a.AcctKey))
}

func (d *decoder) account(parent *Element, name string) Account {
	e := parent.Find(name)
	if e == nil {
		d.fail(parent, []string{parent.Name, name}, "missing")
		return Account{}
	}
	return Account{BankID: d.str(e, "BANKID"), BranchID: d.str(e, "BRANCHID"), AcctID: d.reqStr(e, "ACCTID"),
		AcctType: d.str(e, "ACCTTYPE"), AcctKey: d.str(e, "ACCTKEY")}
}

// IncTran is INCTRAN: which transactions a statement request wants.
type IncTran struct {
	DTStart time.Time `json:"dtstart,omitzero"`
	DTEnd   time.Time `json:"dtend,omitzero"`
	Include bool      `json:"include"`
}

// StatementRequest is STMTTRNRQ (bank) or CCSTMTTRNRQ (credit card) with its
// STMTRQ/CCSTMTRQ. IncImages asks for the transactions' IMAGEDATA (OFX 2.1.1
// INCTRANIMG; the element is written INCTRANIMG and read under that name or
// the earlier INCIMAGES). CltCookie is echoed in the response.
type StatementRequest struct {
	TrnUID    string   `json:"trnuid"`
	CltCookie string   `json:"cltcookie,omitempty"`
	Account   Account  `json:"account"`
	IncTran   *IncTran `json:"inctran,omitempty"`
	IncImages bool     `json:"incimages,omitempty"`
}

func (s *StatementRequest) element(creditCard bool) *Element {
	wrap, rq, acct := "STMTTRNRQ", "STMTRQ", "BANKACCTFROM"
	if creditCard {
		wrap, rq, acct = "CCSTMTTRNRQ", "CCSTMTRQ", "CCACCTFROM"
	}
	var inc *Element
	if s.IncTran != nil {
		inc = Aggregate("INCTRAN", optDate("DTSTART", s.IncTran.DTStart), optDate("DTEND", s.IncTran.DTEnd), Leaf("INCLUDE", yn(s.IncTran.Include)))
	}
	return Aggregate(wrap, Leaf("TRNUID", s.TrnUID), optLeaf("CLTCOOKIE", s.CltCookie),
		Aggregate(rq, s.Account.element(acct), inc, optFlag("INCTRANIMG", s.IncImages)))
}

func (d *decoder) statementRequest(e *Element, creditCard bool) StatementRequest {
	rqName, acct := "STMTRQ", "BANKACCTFROM"
	if creditCard {
		rqName, acct = "CCSTMTRQ", "CCACCTFROM"
	}
	s := StatementRequest{TrnUID: d.str(e, "TRNUID"), CltCookie: d.str(e, "CLTCOOKIE")}
	rq := e.Find(rqName)
	if rq == nil {
		d.fail(e, []string{e.Name, rqName}, "missing")
		return s
	}
	s.Account = d.account(rq, acct)
	if inc := rq.Find("INCTRAN"); inc != nil {
		s.IncTran = &IncTran{DTStart: d.date(inc, "DTSTART"), DTEnd: d.date(inc, "DTEND"), Include: d.boolean(inc, "INCLUDE")}
	}
	s.IncImages = d.boolean(rq, "INCTRANIMG") || d.boolean(rq, "INCIMAGES")
	return s
}

// ImageData is IMAGEDATA (OFX 2.1.1 §3.1.6): a reference to a statement or
// check image the client fetches separately.
type ImageData struct {
	ImageType    string    `json:"imagetype"`    // STATEMENT, TRANSACTION or TAX
	ImageRef     string    `json:"imageref"`     // URL or opaque id
	ImageRefType string    `json:"imagereftype"` // OPAQUE, URL or FORMURL
	ImageDelay   int       `json:"imagedelay,omitempty"`
	DTImageAvail time.Time `json:"dtimageavail,omitzero"`
	ImageTTL     int       `json:"imagettl,omitempty"` // days the reference stays valid
	Checksum     string    `json:"checksum,omitempty"`
	CheckSup     string    `json:"checksup,omitempty"` // what a check image shows: FRONTONLY, BACKONLY or FRONTANDBACK
}

func (i *ImageData) element() *Element {
	return Aggregate("IMAGEDATA", Leaf("IMAGETYPE", i.ImageType), Leaf("IMAGEREF", i.ImageRef), Leaf("IMAGEREFTYPE", i.ImageRefType),
		optInt("IMAGEDELAY", i.ImageDelay), optDate("DTIMAGEAVAIL", i.DTImageAvail), optInt("IMAGETTL", i.ImageTTL), optLeaf("CHECKSUM", i.Checksum),
		optLeaf("CHECKSUP", i.CheckSup))
}

func (d *decoder) images(parent *Element) []ImageData {
	var out []ImageData
	for _, e := range parent.Children {
		if e.Name != "IMAGEDATA" {
			continue
		}
		out = append(out, ImageData{ImageType: d.str(e, "IMAGETYPE"), ImageRef: d.reqStr(e, "IMAGEREF"), ImageRefType: d.str(e, "IMAGEREFTYPE"),
			ImageDelay: d.integer(e, "IMAGEDELAY"), DTImageAvail: d.date(e, "DTIMAGEAVAIL"), ImageTTL: d.integer(e, "IMAGETTL"), Checksum: d.str(e, "CHECKSUM"),
			CheckSup: d.str(e, "CHECKSUP")})
	}
	return out
}

// Transaction is STMTTRN. Amount is in minor units.
type Transaction struct {
	TrnType       string      `json:"trntype"`
	DTPosted      time.Time   `json:"dtposted"`
	DTUser        time.Time   `json:"dtuser,omitzero"`
	DTAvail       time.Time   `json:"dtavail,omitzero"`
	Amount        int64       `json:"trnamt"`
	FITID         string      `json:"fitid"`
	CorrectFITID  string      `json:"correctfitid,omitempty"`
	CorrectAction string      `json:"correctaction,omitempty"` // REPLACE or DELETE
	CheckNum      string      `json:"checknum,omitempty"`
	Name          string      `json:"name,omitempty"`
	Memo          string      `json:"memo,omitempty"`
	Images        []ImageData `json:"images,omitempty"`
}

func (t *Transaction) element() *Element {
	e := Aggregate("STMTTRN", Leaf("TRNTYPE", t.TrnType), Leaf("DTPOSTED", FormatDate(t.DTPosted)),
		optDate("DTUSER", t.DTUser), optDate("DTAVAIL", t.DTAvail), Leaf("TRNAMT", FormatAmount(t.Amount)),
		Leaf("FITID", t.FITID), optLeaf("CORRECTFITID", t.CorrectFITID), optLeaf("CORRECTACTION", t.CorrectAction),
		optLeaf("CHECKNUM", t.CheckNum), optLeaf("NAME", t.Name), optLeaf("MEMO", t.Memo))
	for i := range t.Images {
		e.Children = append(e.Children, t.Images[i].element())
	}
	return e
}

func (d *decoder) transaction(e *Element) Transaction {
	return Transaction{
		TrnType: d.str(e, "TRNTYPE"), DTPosted: d.reqDate(e, "DTPOSTED"), DTUser: d.date(e, "DTUSER"), DTAvail: d.date(e, "DTAVAIL"),
		Amount: d.reqAmount(e, "TRNAMT"), FITID: d.str(e, "FITID"), CorrectFITID: d.str(e, "CORRECTFITID"),
		CorrectAction: d.str(e, "CORRECTACTION"), CheckNum: d.str(e, "CHECKNUM"), Name: d.str(e, "NAME"), Memo: d.str(e, "MEMO"),
		Images: d.images(e),
	}
}

// Balance is LEDGERBAL or AVAILBAL; Amount is in minor units.
type Balance struct {
	Amount int64     `json:"balamt"`
	DTAsOf time.Time `json:"dtasof"`
}

func (b *Balance) element(name string) *Element {
	if b == nil {
		return nil
	}
	return Aggregate(name, Leaf("BALAMT", FormatAmount(b.Amount)), Leaf("DTASOF", FormatDate(b.DTAsOf)))
}

func (d *decoder) balance(parent *Element, name string) *Balance {
	e := parent.Find(name)
	if e == nil {
		return nil
	}
	return &Balance{Amount: d.reqAmount(e, "BALAMT"), DTAsOf: d.date(e, "DTASOF")}
}

// TransactionList is BANKTRANLIST.
type TransactionList struct {
	DTStart      time.Time     `json:"dtstart"`
	DTEnd        time.Time     `json:"dtend"`
	Transactions []Transaction `json:"transactions"`
}

// StatementResponse is STMTTRNRS (bank) or CCSTMTTRNRS (credit card) with
// its STMTRS/CCSTMTRS; the statement part is absent when Status is an error.
type StatementResponse struct {
	TrnUID       string           `json:"trnuid"`
	Status       Status           `json:"status"`
	CltCookie    string           `json:"cltcookie,omitempty"`
	CurDef       string           `json:"curdef,omitempty"`
	Account      Account          `json:"account"`
	Transactions *TransactionList `json:"banktranlist,omitempty"`
	LedgerBal    *Balance         `json:"ledgerbal,omitempty"`
	AvailBal     *Balance         `json:"availbal,omitempty"`
	Images       []ImageData      `json:"images,omitempty"`
}

func (s *StatementResponse) element(creditCard bool) *Element {
	wrap, rsName, acct := "STMTTRNRS", "STMTRS", "BANKACCTFROM"
	if creditCard {
		wrap, rsName, acct = "CCSTMTTRNRS", "CCSTMTRS", "CCACCTFROM"
	}
	var rs *Element
	if s.CurDef != "" || s.Account.AcctID != "" {
		var list *Element
		if s.Transactions != nil {
			list = Aggregate("BANKTRANLIST", Leaf("DTSTART", FormatDate(s.Transactions.DTStart)), Leaf("DTEND", FormatDate(s.Transactions.DTEnd)))
			for i := range s.Transactions.Transactions {
				list.Children = append(list.Children, s.Transactions.Transactions[i].element())
			}
		}
		rs = Aggregate(rsName, Leaf("CURDEF", s.CurDef), s.Account.element(acct), list,
			s.LedgerBal.element("LEDGERBAL"), s.AvailBal.element("AVAILBAL"))
		for i := range s.Images {
			rs.Children = append(rs.Children, s.Images[i].element())
		}
	}
	return Aggregate(wrap, Leaf("TRNUID", s.TrnUID), s.Status.element(), optLeaf("CLTCOOKIE", s.CltCookie), rs)
}

func (d *decoder) statementResponse(e *Element, creditCard bool) StatementResponse {
	rsName, acct := "STMTRS", "BANKACCTFROM"
	if creditCard {
		rsName, acct = "CCSTMTRS", "CCACCTFROM"
	}
	s := StatementResponse{TrnUID: d.str(e, "TRNUID"), Status: d.status(e), CltCookie: d.str(e, "CLTCOOKIE")}
	rs := e.Find(rsName)
	if rs == nil {
		return s
	}
	s.CurDef = d.str(rs, "CURDEF")
	s.Account = d.account(rs, acct)
	if list := rs.Find("BANKTRANLIST"); list != nil {
		s.Transactions = &TransactionList{DTStart: d.date(list, "DTSTART"), DTEnd: d.date(list, "DTEND")}
		for _, t := range list.Children {
			if t.Name == "STMTTRN" {
				s.Transactions.Transactions = append(s.Transactions.Transactions, d.transaction(t))
			}
		}
	}
	s.LedgerBal = d.balance(rs, "LEDGERBAL")
	s.AvailBal = d.balance(rs, "AVAILBAL")
	s.Images = d.images(rs)
	return s
}
