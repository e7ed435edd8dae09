package web

import (
	"net/http"
	"strconv"

	"github.com/ledgersync/ledgersync/internal/security/phone"
)

// transferSend sends the transfer's PIN (S20) to the phone and by the
// channel the member chose.
func (s *site) transferSend(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	tf, err := s.loadTransfer(r, me)
	if err != nil {
		return err
	}
	if !tf.State.StepUp {
		return redirect(w, r, tf.url("/transfer/confirm"))
	}
	id, _ := strconv.ParseInt(r.PostFormValue("phone"), 10, 64)
	ch := phone.Channel(r.PostFormValue("channel"))
	if _, err := s.app.Members.SendCode(r.Context(), me.Account, tf.ID, "transfer", id, ch, s.meta(r)); err != nil {
		msg := codeRefusal(err)
		if msg == "" {
			return err
		}
		return s.renderConfirm(w, r, me, tf, http.StatusUnprocessableEntity, msg)
	}
	return redirect(w, r, tf.url("/transfer/confirm")+"&sent="+strconv.FormatInt(id, 10)+"&channel="+string(ch))
}
