package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/checkimage"
	"github.com/ledgersync/ledgersync/internal/store"
)

// checkImage sends the front or the back of a paid check as a PNG.
func (s *site) checkImage(w http.ResponseWriter, r *http.Request, me *signedIn) error {
	a, err := s.memberAccount(r, me)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("tid"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	t, err := institution.GetTransaction(r.Context(), s.app.DB.Reader(), a.ID, id)
	if err != nil {
		return err
	}
	if t.CheckNumber == "" || t.Amount >= 0 {
		return store.ErrNotFound
	}
	draw := checkimage.Front
	switch r.PathValue("side") {
	case "front.png":
	case "back.png":
		draw = checkimage.Back
	default:
		return store.ErrNotFound
	}
	img, err := draw(s.checkOf(me.Member, a, t))
	if err != nil {
		return fmt.Errorf("web: check image of transaction %d: %w", t.ID, err)
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(img)
	return err
}

// checkOf fills in a check from the transaction that paid it.
func (s *site) checkOf(m *institution.Member, a *institution.Account, t *institution.Transaction) checkimage.Check {
	payee := t.Payee
	if payee == "" {
		payee = t.Description
	}
	addr := m.Address
	if len(addr) > 3 {
		addr = addr[:3]
	}
	city := ""
	if n := len(s.app.Info.Address); n > 0 {
		city = s.app.Info.Address[n-1]
	}
	return checkimage.Check{
		Number: t.CheckNumber, Date: t.Date, Payee: payee, Amount: -t.Amount, Memo: t.Memo,
		Drawer:        checkimage.Party{Name: m.Name(), Address: addr},
		Bank:          checkimage.Bank{Name: s.app.Info.Name, City: city},
		RoutingNumber: s.app.Info.Routing, AccountNumber: digitsOf(a.Number), Signature: m.Name(),
		DepositedAt: t.Date,
	}
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
