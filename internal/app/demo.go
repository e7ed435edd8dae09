package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/ledgersync/ledgersync/internal/connector"
	"github.com/ledgersync/ledgersync/internal/firm"
	"github.com/ledgersync/ledgersync/internal/security/account"
	"github.com/ledgersync/ledgersync/internal/store"
)

// The demo firm's sign-in, as `ledgersync demo` prints it.
const (
	DemoFirmName      = "Demo Bookkeeping"
	DemoOwnerEmail    = "owner@demo-bookkeeping.test"
	DemoOwnerPassword = "demo-bookkeeping-2026"
)

// DemoBank is where the demo bank answers, and the password its demo
// members share.
type DemoBank struct {
	Name           string
	OFXURL, OFXOrg string
	OFXFID         string
	APIURL         string
	MemberPassword string
}

// DemoConnection is one of the demo firm's connections.
type DemoConnection struct {
	ID     int64
	Client string
	Member string // the bank's demo member it signs in as
	Kind   connector.Kind
	Shows  string
}

// demoClients are the demo firm's clients: one per demo member, through
// the bank's JSON API or OFX Direct Connect.
var demoClients = []struct {
	member, client string
	kind           connector.Kind
	shows          string
}{
	{"alice", "Archer Design LLC", connector.InstAPI, "a security question the first time, then recognised"},
	{"bob", "Brennan Plumbing", connector.InstAPI, "a code by text or call at every refresh"},
	{"carol", "Castillo Family Trust", connector.OFX, "OFX: approve LedgerSync at the bank once (Settings → Registered computers)"},
	{"dave", "Dawson Farms", connector.InstAPI, "a closed savings account, shown closed rather than as an error"},
	{"erin", "Ellison Consulting", connector.OFX, "OFX, registered computers only: approve LedgerSync at the bank"},
}

// SeedDemo creates the demo firm (its owner, the bank in the directory,
// one client per demo member, each connected) or, when it exists, points
// the directory at bank's current addresses and returns it.
func (a *App) SeedDemo(ctx context.Context, bank DemoBank) (*firm.Firm, []DemoConnection, error) {
	now := a.Clock.Now()
	w := a.DB.Writer()
	insts := map[connector.Kind]*firm.Institution{}
	for _, in := range []firm.Institution{
		{Name: bank.Name, Kind: connector.InstAPI, APIURL: bank.APIURL},
		{Name: bank.Name, Kind: connector.OFX, OFXURL: bank.OFXURL, OFXOrg: bank.OFXOrg, OFXFID: bank.OFXFID},
	} {
		found, err := firm.FindInstitution(ctx, a.DB.Reader(), in.Name, in.Kind)
		switch {
		case errors.Is(err, store.ErrNotFound):
			found, err = firm.AddInstitution(ctx, w, in, now)
		case err == nil:
			in.ID = found.ID
			found, err = firm.UpdateInstitution(ctx, w, in)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("demo firm: %w", err)
		}
		insts[in.Kind] = found
	}

	var f *firm.Firm
	owner, err := account.ByUsername(ctx, a.DB.Reader(), StaffRealm, DemoOwnerEmail)
	switch {
	case err == nil:
		ms, err := firm.MembershipsOf(ctx, a.DB.Reader(), owner.ID)
		if err != nil || len(ms) == 0 {
			return nil, nil, fmt.Errorf("demo firm: the owner's sign-in exists without the firm (an earlier start stopped half way): start from an empty data directory")
		}
		f = &ms[0].Firm
	case errors.Is(err, store.ErrNotFound):
		if f, err = firm.Create(ctx, w, DemoFirmName, "", now); err != nil {
			return nil, nil, fmt.Errorf("demo firm: %w", err)
		}
		if _, err := a.AddStaff(ctx, f.ID, DemoOwnerEmail, DemoOwnerPassword, "Olivia Owner", firm.Owner); err != nil {
			return nil, nil, fmt.Errorf("demo firm: %w", err)
		}
	default:
		return nil, nil, fmt.Errorf("demo firm: %w", err)
	}

	existing, err := firm.ListConnections(ctx, a.DB.Reader(), f.ID, firm.ConnectionFilter{})
	if err != nil {
		return nil, nil, fmt.Errorf("demo firm: %w", err)
	}
	byLabel := map[string]firm.Connection{}
	for _, c := range existing {
		byLabel[c.Label] = c
	}
	var out []DemoConnection
	for _, dc := range demoClients {
		label := dc.client + " at " + bank.Name
		c, ok := byLabel[label]
		if !ok {
			client, err := firm.CreateClient(ctx, w, f.ID, firm.ClientDetails{Name: dc.client}, now)
			if err != nil {
				return nil, nil, fmt.Errorf("demo firm: %w", err)
			}
			made, err := firm.CreateConnection(ctx, a.DB, a.Box, f.ID, firm.NewConnection{
				ClientID: client.ID, InstitutionID: insts[dc.kind].ID, Label: label,
				Credentials: connector.Credentials{Username: dc.member, Password: bank.MemberPassword},
				Schedule:    firm.Daily,
			}, now)
			if err != nil {
				return nil, nil, fmt.Errorf("demo firm: %w", err)
			}
			c = *made
		}
		out = append(out, DemoConnection{ID: c.ID, Client: dc.client, Member: dc.member, Kind: dc.kind, Shows: dc.shows})
	}
	return f, out, nil
}
