package refresh_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/refresh"
	"github.com/ledgersync/ledgersync/internal/store"
	"github.com/ledgersync/ledgersync/internal/store/storetest"
)

// Another firm can neither see nor touch a firm's refreshes and
// challenges: every call with its id on them is ErrNotFound and changes
// nothing.
func TestAnotherFirmSeesAndChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		conn := w.connect("bob", nil)
		r := w.start(conn, refresh.TriggerWeb)
		c := w.challenge(r, 0)
		other, err := firm.Create(ctx, db.Writer(), "Other Firm", "", w.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		o := other.ID

		calls := map[string]error{}
		_, calls["Start"] = w.ls.Refresh.Start(ctx, o, conn.ID, refresh.TriggerWeb)
		calls["Answer"] = w.ls.Refresh.Answer(ctx, o, c.ID, connector.Answer{OptionID: c.Options[0].ID}, false)
		calls["Cancel"] = w.ls.Refresh.Cancel(ctx, o, c.ID)
		_, calls["Get"] = refresh.Get(ctx, db.Reader(), o, r.ID)
		_, calls["GetChallenge"] = refresh.GetChallenge(ctx, db.Reader(), o, c.ID)
		_, calls["Active"] = refresh.Active(ctx, db.Reader(), o, conn.ID)
		for name, err := range calls {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s with another firm's id: %v, want ErrNotFound", name, err)
			}
		}
		lists := map[string]int{}
		rs, _ := refresh.List(ctx, db.Reader(), o, conn.ID, 10)
		lists["List"] = len(rs)
		cs, _ := refresh.Challenges(ctx, db.Reader(), o, r.ID)
		lists["Challenges"] = len(cs)
		open, _ := refresh.OpenChallenges(ctx, db.Reader(), o, 0)
		lists["OpenChallenges"] = len(open)
		if _, total, _ := refresh.AutomationRate(ctx, db.Reader(), o, w.clock.Now().AddDate(0, 0, -30)); total != 0 {
			lists["AutomationRate"] = total
		}
		for name, n := range lists {
			if n != 0 {
				t.Errorf("%s for another firm lists %d of this firm's", name, n)
			}
		}

		// Untouched: the challenge is still open to its own firm.
		still, err := refresh.GetChallenge(ctx, db.Reader(), w.firm.ID, c.ID)
		if err != nil || still.Status != refresh.ChallengeOpen {
			t.Fatalf("after the other firm's calls the challenge is %v (%v)", still.Status, err)
		}
		w.answer(c, connector.Answer{OptionID: option(t, c, "sms")}, false)
	})
}
