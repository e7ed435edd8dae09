package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/security/risk"
	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// A transfer is a one-step flow: it is reviewed, then confirmed once (S25:
// "fund processes are restricted to single use"), with the confirmation
// code (S21) and, when a dollar or risk rule asks, a PIN (S20).
const (
	transferKind        = "transfer"
	transferStepConfirm = "confirm"
	transferTTL         = 10 * time.Minute
)

// transferState is the transfer under review; nothing secret.
type transferState struct {
	Request institution.TransferRequest `json:"request"`
	StepUp  bool                        `json:"step_up,omitempty"`
	Reasons []string                    `json:"reasons,omitempty"`
}

type transferFlow struct {
	*flow.Flow
	State transferState
}

func (tf *transferFlow) url(page string) string { return page + "?flow=" + url.QueryEscape(tf.ID) }

func staleTransfer(err error) error {
	return &pageError{Status: http.StatusConflict, Title: "Start the transfer again",
		Message: "This transfer was already confirmed, has expired, or belongs to another window. A transfer can be confirmed only once. Check your accounts before starting again.",
		Next:    "/transfer", NextLabel: "New transfer", Err: err}
}

func (s *site) loadTransfer(r *http.Request, me *signedIn) (*transferFlow, error) {
	f, err := flow.Get(r.Context(), s.app.DB.Reader(), r.FormValue("flow"), me.Session.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (f.Kind != transferKind || f.AccountID != me.Account.ID)) {
		return nil, staleTransfer(err)
	}
	if err != nil {
		return nil, err
	}
	if err := f.At(transferStepConfirm, s.now()); err != nil {
		return nil, staleTransfer(err)
	}
	tf := &transferFlow{Flow: f}
	if err := json.Unmarshal(f.State, &tf.State); err != nil {
		return nil, fmt.Errorf("web: transfer state: %w", err)
	}
	return tf, nil
}

// actionOf is the risk engine's name for a kind of transfer (S20).
func actionOf(k institution.TransferKind) risk.Action {
	switch k {
	case institution.ACH:
		return risk.ActionACH
	case institution.Wire:
		return risk.ActionWire
	}
	return risk.ActionTransfer
}

// parseAmount reads dollars and cents ("1,234.56", "$20") as minor units.
func parseAmount(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), "$")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 10 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, false
	}
	var c int64
	if hasFrac {
		if c, err = strconv.ParseInt(frac, 10, 64); err != nil || c < 0 {
			return 0, false
		}
		if len(frac) == 1 {
			c *= 10
		}
	}
	return w*100 + c, true
}
