package adapters

import (
	"context"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/reporting/internal/domain"
)

// The filter as SQL over participation rows p joined to their activity a. Parameters: $1
// edition, $2 county, $3 from day, $4 to day, $5 form, $6 target group. An activity the
// registration events have not described yet still counts when no form or group is asked for.
const (
	countsFrom = `FROM participation_counts p LEFT JOIN activities a ON a.id = p.activity_id`
	rowFilter  = `p.edition_id = $1 AND ($2 = '' OR p.county_code = $2) AND ($3 = '' OR p.day >= $3::date) AND ($4 = '' OR p.day <= $4::date)
		AND ($5 = 0 OR a.form = $5) AND ($6 = 0 OR $6 = ANY (a.target_groups))`
	// plannedFilter keeps the approved activities of the filter (not bound by days: an
	// activity is planned for the week). Parameters: $1 edition, $2 county, $3 form, $4 group.
	plannedFilter = `a.edition_id = $1 AND a.planned AND ($2 = '' OR a.county_code = $2) AND ($3 = 0 OR a.form = $3)
		AND ($4 = 0 OR $4 = ANY (a.target_groups))`
	people = `(p.ticketed + p.walk_ins)`
)

// Dashboard reads every panel of the dashboard in one round trip: the statements go to
// PostgreSQL as one pipelined batch over the aggregate tables, which stay small (a row per
// activity and day, or per activity and hour) however many check-ins there are.
func (s *Store) Dashboard(ctx context.Context, edition string, f domain.Filter, today, yesterday string) (domain.Dashboard, error) {
	d := domain.Dashboard{EditionID: edition, Filter: f, Today: today}
	args := []any{edition, f.CountyCode, f.FromDay, f.ToDay, f.Form, f.TargetGroup}
	planned := []any{edition, f.CountyCode, f.Form, f.TargetGroup}
	with := func(extra ...any) []any { return append(append([]any{}, args...), extra...) }
	counties := map[string]*domain.CountyRanking{}
	county := func(code, name string) *domain.CountyRanking {
		c, ok := counties[code]
		if !ok {
			c = &domain.CountyRanking{CountyCode: code, CountyName: code}
			counties[code] = c
		}
		if name != "" {
			c.CountyName = name
		}
		return c
	}
	forms := map[int16]*domain.FormCount{}
	form := func(f int16) *domain.FormCount {
		if forms[f] == nil {
			forms[f] = &domain.FormCount{Form: f}
		}
		return forms[f]
	}
	groups := map[int16]*domain.TargetGroupCount{}
	group := func(g int16) *domain.TargetGroupCount {
		if groups[g] == nil {
			groups[g] = &domain.TargetGroupCount{TargetGroup: g}
		}
		return groups[g]
	}

	b := &pgx.Batch{}
	// Every county of the edition the viewer may see, so the ranking shows the quiet ones too.
	b.Queue(`SELECT county_code, name FROM edition_counties WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)`, edition, f.CountyCode).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var code, name string
				if err := rows.Scan(&code, &name); err != nil {
					return err
				}
				county(code, name)
			}
			return rows.Err()
		})
	b.Queue(`SELECT p.county_code, sum(p.ticketed), sum(p.walk_ins), sum(p.young_people), sum(p.adults), sum(p.science_workers), sum(p.volunteers),
			coalesce(sum`+people+` FILTER (WHERE p.day = $7::date), 0), coalesce(sum`+people+` FILTER (WHERE p.day = $8::date), 0),
			count(DISTINCT p.activity_id) FILTER (WHERE `+people+` > 0 AND NOT coalesce(a.online, false)),
			count(DISTINCT p.venue_id) FILTER (WHERE `+people+` > 0)
		`+countsFrom+` WHERE `+rowFilter+` GROUP BY p.county_code`, with(today, yesterday)...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var code string
				var t domain.DashboardTotals
				var todayN, yesterdayN, held, venues int64
				if err := rows.Scan(&code, &t.Ticketed, &t.WalkIns, &t.YoungPeople, &t.Adults, &t.ScienceWorkers, &t.Volunteers,
					&todayN, &yesterdayN, &held, &venues); err != nil {
					return err
				}
				c := county(code, "")
				c.Participations, c.Today, c.YoungPeople, c.ActivitiesHeld, c.VenuesOpened = t.Participations(), todayN, t.YoungPeople, held, venues
				tt := &d.Totals
				tt.Ticketed, tt.WalkIns, tt.People = tt.Ticketed+t.Ticketed, tt.WalkIns+t.WalkIns, tt.People.Add(t.People)
				tt.Today, tt.Yesterday = tt.Today+todayN, tt.Yesterday+yesterdayN
				tt.ActivitiesHeld, tt.VenuesOpened = tt.ActivitiesHeld+held, tt.VenuesOpened+venues
			}
			return rows.Err()
		})
	b.Queue(`SELECT a.county_code, count(*) FILTER (WHERE NOT a.online), count(*) FILTER (WHERE a.online)
		FROM activities a WHERE `+plannedFilter+` GROUP BY a.county_code`, planned...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var code string
				var onSite, online int64
				if err := rows.Scan(&code, &onSite, &online); err != nil {
					return err
				}
				county(code, "").ActivitiesPlanned = onSite
				d.Totals.ActivitiesPlanned += onSite
				d.Totals.OnlineActivities += online
			}
			return rows.Err()
		})
	hours := `SELECT to_char(p.day, 'YYYY-MM-DD') || 'T' || lpad(p.hour::text, 2, '0'), sum(p.people)
		FROM participation_hours p LEFT JOIN activities a ON a.id = p.activity_id WHERE ` + rowFilter + ` GROUP BY p.day, p.hour ORDER BY p.day, p.hour`
	if f.Form == 0 && f.TargetGroup == 0 {
		// Without a form or group the county roll-up answers, with a fraction of the rows.
		hours = `SELECT to_char(p.day, 'YYYY-MM-DD') || 'T' || lpad(p.hour::text, 2, '0'), sum(p.people)
			FROM participation_county_hours p WHERE p.edition_id = $1 AND ($2 = '' OR p.county_code = $2)
			AND ($3 = '' OR p.day >= $3::date) AND ($4 = '' OR p.day <= $4::date) AND $5::smallint = 0 AND $6::smallint = 0
			GROUP BY p.day, p.hour ORDER BY p.day, p.hour`
	}
	b.Queue(hours, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var h domain.HourCount
			if err := rows.Scan(&h.Hour, &h.Participations); err != nil {
				return err
			}
			d.ByHour = append(d.ByHour, h)
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
			d.ByDay = append(d.ByDay, c)
		}
		return rows.Err()
	})
	b.Queue(`SELECT coalesce(a.form, 0), count(DISTINCT p.activity_id) FILTER (WHERE `+people+` > 0), sum`+people+`
		`+countsFrom+` WHERE `+rowFilter+` GROUP BY 1`, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var k int16
			var held, n int64
			if err := rows.Scan(&k, &held, &n); err != nil {
				return err
			}
			fc := form(k)
			fc.ActivitiesHeld, fc.Participations = held, n
		}
		return rows.Err()
	})
	b.Queue(`SELECT a.form, count(*) FROM activities a WHERE `+plannedFilter+` GROUP BY a.form`, planned...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var k int16
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			form(k).ActivitiesPlanned = n
		}
		return rows.Err()
	})
	b.Queue(`SELECT g, sum`+people+` FROM participation_counts p JOIN activities a ON a.id = p.activity_id, unnest(a.target_groups) AS g
		WHERE `+rowFilter+` GROUP BY g`, args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var k int16
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				return err
			}
			group(k).Participations = n
		}
		return rows.Err()
	})
	b.Queue(`SELECT g, count(*) FROM activities a, unnest(a.target_groups) AS g WHERE `+plannedFilter+` GROUP BY g`, planned...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var k int16
				var n int64
				if err := rows.Scan(&k, &n); err != nil {
					return err
				}
				group(k).ActivitiesPlanned = n
			}
			return rows.Err()
		})
	b.Queue(`SELECT p.activity_id, coalesce(a.title, ''), p.county_code, coalesce(v.name, ''), coalesce(a.form, 0), sum`+people+` AS n
		`+countsFrom+` LEFT JOIN venue_limits v ON v.venue_id = p.venue_id WHERE `+rowFilter+`
		GROUP BY p.activity_id, a.title, p.county_code, v.name, a.form ORDER BY n DESC, p.activity_id LIMIT 10`, args...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var a domain.ActivityCount
				var id [16]byte
				if err := rows.Scan(&id, &a.Title, &a.CountyCode, &a.VenueName, &a.Form, &a.Participations); err != nil {
					return err
				}
				a.ActivityID = uuid.UUID(id)
				d.TopActivities = append(d.TopActivities, a)
			}
			return rows.Err()
		})
	b.Queue(`SELECT a.id, a.title, a.county_code, a.form FROM activities a WHERE `+plannedFilter+` AND a.online ORDER BY a.title, a.id LIMIT 50`, planned...).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var a domain.ActivityCount
				var id [16]byte
				if err := rows.Scan(&id, &a.Title, &a.CountyCode, &a.Form); err != nil {
					return err
				}
				a.ActivityID = uuid.UUID(id)
				d.OnlineActivities = append(d.OnlineActivities, a)
			}
			return rows.Err()
		})
	// Refusals are kept by venue, not activity: the form and group filters do not apply.
	b.Queue(`SELECT reason, sum(refused) FROM refusal_counts p WHERE p.edition_id = $1 AND ($2 = '' OR p.county_code = $2)
		AND ($3 = '' OR p.day >= $3::date) AND ($4 = '' OR p.day <= $4::date) GROUP BY reason ORDER BY 2 DESC, 1`, edition, f.CountyCode, f.FromDay, f.ToDay).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var r domain.RefusalCount
				if err := rows.Scan(&r.Reason, &r.Refused); err != nil {
					return err
				}
				d.Refusals = append(d.Refusals, r)
				d.Totals.Refused += r.Refused
			}
			return rows.Err()
		})
	b.Queue(`SELECT count(*) FROM people_seen WHERE edition_id = $1 AND ($2 = '' OR county_code = $2)`, edition, f.CountyCode).
		QueryRow(func(row pgx.Row) error { return row.Scan(&d.Totals.DistinctPeople) })
	var updated *time.Time
	var position int64
	b.Queue(`SELECT coalesce((SELECT last_sequence FROM projection_checkpoints WHERE name = $1), 0),
		(SELECT updated_at FROM projection_checkpoints WHERE name = $1)`, ProjectionName).
		QueryRow(func(row pgx.Row) error { return row.Scan(&position, &updated) })
	var venues []domain.Occupancy
	b.Queue(occupancyQuery, today, f.CountyCode).Query(func(rows pgx.Rows) error {
		var err error
		venues, err = pgx.CollectRows(rows, scanOccupancy)
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return domain.Dashboard{}, db.Unavailable(err, "read the dashboard")
	}

	for _, c := range counties {
		d.Counties = append(d.Counties, *c)
	}
	sort.Slice(d.Counties, func(i, j int) bool {
		a, b := d.Counties[i], d.Counties[j]
		if a.Participations != b.Participations {
			return a.Participations > b.Participations
		}
		return a.CountyCode < b.CountyCode
	})
	for _, fc := range forms {
		d.Forms = append(d.Forms, *fc)
	}
	sort.Slice(d.Forms, func(i, j int) bool {
		a, b := d.Forms[i], d.Forms[j]
		if a.Participations != b.Participations {
			return a.Participations > b.Participations
		}
		return a.Form < b.Form
	})
	for _, g := range groups {
		d.TargetGroups = append(d.TargetGroups, *g)
	}
	sort.Slice(d.TargetGroups, func(i, j int) bool {
		a, b := d.TargetGroups[i], d.TargetGroups[j]
		if a.Participations != b.Participations {
			return a.Participations > b.Participations
		}
		return a.TargetGroup < b.TargetGroup
	})
	d.StreamPosition = uint64(position)
	if updated != nil {
		d.UpdatedAt = *updated
	}
	domain.SortFullest(venues)
	d.Occupancy = domain.Summarize(venues, domain.FullestShown)
	for _, v := range venues {
		if v.Level == domain.LevelAlarm {
			d.VenuesInAlarm = append(d.VenuesInAlarm, v)
		}
	}
	return d, nil
}
