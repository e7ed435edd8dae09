package web

import (
	"errors"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/store"
)

// settingsBranchShow is the member's Personal Internet Branch (S21): the
// places online banking may be used from, registered computers only, the
// days and hours, and the confirmation code for transfers.
func (s *site) settingsBranchShow(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	f := newBranchForm(me.Member.Controls)
	return s.renderBranch(w, r, me, f, http.StatusOK, "")
}

func (s *site) renderBranch(w http.ResponseWriter, r *http.Request, me *signedIn, f branchForm, status int, notice string) error {
	dev, err := s.app.Devices.Recognise(r.Context(), s.app.DB.Reader(), r, me.Account.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	f.ThisRegistered = err == nil && dev.Registered
	f.HasConfirmation = me.Member.HasConfirmation
	v := s.newView(r, "Personal Internet Branch")
	v.Nav, v.Notice = "settings", notice
	v.Data = f
	return s.render(w, status, "branch", v)
}
