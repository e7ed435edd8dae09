package refresh

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ledgersync/ledgersync/internal/bankdata"
	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/store"
)

// landing counts what a refresh landed.
type landing struct {
	accounts, txNew, txUpdated, statementsNew, checksNew int
}

// fetched is everything read from the bank, before any of it is stored.
type fetched struct {
	accounts []connector.Account
	from, to time.Time
	txns     map[string][]connector.Transaction // by account id at the bank
	docs     []document
}

// document is a statement or a check image already in the blob store,
// waiting for its row.
type document struct {
	account   string // the bank's account id
	statement *connector.Statement
	txn       string // the bank's transaction id, for a check image
	side      connector.Side
	key, sum  string
	size      int64
}

// land reads everything from a signed-in session, then applies it in one
// transaction with the device state and the refresh's outcome.
func (e *Engine) land(ctx context.Context, a *attempt, sess connector.Session) error {
	f, err := e.fetch(ctx, a, sess)
	device := sess.Device()
	if cerr := sess.Close(ctx); cerr != nil {
		e.cfg.Logger.Info("refresh: sign-out failed", "refresh_id", a.r.ID, "err", cerr)
	}
	if err != nil {
		return e.failed(ctx, a, err)
	}
	if err := e.failpoint("apply"); err != nil {
		return e.failed(ctx, a, err)
	}
	now := e.cfg.Clock.Now()
	outcome := firm.StatusOK
	if len(f.accounts) > 0 {
		outcome = firm.StatusAccountClosed
		for _, acct := range f.accounts {
			if !acct.Closed {
				outcome = firm.StatusOK
			}
		}
	}
	var l landing
	err = e.cfg.DB.InTx(ctx, func(tx *sql.Tx) error {
		l = landing{}
		ids, err := bankdata.UpsertAccounts(ctx, tx, a.r.FirmID, a.r.ConnectionID, f.accounts, now)
		if err != nil {
			return err
		}
		l.accounts = len(f.accounts)
		txnIDs := map[string]map[string]int64{}
		for _, acct := range f.accounts {
			txns, ok := f.txns[acct.ID]
			if !ok {
				continue
			}
			counts, m, err := bankdata.UpsertTransactions(ctx, tx, a.r.FirmID, ids[acct.ID], a.r.ID, txns, f.from, f.to, now)
			if err != nil {
				return err
			}
			l.txNew += counts.New
			l.txUpdated += counts.Updated
			txnIDs[acct.ID] = m
		}
		if err := e.failpoint("apply-midway"); err != nil {
			return err
		}
		for _, d := range f.docs {
			if d.statement != nil {
				created, err := bankdata.UpsertStatement(ctx, tx, a.r.FirmID, ids[d.account], *d.statement, d.key, d.sum, d.size, now)
				if err != nil {
					return err
				}
				if created {
					l.statementsNew++
				}
				continue
			}
			txnID, ok := txnIDs[d.account][d.txn]
			if !ok {
				continue
			}
			created, err := bankdata.UpsertCheckImage(ctx, tx, a.r.FirmID, txnID, d.side, d.key, d.sum, d.size, now)
			if err != nil {
				return err
			}
			if created {
				l.checksNew++
			}
		}
		if device != nil {
			if err := firm.SetDeviceState(ctx, tx, e.cfg.Box, a.r.FirmID, a.r.ConnectionID, device); err != nil {
				return err
			}
		}
		if a.conn.Schedule != "" {
			if err := firm.SetNextRefresh(ctx, tx, a.r.FirmID, a.r.ConnectionID, a.conn.Schedule.Next(now)); err != nil {
				return err
			}
		}
		return e.finishTx(ctx, tx, a.r.FirmID, a.r.ID, a.r.ConnectionID, outcome, "", &l, now)
	})
	if errors.Is(err, errAlreadyDone) {
		e.cfg.Logger.Warn("refresh: ended elsewhere while landing; nothing landed", "refresh_id", a.r.ID)
		return nil
	}
	if err != nil {
		return e.failed(ctx, a, fmt.Errorf("store what the bank sent: %w", err))
	}
	e.publish(ctx, eventStatus(a.r, outcome))
	return nil
}

// fetch reads the accounts, transactions since the last success (less the
// overlap), and the statements and check images not yet stored, writing
// the documents to the blob store (content-addressed, so a rerun after a
// crash writes nothing twice).
func (e *Engine) fetch(ctx context.Context, a *attempt, sess connector.Session) (*fetched, error) {
	q := e.cfg.DB.Reader()
	now := e.cfg.Clock.Now()
	f := &fetched{txns: map[string][]connector.Transaction{}, to: now}
	f.from = now.Add(-e.cfg.FirstHistory)
	if !a.conn.LastSuccessAt.IsZero() {
		f.from = a.conn.LastSuccessAt.Add(-e.cfg.Overlap)
	}
	if err := e.failpoint("accounts"); err != nil {
		return nil, err
	}
	accts, err := sess.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	f.accounts = accts
	known, err := bankdata.ListAccounts(ctx, q, a.r.FirmID, a.r.ConnectionID)
	if err != nil {
		return nil, err
	}
	ourID := map[string]int64{}
	for _, k := range known {
		ourID[k.ExternalID] = k.ID
	}
	for _, acct := range accts {
		if acct.Closed {
			continue // kept, shown as closed; nothing more to read
		}
		if err := e.failpoint("transactions"); err != nil {
			return nil, err
		}
		txns, err := sess.Transactions(ctx, acct, f.from, f.to)
		if err != nil {
			return nil, err
		}
		f.txns[acct.ID] = txns

		if err := e.failpoint("statements"); err != nil {
			return nil, err
		}
		stmts, err := sess.Statements(ctx, acct)
		if err != nil {
			return nil, err
		}
		for i := range stmts {
			s := stmts[i]
			if id, ok := ourID[acct.ID]; ok {
				has, err := bankdata.HasStatement(ctx, q, a.r.FirmID, id, s.ID)
				if err != nil {
					return nil, err
				}
				if has {
					continue
				}
			}
			pdf, err := sess.StatementPDF(ctx, s)
			if err != nil {
				return nil, err
			}
			key, sum, err := bankdata.StoreBlob(ctx, e.cfg.Blobs, "statements", pdf)
			if err != nil {
				return nil, err
			}
			f.docs = append(f.docs, document{account: acct.ID, statement: &s, key: key, sum: sum, size: int64(len(pdf))})
		}

		have, err := e.checkImagesHeld(ctx, a.r.FirmID, ourID[acct.ID])
		if err != nil {
			return nil, err
		}
		for _, t := range txns {
			for _, ref := range t.Checks {
				if have[t.ID+"/"+string(ref.Side)] {
					continue
				}
				if err := e.failpoint("checks"); err != nil {
					return nil, err
				}
				img, err := sess.CheckImage(ctx, ref)
				if err != nil {
					return nil, err
				}
				key, sum, err := bankdata.StoreBlob(ctx, e.cfg.Blobs, "checks", img)
				if err != nil {
					return nil, err
				}
				f.docs = append(f.docs, document{account: acct.ID, txn: t.ID, side: ref.Side, key: key, sum: sum, size: int64(len(img))})
			}
		}
	}
	return f, nil
}

// checkImagesHeld lists the check images an account already has, as
// "transaction id at the bank/side".
func (e *Engine) checkImagesHeld(ctx context.Context, firmID, accountID int64) (map[string]bool, error) {
	out := map[string]bool{}
	if accountID == 0 {
		return out, nil
	}
	rows, err := e.cfg.DB.Reader().QueryContext(ctx, `SELECT t.external_id, ci.side
		FROM synced_check_image ci JOIN synced_transaction t ON t.id = ci.transaction_id
		WHERE ci.firm_id = $1 AND t.firm_id = $1 AND t.account_id = $2`, firmID, accountID)
	if err != nil {
		return nil, fmt.Errorf("list check images: %w", store.Err(err))
	}
	defer rows.Close()
	for rows.Next() {
		var ext, side string
		if err := rows.Scan(&ext, &side); err != nil {
			return nil, store.Err(err)
		}
		out[ext+"/"+side] = true
	}
	return out, rows.Err()
}
