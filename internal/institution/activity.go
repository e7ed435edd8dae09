package institution

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ledgersync/ledgersync/internal/store"
)

// ActivityGroup holds the ranges of a normal month for a group of members
// (S30): up to Normal* is normal, up to Abnormal* abnormal, above is high
// risk.
type ActivityGroup struct {
	Name           string
	NormalCount    int
	AbnormalCount  int
	NormalAmount   int64 // monthly debits, minor units
	AbnormalAmount int64
}

// Rating is how a month of activity compares with the group's ranges.
type Rating string

// The ratings of S30.
const (
	Normal   Rating = "normal"
	Abnormal Rating = "abnormal"
	HighRisk Rating = "high_risk"
)

// SetActivityGroup creates or replaces a group's ranges.
func SetActivityGroup(ctx context.Context, q store.Querier, g ActivityGroup) error {
	if g.NormalCount < 0 || g.AbnormalCount < g.NormalCount || g.NormalAmount < 0 || g.AbnormalAmount < g.NormalAmount {
		return fmt.Errorf("institution: activity group %q: the abnormal limits must be at or above the normal ones", g.Name)
	}
	_, err := q.ExecContext(ctx, `
		INSERT INTO bank_activity_group (name, normal_count, abnormal_count, normal_amount, abnormal_amount)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO UPDATE SET normal_count = excluded.normal_count, abnormal_count = excluded.abnormal_count,
			normal_amount = excluded.normal_amount, abnormal_amount = excluded.abnormal_amount`,
		g.Name, g.NormalCount, g.AbnormalCount, g.NormalAmount, g.AbnormalAmount)
	if err != nil {
		return fmt.Errorf("institution: activity group %q: %w", g.Name, err)
	}
	return nil
}

// ActivityRow is one member's month in the report.
type ActivityRow struct {
	MemberID     int64
	MemberNumber string
	Name         string
	Group        string
	Count        int   // posted transactions in the month, all accounts
	Debits       int64 // total of the month's debits, as a positive amount
	Rating       Rating
}

// ActivityReport rates every member's activity in the month against their
// group's ranges, riskiest first. Members of a group without ranges are
// left out.
func ActivityReport(ctx context.Context, q store.Querier, year int, month time.Month) ([]ActivityRow, error) {
	from := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, -1)
	rows, err := q.QueryContext(ctx, `
		SELECT m.id, m.member_number, m.first_name || ' ' || m.last_name, m.activity_group,
		       COUNT(t.id), COALESCE(SUM(CASE WHEN t.amount < 0 THEN -t.amount ELSE 0 END), 0),
		       g.normal_count, g.abnormal_count, g.normal_amount, g.abnormal_amount
		FROM bank_member m
		JOIN bank_activity_group g ON g.name = m.activity_group
		JOIN bank_account a ON a.member_id = m.id
		LEFT JOIN bank_transaction t ON t.account_id = a.id AND t.status = $1 AND t.occurred_on >= $2 AND t.occurred_on <= $3
		GROUP BY m.id, m.member_number, m.first_name, m.last_name, m.activity_group,
		         g.normal_count, g.abnormal_count, g.normal_amount, g.abnormal_amount
		ORDER BY m.id`, string(Posted), from.Format(DateLayout), to.Format(DateLayout))
	if err != nil {
		return nil, fmt.Errorf("institution: activity report %d-%02d: %w", year, month, err)
	}
	defer rows.Close()
	var out []ActivityRow
	for rows.Next() {
		var r ActivityRow
		var g ActivityGroup
		if err := rows.Scan(&r.MemberID, &r.MemberNumber, &r.Name, &r.Group, &r.Count, &r.Debits,
			&g.NormalCount, &g.AbnormalCount, &g.NormalAmount, &g.AbnormalAmount); err != nil {
			return nil, fmt.Errorf("institution: activity report: %w", err)
		}
		r.Rating = rate(r, g)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("institution: activity report: %w", err)
	}
	order := map[Rating]int{HighRisk: 0, Abnormal: 1, Normal: 2}
	slices.SortStableFunc(out, func(a, b ActivityRow) int { return order[a.Rating] - order[b.Rating] })
	return out, nil
}

// rate takes the worse of the count's and the amount's ratings.
func rate(r ActivityRow, g ActivityGroup) Rating {
	switch {
	case r.Count > g.AbnormalCount || r.Debits > g.AbnormalAmount:
		return HighRisk
	case r.Count > g.NormalCount || r.Debits > g.NormalAmount:
		return Abnormal
	}
	return Normal
}
