package adapters

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/db"
	"github.com/sciweek/sciweek/services/reporting/internal/stats/domain"
)

// putActivity stores an activity's state unless a newer one is stored. When its form or
// target groups change (or become known, after check-ins were folded under none), its hours
// move between the roll-ups, so the filtered curves always agree with the activities.
func putActivity(ctx context.Context, tx pgx.Tx, a domain.Activity) error {
	if err := lockRollups(ctx, tx); err != nil {
		return err
	}
	var oldForm domain.Form
	oldGroups := []domain.TargetGroup{}
	err := tx.QueryRow(ctx, `SELECT form, target_groups FROM activities WHERE id = $1`, [16]byte(a.ID)).Scan(&oldForm, &oldGroups)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	var venue *[16]byte
	if a.VenueID != uuid.Nil {
		v := [16]byte(a.VenueID)
		venue = &v
	}
	groups := a.TargetGroups
	if groups == nil {
		groups = []domain.TargetGroup{}
	}
	var unit *[16]byte
	if a.UnitID != uuid.Nil {
		u := [16]byte(a.UnitID)
		unit = &u
	}
	tag, err := tx.Exec(ctx, `INSERT INTO activities (id, edition_id, county_code, title, form, target_groups, venue_id, planned, online, major,
			workers_day, unit_id, unit_name, updated_at, theme)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (id) DO UPDATE SET edition_id = EXCLUDED.edition_id, county_code = EXCLUDED.county_code, title = EXCLUDED.title,
			form = EXCLUDED.form, target_groups = EXCLUDED.target_groups, venue_id = EXCLUDED.venue_id, planned = EXCLUDED.planned,
			online = EXCLUDED.online, major = EXCLUDED.major, workers_day = EXCLUDED.workers_day, unit_id = EXCLUDED.unit_id,
			unit_name = EXCLUDED.unit_name, updated_at = EXCLUDED.updated_at, theme = EXCLUDED.theme
		WHERE activities.updated_at <= EXCLUDED.updated_at`,
		[16]byte(a.ID), a.EditionID, a.CountyCode, a.Title, a.Form, groups, venue, a.Planned, a.Online, a.Major, a.WorkersDay, unit, a.UnitName, a.UpdatedAt, a.Theme.OrNone())
	if err != nil || tag.RowsAffected() == 0 {
		return err // an older state than the one stored changes nothing
	}
	if oldForm != a.Form {
		if err := moveHours(ctx, tx, a.ID, "participation_form_hours", "form", []domain.Form{oldForm}, []domain.Form{a.Form}); err != nil {
			return err
		}
	}
	if !sameSet(oldGroups, groups) {
		if err := moveHours(ctx, tx, a.ID, "participation_group_hours", "target_group", oldGroups, groups); err != nil {
			return err
		}
	}
	return nil
}

// moveHours takes an activity's hours out of a roll-up under the old keys and adds them under
// the new ones.
func moveHours[K ~int16](ctx context.Context, tx pgx.Tx, activity uuid.UUID, table, key string, from, to []K) error {
	hours := `SELECT edition_id, county_code, day, hour, sum(people) AS people FROM participation_hours WHERE activity_id = $1 GROUP BY 1, 2, 3, 4`
	if len(from) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE `+table+` h SET people = h.people - x.people FROM (`+hours+`) x, unnest($2::smallint[]) AS k
			WHERE h.edition_id = x.edition_id AND h.county_code = x.county_code AND h.day = x.day AND h.hour = x.hour AND h.`+key+` = k`,
			[16]byte(activity), from); err != nil {
			return err
		}
	}
	if len(to) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO `+table+` AS h (edition_id, county_code, day, hour, `+key+`, people)
			SELECT x.edition_id, x.county_code, x.day, x.hour, k, x.people FROM (`+hours+`) x, unnest($2::smallint[]) AS k
			ON CONFLICT (edition_id, `+key+`, day, hour, county_code) DO UPDATE SET people = h.people + EXCLUDED.people`,
			[16]byte(activity), to); err != nil {
			return err
		}
	}
	return nil
}

func sameSet[K comparable](a, b []K) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[K]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			return false
		}
	}
	return true
}

// lockRollups serializes describing activities with folding check-ins: each reads what the
// other writes (an activity's form; its hours), and two transactions at once would each miss
// the other's rows.
func lockRollups(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sciweek.reporting.rollups'))`)
	return err
}

// putEditionCounties replaces the names of an edition's counties.
func putEditionCounties(ctx context.Context, tx pgx.Tx, edition string, counties []domain.County) error {
	if _, err := tx.Exec(ctx, `DELETE FROM edition_counties WHERE edition_id = $1`, edition); err != nil {
		return err
	}
	codes, names := make([]string, len(counties)), make([]string, len(counties))
	for i, c := range counties {
		codes[i], names[i] = c.Code, c.Name
	}
	_, err := tx.Exec(ctx, `INSERT INTO edition_counties (edition_id, county_code, name) SELECT $1, c, n FROM unnest($2::text[], $3::text[]) AS u(c, n)`,
		edition, codes, names)
	return err
}

// putTicketHolder records whose ticket it is, by the person's opaque key. The events come on
// another stream than the check-ins, so a ticket may have been admitted before its holder was
// known, and counted as a person of its own: that count is moved to the holder.
func putTicketHolder(ctx context.Context, tx pgx.Tx, ticket uuid.UUID, holderKey string) error {
	if err := lockPeople(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ticket_holders (ticket_id, holder_key) VALUES ($1, $2) ON CONFLICT (ticket_id) DO NOTHING`, [16]byte(ticket), holderKey); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `WITH moved AS (
			DELETE FROM people_seen WHERE holder_key = 'ticket:' || $1::uuid::text RETURNING edition_id, county_code
		), added AS (
			INSERT INTO people_seen (edition_id, county_code, holder_key) SELECT edition_id, county_code, $2 FROM moved
			ON CONFLICT DO NOTHING RETURNING edition_id, county_code
		), change AS (
			SELECT edition_id, county_code, -1 AS n FROM moved UNION ALL SELECT edition_id, county_code, 1 FROM added
		)
		UPDATE people_counts p SET people = p.people + c.n FROM (SELECT edition_id, county_code, sum(n) AS n FROM change GROUP BY 1, 2) c
		WHERE p.edition_id = c.edition_id AND p.county_code = c.county_code`,
		[16]byte(ticket), holderKey)
	return err
}

// StartRebuild throws the check-in aggregates away and moves the projection's checkpoint back
// to the start, in one transaction; the running projection notices at its next batch (its
// checkpoint moved) and replays the stream from the beginning. Occupancy keeps the levels it
// announced, so the replay announces nothing again. Venue names, activities and ticket
// holders come from other streams and stay.
func StartRebuild(ctx context.Context, tx pgx.Tx, replayUntil uint64) error {
	if _, err := tx.Exec(ctx, `TRUNCATE participation_counts, participation_hours, participation_county_hours, participation_form_hours,
		participation_group_hours, refusal_counts, people_seen, people_counts, venue_over_capacity, reconcile_skip`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE venue_occupancy SET entered = 0, exited = 0`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO rebuilds (projection, replay_until, started_at) VALUES ($1, $2, now())
		ON CONFLICT (projection) DO UPDATE SET replay_until = EXCLUDED.replay_until, started_at = EXCLUDED.started_at`,
		domain.CheckinProjection, int64(replayUntil)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE projection_checkpoints SET last_sequence = 0, updated_at = now() WHERE name = $1`, domain.CheckinProjection)
	return err
}

// replayUntil returns the stream position up to which the projection is replaying after a
// rebuild (0 when none): events up to it were folded before and must not announce again.
func replayUntil(ctx context.Context, tx pgx.Tx) (uint64, error) {
	var n int64
	err := tx.QueryRow(ctx, `SELECT replay_until FROM rebuilds WHERE projection = $1`, domain.CheckinProjection).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return uint64(n), err
}

// Checkpoint returns the stream position the aggregates are complete up to.
func (s *Store) Checkpoint(ctx context.Context) (uint64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT last_sequence FROM projection_checkpoints WHERE name = $1), 0)`, domain.CheckinProjection).Scan(&n)
	return uint64(n), db.Unavailable(err, "read the checkpoint")
}

// Rebuild starts a rebuild in its own transaction.
func (s *Store) Rebuild(ctx context.Context, replayUntil uint64) error {
	return db.Unavailable(db.InTx(ctx, s.pool, func(tx pgx.Tx) error { return StartRebuild(ctx, tx, replayUntil) }), "start the rebuild")
}

// Analyze refreshes the planner's statistics of the aggregate tables: after a rebuild they
// describe empty tables, and plans made from them would read the full ones badly.
func (s *Store) Analyze(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `ANALYZE participation_counts, participation_hours, participation_county_hours, participation_form_hours,
		participation_group_hours, refusal_counts, people_seen, venue_occupancy`)
	return db.Unavailable(err, "analyze the aggregates")
}

// Participations counts every participation the aggregates hold, all editions together.
func (s *Store) Participations(ctx context.Context) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(sum(ticketed + walk_ins), 0) FROM participation_counts`).Scan(&n)
	return n, db.Unavailable(err, "count participations")
}

// lockPeople serializes the two projections that meet in people_seen: without it, a check-in
// batch and a TicketIssued applied at the same moment would each miss the other's rows and
// leave a ticket counted as a person of its own.
func lockPeople(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sciweek.reporting.people_seen'))`)
	return err
}

// putEdition stores an edition's report settings from registration's event.
func putEdition(ctx context.Context, tx pgx.Tx, e domain.Edition) error {
	c := e.Contact
	_, err := tx.Exec(ctx, `INSERT INTO editions (edition_id, name, report_deadline, max_video_seconds, time_zone,
			contact_office, contact_person, contact_phone, contact_email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (edition_id) DO UPDATE SET name = EXCLUDED.name, report_deadline = EXCLUDED.report_deadline,
			max_video_seconds = EXCLUDED.max_video_seconds, time_zone = EXCLUDED.time_zone,
			contact_office = EXCLUDED.contact_office, contact_person = EXCLUDED.contact_person,
			contact_phone = EXCLUDED.contact_phone, contact_email = EXCLUDED.contact_email`,
		e.ID, e.Name, e.ReportDeadline, e.MaxVideoSeconds, e.TimeZone, c.Office, c.Person, c.Phone, c.Email)
	return err
}
