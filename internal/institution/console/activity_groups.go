package console

import (
	"context"
	"fmt"

	"github.com/ledgersync/ledgersync/internal/institution"
	"github.com/ledgersync/ledgersync/internal/store"
)

// activityGroups lists the activity groups and their ranges, by name.
//
// This read belongs in package institution, which owns the table; it is
// here until institution offers it (institution.ActivityGroups).
func activityGroups(ctx context.Context, q store.Querier) ([]institution.ActivityGroup, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT name, normal_count, abnormal_count, normal_amount, abnormal_amount
		FROM bank_activity_group ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("console: activity groups: %w", err)
	}
	defer rows.Close()
	var out []institution.ActivityGroup
	for rows.Next() {
		var g institution.ActivityGroup
		if err := rows.Scan(&g.Name, &g.NormalCount, &g.AbnormalCount, &g.NormalAmount, &g.AbnormalAmount); err != nil {
			return nil, fmt.Errorf("console: activity groups: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("console: activity groups: %w", err)
	}
	return out, nil
}
