package web

import (
	"database/sql"
	"encoding/json"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
)

// enrolWatermark stores the image and completes the enrolment: the member
// is linked to their new sign-in, once, in one transaction with the flow's
// completion, so a second window cannot enrol twice (S25).
func (s *site) enrolWatermark(w http.ResponseWriter, r *http.Request) error {
	ef, err := s.loadEnrol(r, enrolStepImage)
	if err != nil {
		return err
	}
	wm, ok := watermarkByID(r.PostFormValue("watermark"))
	if !ok {
		v := s.newView(r, "Choose your security image")
		v.Error = "Choose one of the images."
		v.Data = watermarkForm{Flow: ef.ID, Action: "/enrol/watermark", Choices: watermarks()}
		return s.render(w, http.StatusUnprocessableEntity, "watermark", v)
	}
	ctx := r.Context()
	err = s.app.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.advanceEnrol(ctx, tx, ef); err != nil {
			return err
		}
		state, err := json.Marshal(ef.State)
		if err != nil {
			return err
		}
		if _, err := flow.Complete(ctx, tx, ef.ID, ef.SessionID, enrolStepDone, s.now(), flow.WithState(state)); err != nil {
			return staleEnrol(err)
		}
		if err := institution.SetWatermark(ctx, tx, ef.State.MemberID, wm.ID); err != nil {
			return err
		}
		if err := institution.LinkSecurityAccount(ctx, tx, ef.State.MemberID, ef.AccountID); err != nil {
			return staleEnrol(err)
		}
		return s.audit(ctx, tx, ef.AccountID, "enrolment.completed", s.meta(r), nil)
	})
	if err != nil {
		return err
	}
	return redirect(w, r, "/login?notice=enrolled")
}
