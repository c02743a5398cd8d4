package adapters

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sciweek/sciweek/pkg/db"
)

// VenueNames returns the venues' names and the edition's counties' names. It implements
// app.AnomalyNames.
func (s *Store) VenueNames(ctx context.Context, edition string, venues []uuid.UUID) (map[uuid.UUID]string, map[string]string, error) {
	names, counties := map[uuid.UUID]string{}, map[string]string{}
	rows, _ := s.pool.Query(ctx, `SELECT venue_id, name FROM venue_limits WHERE venue_id = ANY($1)`, venues)
	var id uuid.UUID
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { names[id] = name; return nil }); err != nil {
		return nil, nil, db.Unavailable(err, "name the venues")
	}
	var code string
	rows, _ = s.pool.Query(ctx, `SELECT county_code, name FROM edition_counties WHERE edition_id = $1`, edition)
	if _, err := pgx.ForEachRow(rows, []any{&code, &name}, func() error { counties[code] = name; return nil }); err != nil {
		return nil, nil, db.Unavailable(err, "name the counties")
	}
	return names, counties, nil
}

// UnitActivities returns an organizer unit's activities in an edition, planned or not: a door
// may have scanned for one since withdrawn. It implements app.AnomalyNames.
func (s *Store) UnitActivities(ctx context.Context, edition, unit string) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	unitID, err := uuid.Parse(unit)
	if err != nil {
		return out, nil // an organizer tied to no known unit has no activities
	}
	rows, _ := s.pool.Query(ctx, `SELECT id FROM activities WHERE edition_id = $1 AND unit_id = $2`, edition, unitID)
	var id uuid.UUID
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { out[id] = true; return nil }); err != nil {
		return nil, db.Unavailable(err, "list the unit's activities")
	}
	return out, nil
}

// VenueCounty returns a venue's county as the venue registry last said, "" when unknown. It
// implements app.AnomalyNames.
func (s *Store) VenueCounty(ctx context.Context, venue uuid.UUID) (string, error) {
	var county string
	err := s.pool.QueryRow(ctx, `SELECT county_code FROM venue_limits WHERE venue_id = $1`, venue).Scan(&county)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return county, db.Unavailable(err, "find the venue's county")
}
