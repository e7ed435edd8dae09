package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/institution/checkimage"
)

// checkFront and checkBack send the images of a paid check as PNGs, the
// same the member site sends.
func (s *server) checkFront(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.checkImage(w, r, c, checkimage.Front)
}

func (s *server) checkBack(w http.ResponseWriter, r *http.Request, c *caller) error {
	return s.checkImage(w, r, c, checkimage.Back)
}

func (s *server) checkImage(w http.ResponseWriter, r *http.Request, c *caller, draw func(checkimage.Check) ([]byte, error)) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return notFound("")
	}
	a, t, err := s.memberTransaction(r.Context(), c, id)
	if err != nil {
		return err
	}
	if !isPaidCheck(t) {
		return notFound("This transaction is not a check, so it has no images.")
	}
	img, err := draw(s.checkOf(c.member, a, t))
	if err != nil {
		return fmt.Errorf("api: check image of transaction %d: %w", t.ID, err)
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(img)
	return err
}

// memberTransaction finds transaction id among the member's accounts;
// another member's is not found.
func (s *server) memberTransaction(ctx context.Context, c *caller, id int64) (*institution.Account, *institution.Transaction, error) {
	accts, err := institution.Accounts(ctx, s.app.DB.Reader(), c.member.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range accts {
		t, err := institution.GetTransaction(ctx, s.app.DB.Reader(), a.ID, id)
		if err == nil {
			return a, t, nil
		}
		if !isNotFound(err) {
			return nil, nil, err
		}
	}
	return nil, nil, notFound("")
}

// checkOf fills in a check from the transaction that paid it, as the
// member site does (internal/institution/web/check_image.go).
func (s *server) checkOf(m *institution.Member, a *institution.Account, t *institution.Transaction) checkimage.Check {
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
