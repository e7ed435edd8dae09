package refresh

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/event"
	"github.com/ledgersync/ledgersync/internal/firm"
)

// sweepBatch bounds the work of one sweep.
const sweepBatch = 200

// Sweep expires the challenges nobody answered in time and starts the
// scheduled refreshes that are due, by the engine's clock. The periodic job
// runs it; tests call it after moving a fake clock.
func (e *Engine) Sweep(ctx context.Context) (expired, started int, err error) {
	now := e.cfg.Clock.Now()
	// The one read across firms: each challenge is then closed within its
	// own firm.
	due, err := queryChallenges(ctx, e.cfg.DB.Reader(), `SELECT `+challengeColumns+` FROM refresh_challenge
		WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2`, now, sweepBatch)
	if err != nil {
		return 0, 0, fmt.Errorf("sweep: %w", err)
	}
	for _, c := range due {
		switch err := e.close(ctx, c, ChallengeExpired); {
		case err == nil:
			expired++
		case !errors.Is(err, ErrChallengeClosed):
			return expired, started, err
		}
	}

	if err := e.abandonStale(ctx, now); err != nil {
		return expired, started, err
	}

	conns, err := firm.DueConnections(ctx, e.cfg.DB.Reader(), now, sweepBatch)
	if err != nil {
		return expired, started, fmt.Errorf("sweep: %w", err)
	}
	for _, c := range conns {
		// The next time is set first: a connection whose refresh cannot
		// start (one is in flight) waits for its next turn.
		if err := firm.SetNextRefresh(ctx, e.cfg.DB.Writer(), c.FirmID, c.ID, c.Schedule.Next(now)); err != nil {
			return expired, started, err
		}
		switch _, err := e.Start(ctx, c.FirmID, c.ID, TriggerSchedule); {
		case err == nil:
			started++
		case !errors.Is(err, ErrInProgress):
			return expired, started, err
		}
	}
	return expired, started, nil
}

func eventStatus(r *Refresh, s firm.Status) event.Event {
	return event.Event{Type: event.Status, FirmID: r.FirmID, ConnectionID: r.ConnectionID, RefreshID: r.ID, Status: string(s)}
}

// staleAfter is how long a refresh may stay queued or running before the
// sweep takes it for lost: longer than River's rescue of a dead process's
// job (15 minutes) plus a job's own timeout (10 minutes).
const staleAfter = time.Hour

// abandonStale ends the refreshes whose jobs are gone (their process died
// more often than River retries), so the connection can be refreshed again.
func (e *Engine) abandonStale(ctx context.Context, now time.Time) error {
	stale, err := queryRefreshes(ctx, e.cfg.DB.Reader(), `SELECT `+refreshColumns+` FROM refresh
		WHERE state IN ('queued', 'running') AND created_at < $1 ORDER BY id LIMIT $2`, now.Add(-staleAfter), sweepBatch)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	for _, r := range stale {
		if err := e.finish(ctx, r, firm.StatusInstitutionDown, "The refresh was interrupted; refresh again.", nil); err != nil {
			return err
		}
	}
	return nil
}

// abandon ends a refresh whose job failed for the last time.
func (e *Engine) abandon(ctx context.Context, firmID, refreshID int64, cause error) {
	r, err := Get(ctx, e.cfg.DB.Reader(), firmID, refreshID)
	if err != nil || r.State == Done {
		return
	}
	e.cfg.Logger.Warn("refresh: job failed for the last time", "refresh_id", refreshID, "err", cause)
	if err := e.finish(context.WithoutCancel(ctx), r, firm.StatusInstitutionDown, "The refresh failed; try again later.", nil); err != nil {
		e.cfg.Logger.Error("refresh: could not record a failed refresh", "refresh_id", refreshID, "err", err)
	}
}
