package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/signin"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// transferReview checks the form, asks the risk engine about the transfer
// (S20: dollar rules for wires, ACH and e-payments, and the member's layered
// controls), and opens the one-time confirmation.
func (s *site) transferReview(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	ctx := r.Context()
	f := transferForm{Kind: r.PostFormValue("kind"), Routing: trimmed(r, "routing"), Number: trimmed(r, "account_number"),
		Name: trimmed(r, "name"), Amount: trimmed(r, "amount"), Memo: trimmed(r, "memo")}
	f.FromID, _ = strconv.ParseInt(r.PostFormValue("from"), 10, 64)
	f.ToID, _ = strconv.ParseInt(r.PostFormValue("to"), 10, 64)
	req := institution.TransferRequest{MemberID: me.Member.ID, Kind: institution.TransferKind(f.Kind), FromAccountID: f.FromID, Memo: f.Memo}
	amount, ok := parseAmount(f.Amount)
	if !ok || amount <= 0 {
		f.Problems = append(f.Problems, "Enter an amount in dollars and cents, such as 125.00.")
	}
	req.Amount = amount
	from, err := institution.GetAccount(ctx, s.app.DB.Reader(), me.Member.ID, f.FromID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.Problems = append(f.Problems, "Choose the account to send from.")
	case err != nil:
		return err
	case ok && from.Balance < amount:
		f.Problems = append(f.Problems, "The amount is more than the account's balance of "+money(from.Balance)+".")
	}
	switch req.Kind {
	case institution.Internal:
		req.ToAccountID = f.ToID
		if _, err := institution.GetAccount(ctx, s.app.DB.Reader(), me.Member.ID, f.ToID); err != nil || f.ToID == f.FromID {
			f.Problems = append(f.Problems, "Choose another of your accounts to send to.")
		}
	case institution.ACH, institution.Wire:
		req.ToRouting, req.ToAccountNumber, req.ToName = f.Routing, f.Number, f.Name
		if !institution.ValidRouting(f.Routing) {
			f.Problems = append(f.Problems, "The routing number is not valid: nine digits, as printed on a check.")
		}
		if l := len(digitsOf(f.Number)); l != len(f.Number) || l < 4 || l > 17 {
			f.Problems = append(f.Problems, "The receiving account number must be 4 to 17 digits.")
		}
		if f.Name == "" {
			f.Problems = append(f.Problems, "Enter the name on the receiving account.")
		}
	default:
		f.Problems = append(f.Problems, "Choose the kind of transfer.")
	}
	if len(f.Problems) > 0 {
		return s.renderTransfer(w, r, me, f, http.StatusUnprocessableEntity)
	}
	meta := s.meta(r)
	if dev, err := s.app.Devices.Recognise(ctx, s.app.DB.Reader(), r, me.Account.ID); err == nil {
		meta.DeviceKnown, meta.DeviceRegistered = true, dev.Registered
	}
	d, err := s.app.Members.Assess(ctx, me.Account, meta, actionOf(req.Kind), amount, me.Member.Controls)
	if err != nil {
		return err
	}
	st := transferState{Request: req, Reasons: d.Codes()}
	switch d.Outcome {
	case risk.Deny:
		v := s.newView(r, "Transfer refused")
		v.Nav = "transfer"
		var dn denied
		for _, c := range signin.DenyCodes(d) {
			dn.Messages = append(dn.Messages, signin.DenialMessage(c))
		}
		v.Data = dn
		return s.render(w, http.StatusForbidden, "denied", v)
	case risk.StepUp:
		st.StepUp = true
	}
	state, err := json.Marshal(st)
	if err != nil {
		return err
	}
	fl, err := flow.Start(ctx, s.app.DB.Writer(), flow.Params{
		Kind: transferKind, SessionID: me.Session.ID, AccountID: me.Account.ID, Steps: []string{transferStepConfirm}, TTL: transferTTL, State: state,
	}, s.now())
	if err != nil {
		return err
	}
	return redirect(w, r, (&transferFlow{Flow: fl}).url("/transfer/confirm"))
}
