package adapters

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// The filter as SQL over participation rows p joined to their activity a. Parameters: $1
// edition, $2 county, $3 from day, $4 to day, $5 form, $6 target group, $7 unit. An activity
// the registration events have not described yet still counts when no form, group or unit is
// asked for.
const (
	countsFrom = `FROM participation_counts p LEFT JOIN activities a ON a.id = p.activity_id`
	rowFilter  = `p.edition_id = $1 AND ($2 = '' OR p.county_code = $2) AND ($3 = '' OR p.day >= $3::date) AND ($4 = '' OR p.day <= $4::date)
		AND ($5 = 0 OR a.form = $5) AND ($6 = 0 OR $6 = ANY (a.target_groups)) AND ($7 = '' OR a.unit_id::text = $7)
		AND (NOT $8::boolean OR a.workers_day) AND ($9 = 0 OR a.theme = $9)`
	people = `(p.ticketed + p.walk_ins)`
)

// Dashboard reads what every panel needs in one round trip, in one read-only snapshot: the
// statements go to PostgreSQL as one pipelined batch over aggregate tables that stay small (a
// row per activity and day, or per county and hour) however many check-ins there are, and the
// panels are folded from per-activity figures (domain.Build).
func (s *Store) Dashboard(ctx context.Context, edition string, f domain.Filter, today, yesterday string) (domain.Dashboard, error) {
	in := domain.DashboardInput{EditionID: edition, Filter: f, Today: today, CountyNames: map[string]string{}, Activities: map[uuid.UUID]domain.ActivityInfo{}}
	args := []any{edition, f.CountyCode, f.FromDay, f.ToDay, f.Form, f.TargetGroup, f.UnitID, f.WorkersDay, f.Theme}
	b := &pgx.Batch{}
	// The filters are optional parameters ($2 = '' OR …); a plan made for every value at once
	// (the generic plan PostgreSQL switches to after a few runs) can be badly wrong for the
	// value at hand, so each statement is planned for its values.
	b.Queue(`SET LOCAL plan_cache_mode = force_custom_plan`)
	// Every county of the edition the viewer may see, so the ranking shows the quiet ones too.
	b.Queue(`SELECT county_code, name FROM edition_counties WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)`, edition, f.CountyCode).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var code, name string
				if err := rows.Scan(&code, &name); err != nil {
					return err
				}
				in.CountyNames[code] = name
			}
			return rows.Err()
		})
	b.Queue(`SELECT id, county_code, title, form, target_groups, planned, online, major, coalesce(unit_id::text, ''), unit_name, workers_day, theme FROM activities
		WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)`, edition, f.CountyCode).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var a domain.ActivityInfo
			var id [16]byte
			if err := rows.Scan(&id, &a.CountyCode, &a.Title, &a.Form, &a.TargetGroups, &a.Planned, &a.Online, &a.Major, &a.UnitID, &a.UnitName, &a.WorkersDay, &a.Theme); err != nil {
				return err
			}
			a.ID = uuid.UUID(id)
			in.Activities[a.ID] = a
		}
		return rows.Err()
	})
	b.Queue(`SELECT p.activity_id, p.county_code, p.venue_id, coalesce(v.name, ''), sum(p.ticketed), sum(p.walk_ins),
			sum(p.young_people), sum(p.adults), sum(p.science_workers), sum(p.volunteers),
			coalesce(sum`+people+` FILTER (WHERE p.day = $5::date), 0), coalesce(sum`+people+` FILTER (WHERE p.day = $6::date), 0)
		FROM participation_counts p LEFT JOIN venue_limits v ON v.venue_id = p.venue_id
		WHERE p.edition_id = $1 AND ($2 = '' OR p.county_code = $2) AND ($3 = '' OR p.day >= $3::date) AND ($4 = '' OR p.day <= $4::date)
		GROUP BY p.activity_id, p.county_code, p.venue_id, v.name`, edition, f.CountyCode, f.FromDay, f.ToDay, today, yesterday).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var a domain.ActivityFigures
				var id, venue [16]byte
				if err := rows.Scan(&id, &a.CountyCode, &venue, &a.VenueName, &a.Ticketed, &a.WalkIns, &a.YoungPeople, &a.Adults,
					&a.ScienceWorkers, &a.Volunteers, &a.Today, &a.Yesterday); err != nil {
					return err
				}
				a.ActivityID, a.VenueID = uuid.UUID(id), uuid.UUID(venue)
				in.Figures = append(in.Figures, a)
			}
			return rows.Err()
		})
	// The curve reads the smallest table that answers the filter: by county, by form or by
	// target group; only both a form and a group need the per-activity hours.
	const hourKey = `to_char(p.day, 'YYYY-MM-DD') || 'T' || lpad(p.hour::text, 2, '0')`
	const hourDays = `p.edition_id = $1 AND ($2 = '' OR p.county_code = $2) AND ($3 = '' OR p.day >= $3::date) AND ($4 = '' OR p.day <= $4::date)`
	var hours string
	switch {
	case f.UnitID != "" || f.WorkersDay || f.Theme != 0: // no roll-up by unit, Workers' Day or theme: the per-activity hours
		hours = `SELECT ` + hourKey + `, sum(p.people) FROM participation_hours p JOIN activities a ON a.id = p.activity_id
			WHERE ` + rowFilter + ` GROUP BY p.day, p.hour ORDER BY p.day, p.hour`
	case f.Form == 0 && f.TargetGroup == 0:
		hours = `SELECT ` + hourKey + `, sum(p.people) FROM participation_county_hours p WHERE ` + hourDays + `
			AND $5::smallint = 0 AND $6::smallint = 0 AND $7 = '' AND NOT $8::boolean AND $9::smallint = 0 GROUP BY p.day, p.hour ORDER BY p.day, p.hour`
	case f.TargetGroup == 0:
		hours = `SELECT ` + hourKey + `, sum(p.people) FROM participation_form_hours p WHERE ` + hourDays + `
			AND p.form = $5 AND $6::smallint = 0 AND $7 = '' AND NOT $8::boolean AND $9::smallint = 0 GROUP BY p.day, p.hour ORDER BY p.day, p.hour`
	case f.Form == 0:
		hours = `SELECT ` + hourKey + `, sum(p.people) FROM participation_group_hours p WHERE ` + hourDays + `
			AND $5::smallint = 0 AND p.target_group = $6 AND $7 = '' AND NOT $8::boolean AND $9::smallint = 0 GROUP BY p.day, p.hour ORDER BY p.day, p.hour`
	default:
		hours = `SELECT ` + hourKey + `, sum(p.people) FROM participation_hours p JOIN activities a ON a.id = p.activity_id
			WHERE ` + rowFilter + ` GROUP BY p.day, p.hour ORDER BY p.day, p.hour`
	}
	b.Queue(hours, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var h domain.HourCount
			if err := rows.Scan(&h.Hour, &h.Participations); err != nil {
				return err
			}
			in.ByHour = append(in.ByHour, h)
		}
		return rows.Err()
	})
	b.Queue(`SELECT to_char(p.day, 'YYYY-MM-DD'), sum`+people+`, sum(p.young_people) `+countsFrom+` WHERE `+rowFilter+`
		GROUP BY p.day ORDER BY p.day`, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var c domain.DayCount
			if err := rows.Scan(&c.Day, &c.Participations, &c.YoungPeople); err != nil {
				return err
			}
			in.ByDay = append(in.ByDay, c)
		}
		return rows.Err()
	})
	// Refusals, people told apart and venues' occupancy are kept by venue or county, not by
	// activity: a unit's own figures (an organizer's view) leave them out rather than show
	// other units'.
	if f.UnitID == "" {
		// Refusals are kept by venue, not activity: the form and group filters do not apply.
		b.Queue(`SELECT reason, sum(refused) FROM refusal_counts p WHERE p.edition_id = $1 AND ($2 = '' OR p.county_code = $2)
			AND ($3 = '' OR p.day >= $3::date) AND ($4 = '' OR p.day <= $4::date) GROUP BY reason ORDER BY 2 DESC, 1`, edition, f.CountyCode, f.FromDay, f.ToDay).
			Query(func(rows pgx.Rows) error {
				for rows.Next() {
					var r domain.RefusalCount
					if err := rows.Scan(&r.Reason, &r.Refused); err != nil {
						return err
					}
					in.Refusals = append(in.Refusals, r)
				}
				return rows.Err()
			})
		b.Queue(`SELECT coalesce(sum(people), 0) FROM people_counts WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)`, edition, f.CountyCode).
			QueryRow(func(row pgx.Row) error { return row.Scan(&in.DistinctPeople) })
	}
	var updated *time.Time
	var position int64
	b.Queue(`SELECT coalesce((SELECT last_sequence FROM projection_checkpoints WHERE name = $1), 0),
		(SELECT updated_at FROM projection_checkpoints WHERE name = $1)`, domain.CheckinProjection).
		QueryRow(func(row pgx.Row) error { return row.Scan(&position, &updated) })
	if f.UnitID == "" {
		b.Queue(occupancyQuery, today, f.CountyCode).Query(func(rows pgx.Rows) error {
			var err error
			in.Venues, err = pgx.CollectRows(rows, scanOccupancy)
			return err
		})
	}
	// One read-only snapshot: every panel shows the same moment.
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return domain.Dashboard{}, db.Unavailable(err, "read the dashboard")
	}
	in.StreamPosition = uint64(position)
	if updated != nil {
		in.UpdatedAt = *updated
	}
	return domain.Build(in), nil
}
