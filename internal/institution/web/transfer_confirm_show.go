package web

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/phone"
	"github.com/ledgersync/ledgersync/internal/security/risk"
)

// confirmPage is the data of a transfer's review.
type confirmPage struct {
	Flow            string
	Kind            string
	From            accountRow
	To              string
	Amount          int64
	Memo            string
	HasConfirmation bool
	StepUp          bool
	Why             []string
	Options         []phoneOption
	Sent            *phone.Phone
	SentChannel     string
	CodeMinutes     int
}

// transferConfirmShow shows the transfer to confirm, with the confirmation
// code's field and, when a rule asked for one, how to get a PIN.
func (s *site) transferConfirmShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	tf, err := s.loadTransfer(r, me)
	if err != nil {
		return err
	}
	return s.renderConfirm(w, r, me, tf, http.StatusOK, "")
}

func (s *site) renderConfirm(w http.ResponseWriter, r *http.Request, me *signedIn, tf *transferFlow, status int, msg string) error {
	ctx := r.Context()
	req := tf.State.Request
	q := s.app.DB.Reader()
	from, err := institution.GetAccount(ctx, q, me.Member.ID, req.FromAccountID)
	if err != nil {
		return err
	}
	p := confirmPage{Flow: tf.ID, Kind: string(req.Kind), From: rowOf(from), Amount: req.Amount, Memo: req.Memo,
		HasConfirmation: me.Member.HasConfirmation, StepUp: tf.State.StepUp, Why: whyText(tf.State.Reasons),
		CodeMinutes: int(s.app.Members.Policy().CodeTTL.Minutes())}
	if req.Kind == institution.Internal {
		to, err := institution.GetAccount(ctx, q, me.Member.ID, req.ToAccountID)
		if err != nil {
			return err
		}
		p.To = rowOf(to).Name + " " + to.Masked()
	} else {
		p.To = req.ToName + ", account " + institution.Mask(req.ToAccountNumber) + " at routing " + req.ToRouting
	}
	if p.StepUp {
		ms, err := signin.StepUpMethods(ctx, s.app, me.Account)
		if err != nil {
			return err
		}
		sent, _ := strconv.ParseInt(r.URL.Query().Get("sent"), 10, 64)
		for _, ph := range ms.Phones {
			for _, ch := range s.app.Phones.ChannelsFor(ph) {
				if (ch == phone.SMS && ms.Has(risk.MethodSMS)) || (ch == phone.Voice && ms.Has(risk.MethodVoice)) {
					verb := "Text me at "
					if ch == phone.Voice {
						verb = "Call me at "
					}
					p.Options = append(p.Options, phoneOption{PhoneID: ph.ID, Channel: ch, Label: verb + ph.Masked() + roleNote(ph)})
				}
			}
			if ph.ID == sent {
				p.Sent, p.SentChannel = ph, r.URL.Query().Get("channel")
			}
		}
	}
	v := s.newView(r, "Confirm your transfer")
	v.Nav, v.Error = "transfer", msg
	v.Data = p
	return s.render(w, status, "transfer_confirm", v)
}
