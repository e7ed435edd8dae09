package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/ledgersync/ledgersync/internal/security/session/flow"
	"github.com/ledgersync/ledgersync/internal/store"
)

// openFlow returns the request's flow of kind, bound to the request's
// session, with its state decoded into state. stale wraps every way the flow
// can be gone (no session, unknown id, another kind), so each flow shows its
// own "start again" page.
func (s *site) openFlow(r *http.Request, kind string, state any, stale func(error) error) (*flow.Flow, error) {
	sess, ok := sessionOf(r)
	if !ok {
		return nil, stale(errors.New("no session"))
	}
	f, err := flow.Get(r.Context(), s.app.DB.Reader(), r.FormValue("flow"), sess.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && f.Kind != kind) {
		return nil, stale(err)
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(f.State, state); err != nil {
		return nil, fmt.Errorf("web: %s state: %w", kind, err)
	}
	return f, nil
}

// advanceFlow moves f past its current step, saving state with it, and
// returns the flow as it now is.
func (s *site) advanceFlow(ctx context.Context, q store.Querier, f *flow.Flow, state any, stale func(error) error, opts ...flow.Option) (*flow.Flow, error) {
	raw, err := json.Marshal(state)
	if err != nil {
		return nil, err
	}
	next, err := flow.Advance(ctx, q, f.ID, f.SessionID, f.Step(), s.now(), append(opts, flow.WithState(raw))...)
	if err != nil {
		return nil, stale(err)
	}
	return next, nil
}
