package web

import (
	"context"
	"fmt"

	"github.com/ledgersync/ledgersync/internal/institution/bankapp"
	"github.com/ledgersync/ledgersync/internal/security/audit"
	"github.com/ledgersync/ledgersync/internal/security/auth"
	"github.com/ledgersync/ledgersync/internal/store"
)

// audit records a change the member made that the engine does not make
// itself (phones, devices, layered controls): the same stream, scope and
// subject as the engine's events, so it reaches the member's message
// center (S28) and the staff red flag (S29). detail never holds a secret.
func (s *site) audit(ctx context.Context, q store.Querier, accountID int64, action string, m auth.Meta, detail map[string]string) error {
	ev := &audit.Event{
		OccurredAt: s.now(), Scope: bankapp.MemberRealm, Actor: subjectOf(accountID), Action: action,
		Subject: subjectOf(accountID), IP: m.IP, Detail: detail,
	}
	if err := audit.Append(ctx, q, ev); err != nil {
		return fmt.Errorf("web: audit %s: %w", action, err)
	}
	return nil
}
